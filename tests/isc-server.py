#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""A loopback stand-in for the SANS ISC domain API (domain_stats' specification) for
domain-born's tests: JSON POSTs {"command": "config" | "status" | "query", ...} to any path, over
HTTPS with the certificate given (standard library only).

The path scripts the service, as "/"-separated words (any others, such as a test's own name, are
ignored and only make its requests easy to find in the log):
  old            config: min_software_version 99.0 (newer than any client)
  dbv=X.Y        config: min_database_version X.Y (default 0.0)
  prohibit=.T    config: also prohibit the TLD .T (.local and .arpa always are)
  badconfig      config: an answer that is not JSON
  deny           status: deny_client "denied by the test service"
  interval=N     status: interval N minutes (default 60)
Queries answer by the name's first label (the part before the first "-"):
  first          success, with ISC-FIRST-CONTACT the first time the name is asked
  alert          success with the alert ISC-WATCHLIST (so: cached for 24 hours only)
  errN errm1 errm2   the error form with lifetime N hours, -1 or -2 (seen_by_isc an integer)
  garbage        an answer that is not JSON
  anything else  success without alerts
Success dates: seen_by_web 1999-09-09 09:09:09, expires 2039-09-09 09:09:09, seen_by_isc
2020-05-06 07:08:09. Every request is appended to --log as one JSON line: the path and the
request's members.
"""
import argparse
import http.server
import json
import os
import socketserver
import ssl
import sys
import threading
import time

seen = set()
lock = threading.Lock()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, obj, status=200):
        body = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n)
        try:
            req = json.loads(raw)
        except ValueError:
            req = {"unparsed": raw.decode("latin-1")}
        if not isinstance(req, dict):
            req = {"unparsed": req}
        with lock, open(self.server.cfg.log, "a") as f:
            f.write(json.dumps(dict(path=self.path, ctype=self.headers.get("Content-Type"),
                                    **req), separators=(",", ":")) + "\n")
        words = {}
        for w in self.path.strip("/").split("/"):
            k, _, v = w.partition("=")
            words.setdefault(k, []).append(v)
        cmd = req.get("command")
        if cmd == "config":
            if "badconfig" in words:
                return self.send(b"<html>not json</html>")
            return self.send({
                "min_software_version": "99.0" if "old" in words else "0.1",
                "min_database_version": (words.get("dbv") or ["0.0"])[0],
                "prohibited_tlds": [".local", ".arpa"] + words.get("prohibit", []),
            })
        if cmd == "status":
            return self.send({
                "interval": int((words.get("interval") or ["60"])[0]),
                "deny_client": "denied by the test service" if "deny" in words else "",
            })
        if cmd != "query":
            return self.send({"error": "unknown command"}, 400)
        name = str(req.get("domain", ""))
        kind = name.split("-")[0]
        ok = {"seen_by_web": "1999-09-09 09:09:09", "expires": "2039-09-09 09:09:09",
              "seen_by_isc": "2020-05-06 07:08:09", "alerts": []}
        if kind == "first":
            with lock:
                if name not in seen:
                    ok["alerts"].append("ISC-FIRST-CONTACT")
                seen.add(name)
            return self.send(ok)
        if kind == "alert":
            ok["alerts"].append("ISC-WATCHLIST")
            return self.send(ok)
        if kind.startswith("err"):
            ttl = kind[3:].replace("m", "-")
            return self.send({"seen_by_web": "ERROR", "expires": "ERROR",
                              "seen_by_isc": int(ttl), "alerts": ["ISC-NO-DATA"]})
        if kind == "garbage":
            return self.send(b"{\"seen_by_web\":")
        return self.send(ok)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--tls-cert", required=True)
    ap.add_argument("--tls-key", required=True)
    cfg = ap.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)
    srv.cfg = cfg
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cfg.tls_cert, cfg.tls_key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    tmp = cfg.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, cfg.port_file)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
