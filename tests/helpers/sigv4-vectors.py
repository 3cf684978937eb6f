#!/usr/bin/python3
"""Prints the signatures tests/unit/test_sigv4.c expects, made by botocore
(Debian's python3-botocore): the two AWS documentation examples, then
UNSIGNED-PAYLOAD requests like the ones ais sends."""
import datetime
import importlib.util
import os
from unittest import mock

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

spec = importlib.util.spec_from_file_location(
    "sigv4_origin", os.path.join(os.path.dirname(__file__), "sigv4-origin.py"))
origin = importlib.util.module_from_spec(spec)
spec.loader.exec_module(origin)


def sign(method, url, payload, key, secret, region, when):
    req = AWSRequest(method=method, url=url, headers={"x-amz-content-sha256": payload})
    with origin.at(when), mock.patch.object(S3SigV4Auth, "_should_sha256_sign_payload",
                                            return_value=payload != "UNSIGNED-PAYLOAD"):
        S3SigV4Auth(Credentials(key, secret), "s3", region).add_auth(req)
    return req.headers["Authorization"].split("Signature=")[1]


EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
EXAMPLE = ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
OURS = ("S3RVER", "S3RVER")
T0 = datetime.datetime(2013, 5, 24)
T1 = datetime.datetime(2026, 12, 1, 18, 30, 5)
T2 = datetime.datetime(2026, 12, 2, 0, 0, 1)
for method, url, payload, creds, region, when in [
    ("GET", "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J", EMPTY, EXAMPLE, "us-east-1", T0),
    ("GET", "https://examplebucket.s3.amazonaws.com/?lifecycle", EMPTY, EXAMPLE, "us-east-1", T0),
    ("GET", "http://127.0.0.1:9000/bench/m1-001", "UNSIGNED-PAYLOAD", OURS, "us-east-1", T1),
    ("HEAD", "http://127.0.0.1:9000/bench/dir/a%20b%2Bc%25d~%C3%A9", "UNSIGNED-PAYLOAD", OURS, "us-east-1", T1),
    ("GET", "http://127.0.0.1:9000/bench/m1-001", "UNSIGNED-PAYLOAD", OURS, "us-east-1", T2),
    ("GET", "http://127.0.0.1:9000/bench?list-type=2&max-keys=1000&prefix=dir%2Fsub%2F"
     "&continuation-token=ab%2Bc%3D", "UNSIGNED-PAYLOAD", OURS, "us-east-1", T1),
    ("GET", "https://s3.eu-central-1.amazonaws.com/bucket/key.tar", "UNSIGNED-PAYLOAD", OURS, "eu-central-1", T1),
]:
    print(sign(method, url, payload, *creds, region, when), method, url, when)
