#!/usr/bin/env python3
"""Prints N (default 1) distinct random free TCP ports on 127.0.0.1, one a
line, below the ephemeral range.

A port the kernel picks (bind to 0) is in the ephemeral range, where an
outgoing connection can take it before the server that was given it binds.
"""
import random
import socket
import sys

with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
    low = int(f.read().split()[0])
if low <= 11000:
    low = 65536
want = int(sys.argv[1]) if len(sys.argv) > 1 else 1
ports = []
for _ in range(1000 * want):
    port = random.randrange(10000, low)
    if port in ports:
        continue
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
    ports.append(port)
    if len(ports) == want:
        break
else:
    raise SystemExit("free-port: no free port found")
print("\n".join(map(str, ports)))
