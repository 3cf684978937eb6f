#!/usr/bin/env python3
"""Where the time of a cold GET goes, from packet timestamps.

Reads `tcpdump -tt -n` lines of loopback traffic captured while one client
ran cold GETs through the proxy one at a time, and prints the median of
each step: the proxy's redirect, the target's request to the backend, the
backend's time to first byte and transfer, and the target's tail (the
backend's last byte to the client's last).  The backend's own time is
measured on the very GETs it served, so the target's cost (everything but
that) comes out free of the backend's swings from run to run, which set
the ratio of two runs.

usage: cold-timeline.py PROXY_PORT TARGET_PORT BACKEND_PORT FILE
"""
import re
import statistics
import sys

LINE = re.compile(r'^(\d+\.\d+) IP 127\.0\.0\.1\.(\d+) > '
                  r'127\.0\.0\.1\.(\d+): .* length (\d+)')
STEPS = [
    ('proxy redirect', 'req', 'redir'),
    ('client to target', 'redir', 'treq'),
    ('target to backend request', 'treq', 'breq'),
    ('backend first byte', 'breq', 'bfirst'),
    ('backend transfer', 'bfirst', 'blast'),
    ('target tail', 'blast', 'clast'),
    ('total', 'req', 'clast'),
]


def gets(path, proxy, target, backend):
    """One dict of first/last timestamps a GET, in order."""
    out, cur = [], None
    for line in open(path, errors='replace'):
        m = LINE.match(line)
        if not m or m.group(4) == '0':
            continue
        t, src, dst = float(m.group(1)), m.group(2), m.group(3)
        if dst == proxy:
            if cur:
                out.append(cur)
            cur = {'req': t}
        elif cur is None:
            continue
        elif src == proxy:
            cur.setdefault('redir', t)
        elif dst == target:
            cur.setdefault('treq', t)
        elif dst == backend:
            cur.setdefault('breq', t)
        elif src == backend:
            cur.setdefault('bfirst', t)
            cur['blast'] = t
        elif src == target:
            cur['clast'] = t
    if cur:
        out.append(cur)
    keys = {k for _, a, b in STEPS for k in (a, b)}
    return [g for g in out if keys <= g.keys()]


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__.strip().splitlines()[-1])
    g = gets(sys.argv[4], *sys.argv[1:4])
    if not g:
        sys.exit('cold-timeline.py: no whole GET in ' + sys.argv[4])
    own = [1e6 * ((x['clast'] - x['req']) - (x['blast'] - x['breq']))
           for x in g]
    print(f'{len(g)} cold GETs, medians in us:')
    for name, a, b in STEPS:
        v = [1e6 * (x[b] - x[a]) for x in g]
        print(f'  {name:27s} {statistics.median(v):9.0f}')
    print(f'  {"all but the backend":27s} {statistics.median(own):9.0f}')


main()
