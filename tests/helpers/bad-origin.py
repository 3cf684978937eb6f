#!/usr/bin/python3
"""A misbehaving origin for the cold-GET tests, answering both as an HTTP
origin and as an S3 bucket (any first path segment):

  .../badmd5     200, an ETag that is the MD5 of other bytes
  .../short      Content-Length 1000000, 100000 bytes sent, then close
  .../slow       4 MiB in 16 pieces over about 2 s (time to first byte)
  .../trickle    1 MiB in 32 pieces of 32 KiB, 50 ms apart
  .../chunked    the same, chunked (no length), piece i made of byte i
  .../forbidden  403
  .../ok         200, 1000 bytes, a correct MD5 ETag
  HEAD of a bucket (one segment): 200; anything else: 404

Every request is appended to the log file given as the second argument.
"""
import hashlib
import http.server
import sys
import time

PORT, LOG = int(sys.argv[1]), sys.argv[2]
OK = bytes(range(256)) * 4


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        with open(LOG, "a") as f:
            f.write("%s %s\n" % (self.command, self.path))

    def send(self, code, body=b"", etag=None, length=None):
        self.send_response(code)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        if etag:
            self.send_header("ETag", '"%s"' % etag)
        self.end_headers()
        return body

    def send_pieces(self, piece, n, pause):
        self.send(200, length=n * len(piece))
        for _ in range(n):
            self.wfile.write(piece)
            self.wfile.flush()
            time.sleep(pause)

    def do_HEAD(self):
        name = self.path.split("?")[0].strip("/")
        if "/" not in name:
            self.send(200)
        elif name.endswith("/ok"):
            self.send(200, OK, hashlib.md5(OK).hexdigest())
        else:
            self.send(404)

    def do_GET(self):
        name = self.path.split("?")[0]
        if name.endswith("/badmd5"):
            body = b"x" * 100000
            self.wfile.write(self.send(200, body, hashlib.md5(b"other").hexdigest()))
        elif name.endswith("/short"):
            self.send(200, length=1000000)
            self.wfile.write(b"s" * 100000)
            self.wfile.flush()
            self.close_connection = True
        elif name.endswith("/slow"):
            self.send_pieces(b"w" * (256 * 1024), 16, 0.12)
        elif name.endswith("/trickle"):
            self.send_pieces(b"t" * (32 * 1024), 32, 0.05)
        elif name.endswith("/chunked"):
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(16):
                self.wfile.write(b"%x\r\n%s\r\n" % (256 * 1024, bytes([i]) * (256 * 1024)))
                self.wfile.flush()
                time.sleep(0.12)
            self.wfile.write(b"0\r\n\r\n")
        elif name.endswith("/forbidden"):
            self.wfile.write(self.send(403, b"<Error>AccessDenied</Error>"))
        elif name.endswith("/ok"):
            self.wfile.write(self.send(200, OK, hashlib.md5(OK).hexdigest()))
        else:
            self.wfile.write(self.send(404, b"<Error>NoSuchKey</Error>"))


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
