#!/usr/bin/python3
"""An S3 bucket that checks every request's SigV4 signature as AWS does,
which s3rver does not: botocore signs the request again from its method,
path, query, Host, x-amz-date and x-amz-content-sha256 with the secret
given, the path and each query key and value decoded and encoded again
(RFC 3986 unreserved kept, '/' kept in the path only).  A mismatch is 403
SignatureDoesNotMatch.

  GET/HEAD /BUCKET/KEY        200, 1000 bytes made of KEY, an MD5 ETag
  GET /BUCKET?list-type=2...  one object, named PREFIX + "x"
  HEAD /BUCKET                200

Usage: sigv4-origin.py PORT LOG ACCESS_KEY SECRET_KEY.  Each request is
appended to LOG as "OK|BAD METHOD PATH".
"""
import datetime
import hashlib
import http.server
import re
import sys
import threading
import urllib.parse
from unittest import mock

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

AUTH = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/]+)/\d{8}/([^/]+)/s3/aws4_request, "
                  r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$")
# The patches below replace module attributes, which every handler thread
# shares: two checks at once would sign with each other's clock.
PATCHING = threading.Lock()


def encode(s, safe):
    return urllib.parse.quote(urllib.parse.unquote(s), safe=safe)


def at(when):
    """botocore signing at a given time: get_current_datetime from 1.31 on."""
    import botocore.auth as auth
    if hasattr(auth, "get_current_datetime"):
        return mock.patch.object(auth, "get_current_datetime", return_value=when)
    fake = mock.MagicMock(wraps=datetime)
    fake.datetime.utcnow.return_value = when
    return mock.patch.object(auth, "datetime", fake)


def signature_ok(method, target, headers, access, secret):
    m = AUTH.match(headers.get("Authorization", ""))
    if m is None or m.group(1) != access:
        return False
    path, _, query = target.partition("?")
    pairs = [p.partition("=") for p in query.split("&") if p]
    query = "&".join("%s=%s" % (encode(k, "-_.~"), encode(v, "-_.~")) for k, _, v in pairs)
    url = "http://%s%s%s" % (headers["Host"], encode(path, "/-_.~"), "?" + query if query else "")
    signed = {h: headers[h] for h in m.group(3).split(";") if h != "host"}
    req = AWSRequest(method=method, url=url, headers=signed)
    when = datetime.datetime.strptime(headers["x-amz-date"], "%Y%m%dT%H%M%SZ")
    unsigned = headers.get("x-amz-content-sha256") == "UNSIGNED-PAYLOAD"
    with PATCHING, at(when), mock.patch.object(S3SigV4Auth, "_should_sha256_sign_payload",
                                               return_value=not unsigned):
        S3SigV4Auth(Credentials(access, secret), "s3", m.group(2)).add_auth(req)
    return req.headers["Authorization"].endswith("Signature=" + m.group(4))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer(self, head):
        ok = signature_ok(self.command, self.path, self.headers, ACCESS, SECRET)
        with open(LOG, "a") as f:
            f.write("%s %s %s\n" % ("OK" if ok else "BAD", self.command, self.path))
        path, _, query = self.path.partition("?")
        bucket, _, key = urllib.parse.unquote(path).lstrip("/").partition("/")
        body, code = b"", 200
        if not ok:
            code, body = 403, b"<Error><Code>SignatureDoesNotMatch</Code></Error>"
        elif key:
            body = (key.encode() * (1000 // max(len(key.encode()), 1) + 1))[:1000]
            self.etag = hashlib.md5(body).hexdigest()
        elif "list-type=2" in query:
            prefix = urllib.parse.parse_qs(query).get("prefix", [""])[0]
            body = ("<ListBucketResult><Name>%s</Name><KeyCount>1</KeyCount>"
                    "<IsTruncated>false</IsTruncated><Contents><Key>%sx</Key>"
                    "<Size>1000</Size><ETag>\"0\"</ETag></Contents></ListBucketResult>"
                    % (bucket, prefix)).encode()
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        if ok and key:
            self.send_header("ETag", '"%s"' % self.etag)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def do_GET(self):
        self.answer(False)

    def do_HEAD(self):
        self.answer(True)


if __name__ == "__main__":
    PORT, LOG, ACCESS, SECRET = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
