#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""A loopback stand-in for S3's PUT Object, for the daily script's upload test (standard library).

usage: s3_put_server.py PORT_FILE LOG ACCESS_KEY SECRET_KEY
Listens on 127.0.0.1 (a free port, written to PORT_FILE), checks each PUT's AWS Signature
Version 4 (Authorization header) against ACCESS_KEY/SECRET_KEY, answers 200 when it is right
and 403 when not, and appends one JSON line a request to LOG:
{"path","content_type","bytes","payload_ok","unsigned_payload","signature_ok","region",
"service"}.
"""
import hashlib
import hmac
import http.server
import json
import os
import sys
import urllib.parse

PORT_FILE, LOG, ACCESS, SECRET = sys.argv[1:5]


def hmac256(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def check_sigv4(method, path, query, headers, payload_hash):
    """Recompute the signature as AWS documents it; return (ok, region, service)."""
    auth = headers.get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return False, None, None
    parts = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    key_id, day, region, service, term = parts["Credential"].split("/")
    if key_id != ACCESS or term != "aws4_request":
        return False, region, service
    signed = parts["SignedHeaders"].split(";")
    canon_headers = "".join(
        "%s:%s\n" % (h, " ".join(headers.get(h, "").split())) for h in signed)
    canon_query = "&".join(sorted(query.split("&"))) if query else ""
    canon = "\n".join([method, path, canon_query, canon_headers, parts["SignedHeaders"],
                       payload_hash])
    amz_date = headers.get("x-amz-date", "")
    scope = "/".join([day, region, service, term])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canon.encode()).hexdigest()])
    k = hmac256(("AWS4" + SECRET).encode(), day)
    k = hmac256(k, region)
    k = hmac256(k, service)
    k = hmac256(k, term)
    want = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, parts["Signature"]), region, service


class Handler(http.server.BaseHTTPRequestHandler):
    # HTTP/1.1 makes the server answer curl's "Expect: 100-continue" (S3 does) at once
    protocol_version = "HTTP/1.1"

    def do_PUT(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        url = urllib.parse.urlsplit(self.path)
        digest = hashlib.sha256(body).hexdigest()
        # S3 wants x-amz-content-sha256: the body's hash or UNSIGNED-PAYLOAD; curl signs
        # whichever the caller sent (and the empty body's hash when there is none)
        claimed = self.headers.get("x-amz-content-sha256", hashlib.sha256(b"").hexdigest())
        body_ok = claimed in (digest, "UNSIGNED-PAYLOAD")
        ok, region, service = check_sigv4("PUT", url.path, url.query,
                                          {k.lower(): v for k, v in self.headers.items()}
                                          | {"Authorization": self.headers.get("Authorization", "")},
                                          claimed)
        with open(LOG, "a") as f:
            f.write(json.dumps({"path": url.path, "content_type": self.headers.get("Content-Type"),
                                "bytes": len(body), "payload_ok": body_ok,
                                "unsigned_payload": claimed == "UNSIGNED-PAYLOAD",
                                "signature_ok": ok, "region": region, "service": service}) + "\n")
        self.send_response(200 if ok and body_ok else 403)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(PORT_FILE + ".tmp", "w") as f:
    f.write("%d\n" % server.server_address[1])
os.rename(PORT_FILE + ".tmp", PORT_FILE)
server.serve_forever()
