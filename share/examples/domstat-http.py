#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""domstat-http: domain_stats' HTTP interface (GET /<domain>) over the domstat filters.

For SIEMs that can only make web calls, and for domain_stats' own Zeek script. The answer is
exactly what `seen-db --compat --date-format http` prints for the name, because that is what
answers it: one long-running `domain-freq | seen-db --compat` pipeline (or DOMSTAT_ENRICH) gets
one line per request and gives one line back. Python standard library only; optional.

usage: domstat-http.py [--listen ADDR] [--port N] [--port-file FILE]
  --listen ADDR      address to bind (default 127.0.0.1: the store answers anyone who asks)
  --port N           port (default 5730, domain_stats' own, so its Zeek script works as is)
  --port-file FILE   write "ADDR PORT" there once listening (for --port 0)
Environment: DOMSTAT_DB (the store); DOMSTAT_ENRICH, the pipeline (a shell command reading
names and writing domain_stats' reply objects, one line each), for example with registration
dates: domain-freq | domain-born --date-format http | seen-db --compat --date-format http
"""
import argparse
import http.server
import os
import subprocess
import sys
import threading
import urllib.parse

DEFAULT = "domain-freq | seen-db --compat --date-format http"
MAX_NAME = 1024  # names are checked by the filters; this only bounds what we pass on


class Pipeline:
    """The filters, one request at a time: a line in, a line out."""

    def __init__(self, command):
        self.proc = subprocess.Popen(["sh", "-c", command], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, bufsize=0)
        self.lock = threading.Lock()

    def ask(self, name):
        with self.lock:
            self.proc.stdin.write(name.encode() + b"\n")
            self.proc.stdin.flush()
            return self.proc.stdout.readline()


def valid(name):
    # the name becomes one input line of the filters: no line breaks or other controls, and
    # no '{' first, which would make it a JSON record
    return (0 < len(name) <= MAX_NAME and not name.startswith("{")
            and not any(ord(c) < 0x21 or ord(c) == 0x7f for c in name))


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "domstat-http"
    pipeline = None

    def reply(self, code, body, ctype="application/json"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        # http.server decoded the request line as Latin-1: back to bytes, then UTF-8
        path = urllib.parse.urlsplit(self.path).path.encode("latin-1")
        try:
            name = urllib.parse.unquote_to_bytes(path[1:]).decode("utf-8")
        except UnicodeDecodeError:
            name = ""
        if not valid(name) or "/" in name:
            self.reply(400, b'{"error":"GET /<domain>"}\n')
            return
        line = self.pipeline.ask(name)
        if not line.endswith(b"\n"):
            self.reply(503, b'{"error":"the filters stopped"}\n')
            print("domstat-http: the filters stopped", file=sys.stderr)
            os._exit(2)
        self.reply(200, line[:-1])

    def log_message(self, fmt, *args):
        pass


def main():
    ap = argparse.ArgumentParser(description="domain_stats' GET /<domain> over domstat")
    ap.add_argument("--listen", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=5730)
    ap.add_argument("--port-file")
    a = ap.parse_args()
    Handler.pipeline = Pipeline(os.environ.get("DOMSTAT_ENRICH") or DEFAULT)
    try:
        server = http.server.ThreadingHTTPServer((a.listen, a.port), Handler)
    except OSError as e:
        print("domstat-http: cannot listen on %s port %d: %s" % (a.listen, a.port, e.strerror),
              file=sys.stderr)
        return 2
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as f:
            f.write("%s %d\n" % server.server_address[:2])
        os.rename(a.port_file + ".tmp", a.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    Handler.pipeline.proc.stdin.close()
    Handler.pipeline.proc.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
