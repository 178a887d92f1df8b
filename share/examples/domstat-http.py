#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""domstat-http: domain_stats' HTTP interface over the domstat filters.

For SIEMs that can only make web calls, and for domain_stats' own Zeek script. GET /<domain>
answers exactly what `seen-db --compat` prints for the name, because that is what answers it:
one long-running `domain-freq | domain-born | seen-db --compat` pipeline (or DOMSTAT_ENRICH)
gets one line per request and gives one line back. domain_stats' other endpoints are answered
from seen-db's subcommands, which open the store read-only:
  /stats                        seen-db stats: {"hit","miss","rdap_fail","rdap_good","size",
                                "warnings"}
  /cache_get?domain=NAME        seen-db get NAME: {"cache_expires","cache_value","domain"}
  /cache_browse?offset=O&limit=L  seen-db browse: an array of those (at most 100), a "next"
                                link first when there may be more
  /depuny?domain=NAME           seen-db depuny NAME: the Unicode form, as a JSON string
/stats-reset (which would zero the counters for whoever asks) is refused with 404, as is a
query on a name. Python standard library only; optional.

usage: domstat-http.py [--listen ADDR] [--port N] [--port-file FILE]
  --listen ADDR      address to bind (default 127.0.0.1: the store answers anyone who asks)
  --port N           port (default 5730, domain_stats' own, so its Zeek script works as is)
  --port-file FILE   write "ADDR PORT" there once listening (for --port 0)
Environment: the shared settings (domstat(7): the store, established_days), DOMSTAT_DB;
DOMSTAT_ENRICH, the pipeline (a shell command reading names and writing domain_stats' reply
objects, one line each; default: domain-freq | domain-born | seen-db --compat).
"""
import argparse
import http.server
import json
import os
import subprocess
import sys
import threading
import urllib.parse

DEFAULT = "domain-freq | domain-born | seen-db --compat"
MAX_NAME = 1024  # names are checked by the filters; this only bounds what we pass on
BROWSE_LIMIT = 100  # domain_stats' cache_browse_limit


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


def dumps(obj):
    """As Flask's jsonify: sorted keys, compact, non-ASCII escaped, a final newline."""
    return (json.dumps(obj, sort_keys=True, separators=(",", ":")) + "\n").encode()


def seen_db(*args, stdin=None):
    """A seen-db subcommand's output lines (its exit status 1 is "not found", not a failure)."""
    p = subprocess.run(["seen-db", "--date-format", "http"] + list(args), input=stdin,
                       stdout=subprocess.PIPE, check=False)
    if p.returncode not in (0, 1):
        raise RuntimeError("seen-db %s failed (status %d)" % (args[0], p.returncode))
    return p.stdout.decode().splitlines()


def freq_records(names):
    """domain-freq's record for each name: its freq_score and alerts."""
    if not names:
        return []
    p = subprocess.run(["domain-freq"], input="".join(n + "\n" for n in names).encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    return [json.loads(line) for line in p.stdout.decode().splitlines()]


def cached(row, freq):
    """A store row (seen-db get/browse) as domain_stats' /cache_get object."""
    reg = row.get("registration") or {}
    failed = "error_code" in reg or not reg.get("created")
    alerts = freq.get("alerts", []) + reg.get("alerts", [])
    if "error_msg" in reg:
        alerts.append(reg["error_msg"])
    value = {"alerts": alerts,
             "category": "ERROR" if failed else row.get("category", "ERROR"),
             "freq_score": freq.get("freq_score", "ERROR"),
             "seen_by_isc": "ERROR" if failed else row["source"],
             "seen_by_web": "ERROR" if failed else reg["created"],
             "seen_by_you": "ERROR" if failed else row["first_seen"]}
    expires = None if row.get("never_expire") else reg.get("expires") or row.get("expires")
    return {"cache_expires": expires or "Never", "cache_value": value, "domain": row["domain"]}


def stats(query, base):
    s = json.loads(seen_db("stats")[0])
    return {"hit": s["hits"], "miss": s["misses"], "rdap_fail": s["rdap_fail"],
            "rdap_good": s["rdap_good"], "size": s["bytes"],
            "warnings": [] if s["integrity"] == "ok" else s["integrity"].splitlines()}


def one(query, name):
    values = query.get(name)
    return values[0] if values and valid(values[0]) else None


def cache_get(query, base):
    name = one(query, "domain")
    if name is None:
        return {"text": "Try /cache_get?domain=markbaggett.com"}
    rows = [json.loads(line) for line in seen_db("get", name)]
    if not rows:
        return {"text": "That domain is not in the database."}
    return dict(cached(rows[0], freq_records([rows[0]["domain"]])[0]), domain=name)


def number(query, name, default):
    try:
        return max(0, int(query.get(name, [default])[0]))
    except ValueError:
        return default


def cache_browse(query, base):
    offset, limit = number(query, "offset", 0), number(query, "limit", 100)
    rows = [json.loads(line) for line in
            seen_db("browse", "--offset", str(offset), "--limit",
                    str(max(1, min(limit, BROWSE_LIMIT))))] if limit else []
    out = [cached(r, f) for r, f in zip(rows, freq_records([r["domain"] for r in rows]))]
    if limit and len(out) >= limit:
        out.insert(0, {"next": "%s?offset=%d&limit=%d" % (base, offset + limit, limit)})
    return out


def depuny(query, base):
    name = one(query, "domain")
    if name is None:
        return {"text": "Try /depuny?domain=xn--yutube-wqf.com"}
    lines = seen_db("depuny", name)
    return lines[0] if lines else name


ROUTES = {"/stats": stats, "/cache_get": cache_get, "/cache_browse": cache_browse,
          "/depuny": depuny}


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
        url = urllib.parse.urlsplit(self.path)
        route = ROUTES.get(url.path)
        if route:
            query = urllib.parse.parse_qs(url.query)
            base = "http://%s%s" % (self.headers.get("Host", "localhost"), url.path)
            try:
                body = dumps(route(query, base))
            except (RuntimeError, ValueError, KeyError, IndexError) as e:
                print("domstat-http: %s: %s" % (url.path, e), file=sys.stderr)
                self.reply(500, b'{"error":"the store could not be read"}\n')
                return
            self.reply(200, body)
            return
        if url.path == "/stats-reset" or url.query:
            self.reply(404, b'{"error":"not here: GET /<domain>, /stats, /cache_get, '
                            b'/cache_browse or /depuny"}\n')
            return
        # http.server decoded the request line as Latin-1: back to bytes, then UTF-8
        path = url.path.encode("latin-1")
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
