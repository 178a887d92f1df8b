#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Loopback RDAP and whois servers for domain-born's tests and benchmark (standard library only).

HTTP(S): GET <anything>/domain/<name>. If <fixtures>/<name>.json exists it is the 200 answer;
otherwise the name's first label chooses the behaviour (see BEHAVIOURS below), and any other
name gets a generated answer. Every request is appended to --log as "<port> <path>".
whois (--whois-port): reads one query line, answers <fixtures>/<name>.whois or a 'No match'.
Binds 127.0.0.0/8 only. Each listening port is written to --port-file, one a line.
"""
import argparse
import http.server
import json
import os
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time

BEHAVIOURS = """
nf404-*      404, empty body              nfjson-*   404 with an RDAP error body
err500-*     500                          err403-*   403
ratelimit-*  429 Retry-After: 1 on the first request for the name, then a normal answer
ra503-*      503 Retry-After: 1 once, then a normal answer
always429-*  429 Retry-After: 1 every time
slow-*       answer after 2 s             stall-*    headers and half the body, then 10 s quiet
trunc-*      200 with truncated JSON      huge-*     200 with a 50 MB body
chunky-*     200 with 2 MB and no Content-Length
redirN-*     a chain of N 302 redirects, then the answer (N = 1..9)
toabs-*      302 to another server (--other URL base), which answers 404
related-*    answer without dates, with a rel=related link to --other (which answers)
noevents-*   answer without events        notdomain-* objectClassName entity
plain-*      200 text/html "hello"
reset-*      headers and half the body, then a TCP reset
never-*      reads the request and never answers (until the client hangs up)
nothttp-*    answers with bytes that are not HTTP
headerbomb-* a status line, then header lines without end (up to 2 GiB)
drip-*       200 with the body one byte every 50 ms
giant-*      200 with Content-Length 2 GiB, the body generated while sent
giantchunked-* 200 with 2 GiB generated while sent, chunked (no Content-Length)
gzipbomb-*   200 gzip-encoded 64 GiB of spaces (66 MB on the wire), no Content-Length
loop-*       302 to itself
badloc-*     302 with a Location that is not a URL
tozero-* todecimal-* toshort-* tolocalhost-*: 302 to this server by 0.0.0.0, 2130706433,
             127.1 or localhost (which all reach loopback); tofile-* toftp-*: 302 to file:
             and ftp: URLs. Each target would answer 200 if followed.
ra3600-*     503 Retry-After: 3600 once, then a normal answer
radate-*     429 with Retry-After as an HTTP date 1 s ahead once, then a normal answer
rajunk-*     429 with Retry-After: soon once, then a normal answer
badutf8-*    a normal answer with invalid UTF-8 in a string member it does not use
badutf8name-* the ldhName holds invalid UTF-8
escname-*    the ldhName holds terminal escape sequences and a newline
deep-*       a normal answer plus a member nested 100000 arrays deep
deepobj-*    a normal answer plus a member nested 100000 objects deep
With --wellknown DIR, GET /.well-known/<file> is answered by the Host header (port left out):
DIR/<host>/<file> is the 200 answer (text/plain; charset=utf-8, or the type in
DIR/<host>/<file>.type); else the host's first label, past a leading "mta-sts.", chooses:
slow*      the answer after 3 s           huge*      200 text/plain with 100 KiB
moved*     301 to the same file elsewhere on this server
toprivate* 302 to https://10.255.255.1/.well-known/<file> (a private address)
forbidden* 403
anything else 404. With --tls-alt-cert/--tls-alt-key, the hosts named in --tls-alt-names get
that certificate (by SNI) instead of --tls-cert.
The streamed kinds log "<time> <port> sent <name> <bytes on the wire>" when they end.
Paths /bootstrap-never and /bootstrap-giant: the bootstrap server never answers, or sends
2 GiB.
"""

GIB2 = 2 * 1024 * 1024 * 1024
_gz = {}


def gzip_pieces():
    """A gzip header with 1 MiB of spaces, then a byte string that adds 1 MiB more each time it
    is repeated (deflate blocks after a full flush do not depend on what came before)."""
    if not _gz:
        import zlib
        c = zlib.compressobj(9, zlib.DEFLATED, 31)
        blk = b" " * (1 << 20)
        _gz["first"] = c.compress(blk) + c.flush(zlib.Z_FULL_FLUSH)
        _gz["next"] = c.compress(blk) + c.flush(zlib.Z_FULL_FLUSH)
    return _gz["first"], _gz["next"]

seen = {}
seen_lock = threading.Lock()
log_lock = threading.Lock()


def generated(name, reg="2001-02-03T04:05:06Z", exp="2031-02-03T04:05:06Z", related=None):
    o = {"objectClassName": "domain", "ldhName": name.upper(), "events": []}
    if reg:
        o["events"].append({"eventAction": "registration", "eventDate": reg})
    if exp:
        o["events"].append({"eventAction": "expiration", "eventDate": exp})
    o["events"].append({"eventAction": "last update of RDAP database",
                        "eventDate": "1999-01-01T00:00:00Z"})
    if related:
        o["links"] = [{"rel": "related", "href": related, "type": "application/rdap+json"}]
    return json.dumps(o).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body=b"", ctype="application/rdap+json", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if body:
            self.wfile.write(body)

    def send_half(self, name):
        """Promise a whole answer, send its first half."""
        body = generated(name)
        self.send_response(200)
        self.send_header("Content-Type", "application/rdap+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()

    def do_GET(self):
        cfg = self.server.cfg
        port = self.server.server_address[1]
        if cfg.log:
            with log_lock, open(cfg.log, "a") as f:
                f.write("%.3f %d %s\n" % (time.time(), port, self.path))
        if cfg.latency:
            time.sleep(cfg.latency / 1000.0)
        path = self.path.split("?")[0]
        if cfg.wellknown and path.startswith("/.well-known/"):
            return self.wellknown(path[len("/.well-known/"):])
        if path.startswith("/bootstrap"):
            return self.bootstrap()
        if "/domain/" not in path:
            return self.send(400, b"{}")
        rest = path.split("/domain/", 1)[1]
        name = rest.lower().rstrip(".")
        label = name.split(".")[0]
        kind = label.split("-")[0]
        with seen_lock:
            count = seen.get(name, 0)
            seen[name] = count + 1
        f = os.path.join(cfg.fixtures, name + ".json") if cfg.fixtures else None
        if f and os.path.exists(f):
            with open(f, "rb") as fh:
                return self.send(200, fh.read())
        if "/plainanswer/" in path:
            return self.send(200, generated(name))
        if "/force404/" in path:
            return self.send(404)
        if kind.startswith("redir") and kind[5:].isdigit():
            hops = int(kind[5:])
            done = path.split("/").count("hop")
            if done < hops:
                return self.send(302, b"", "text/html",
                                 [("Location", "/hop" + path)])
        if kind == "nf404":
            return self.send(404)
        if kind == "nfjson":
            return self.send(404, json.dumps({"errorCode": 404, "title": "Not Found",
                                              "description": ["no such object"]}).encode())
        if kind == "err500":
            return self.send(500, b"oops", "text/plain")
        if kind == "err403":
            return self.send(403, b"", "text/plain")
        if kind in ("ratelimit", "ra503") and count == 0:
            return self.send(429 if kind == "ratelimit" else 503, b"", "text/plain",
                             [("Retry-After", "1")])
        if kind == "always429":
            return self.send(429, b"", "text/plain", [("Retry-After", "1")])
        if kind == "slow":
            time.sleep(2)
        if kind == "stall":
            self.send_half(name)
            time.sleep(10)
            return
        if kind == "trunc":
            return self.send(200, generated(name)[:-20])
        if kind == "huge":
            size = 50 * 1024 * 1024
            self.send_response(200)
            self.send_header("Content-Type", "application/rdap+json")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            chunk = b" " * 65536
            try:
                for _ in range(size // len(chunk)):
                    self.wfile.write(chunk)
            except OSError:
                pass
            return
        if kind == "chunky":
            self.send_response(200)
            self.send_header("Content-Type", "application/rdap+json")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                for _ in range(64):
                    self.wfile.write(b" " * 32768)
            except OSError:
                pass
            return
        if kind == "reset":
            self.send_half(name)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if kind == "never":
            return self.hang()
        if kind == "nothttp":
            self.wfile.write(b"HELLO THERE\r\n\r\n{}")
            self.close_connection = True
            return
        if kind == "headerbomb":
            sent = 0
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                line = b"X-Filler: " + b"a" * 1000 + b"\r\n"
                while sent < GIB2:
                    self.wfile.write(line)
                    sent += len(line)
            except OSError:
                pass
            self.close_connection = True
            if cfg.log:
                with log_lock, open(cfg.log, "a") as f:
                    f.write("%.3f %d sent %s %d\n" % (time.time(), port, name, sent))
            return
        if kind == "drip":
            body = generated(name)
            self.send_response(200)
            self.send_header("Content-Type", "application/rdap+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                for i in range(len(body)):
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                self.close_connection = True
            return
        if kind in ("giant", "giantchunked", "gzipbomb"):
            return self.stream(kind, name)
        if kind == "loop":
            return self.send(302, b"", "text/html", [("Location", path)])
        if kind == "badloc":
            return self.send(302, b"", "text/html", [("Location", "http://[::1")])
        targets = {"tozero": "http://0.0.0.0:%d", "todecimal": "http://2130706433:%d",
                   "toshort": "http://127.1:%d", "tolocalhost": "http://localhost:%d",
                   "toftp": "ftp://127.0.0.1:%d"}
        if kind == "tofile":
            return self.send(302, b"", "text/html", [("Location", "file:///etc/passwd")])
        if kind in targets:
            loc = (targets[kind] % port) + "/plainanswer/domain/" + name
            return self.send(302, b"", "text/html", [("Location", loc)])
        if kind in ("ra3600", "radate", "rajunk") and count == 0:
            ra = {"ra3600": "3600", "rajunk": "soon",
                  "radate": time.strftime("%a, %d %b %Y %H:%M:%S GMT",
                                          time.gmtime(time.time() + 1))}[kind]
            return self.send(503 if kind == "ra3600" else 429, b"", "text/plain",
                             [("Retry-After", ra)])
        if kind == "badutf8":
            body = generated(name)[:-1] + b', "port43": "who\xff\xfeis\xc0\xaf"}'
            return self.send(200, body)
        if kind == "badutf8name":
            body = generated(name).replace(b'"ldhName": "', b'"ldhName": "\xff\xfe')
            return self.send(200, body)
        if kind == "escname":
            o = json.loads(generated(name))
            o["ldhName"] = "\x1b[2J\x1b]0;owned\x07\nfake: " + name
            return self.send(200, json.dumps(o).encode())
        if kind in ("deep", "deepobj"):
            n = 100000
            nest = b"[" * n + b"]" * n if kind == "deep" else b'{"a":' * n + b"1" + b"}" * n
            return self.send(200, generated(name)[:-1] + b', "x": ' + nest + b"}")
        if kind == "toabs":
            return self.send(302, b"", "text/html",
                             [("Location", cfg.other + "force404/domain/" + name)])
        if kind == "related":
            return self.send(200, generated(name, None, None, cfg.other + "plainanswer/domain/" + name))
        if kind == "noevents":
            return self.send(200, json.dumps({"objectClassName": "domain",
                                              "ldhName": name}).encode())
        if kind == "notdomain":
            return self.send(200, json.dumps({"objectClassName": "entity",
                                              "handle": "X"}).encode())
        if kind == "plain":
            return self.send(200, b"hello", "text/html")
        return self.send(200, generated(name))

    def hang(self):
        """Say nothing until the client hangs up (at most two minutes)."""
        import select
        end = time.time() + 120
        while time.time() < end:
            r, _, _ = select.select([self.connection], [], [], 0.5)
            if r:
                try:
                    if not self.connection.recv(4096):
                        break
                except OSError:
                    break
        self.close_connection = True

    def stream(self, kind, name):
        """2 GiB made while it is sent, so the server never holds it; logs what went out."""
        self.send_response(200)
        self.send_header("Content-Type", "application/rdap+json")
        if kind == "giant":
            self.send_header("Content-Length", str(GIB2))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        if kind == "gzipbomb":
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        sent = 0
        try:
            if kind == "gzipbomb":
                first, more = gzip_pieces()
                self.wfile.write(first)
                sent = len(first)
                for _ in range(64 * 1024 - 1):
                    self.wfile.write(more)
                    sent += len(more)
            else:
                chunk = b" " * 65536
                while sent < GIB2:
                    self.wfile.write(chunk)
                    sent += len(chunk)
        except OSError:
            self.close_connection = True
        cfg = self.server.cfg
        if cfg.log:
            with log_lock, open(cfg.log, "a") as f:
                f.write("%.3f %d sent %s %d\n" % (time.time(), self.server.server_address[1],
                                                  name, sent))

    def wellknown(self, name):
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()
        f = os.path.join(self.server.cfg.wellknown, host, name)
        if "/" not in name and ".." not in host and os.path.isfile(f):
            ctype = "text/plain; charset=utf-8"
            if os.path.isfile(f + ".type"):
                ctype = open(f + ".type").read().strip()
            return self.send(200, open(f, "rb").read(), ctype)
        kind = host[len("mta-sts."):] if host.startswith("mta-sts.") else host
        if kind.startswith("slow"):
            time.sleep(3)
            return self.send(200, b"version: STSv1\n", "text/plain")
        if kind.startswith("huge"):
            return self.send(200, b"#" * (100 * 1024), "text/plain")
        if kind.startswith("moved"):
            return self.send(301, b"", "text/plain",
                             [("Location", "/elsewhere/" + name)])
        if kind.startswith("forbidden"):
            return self.send(403, b"forbidden", "text/plain")
        if kind.startswith("toprivate"):
            return self.send(302, b"", "text/plain",
                             [("Location", "https://10.255.255.1/.well-known/" + name)])
        return self.send(404, b"not found", "text/plain")

    def bootstrap(self):
        cfg = self.server.cfg
        if self.path.startswith("/bootstrap-never"):
            return self.hang()
        if self.path.startswith("/bootstrap-giant"):
            return self.stream("giantchunked", "bootstrap")
        with open(cfg.bootstrap_file, "rb") as fh:
            body = fh.read()
        mtime = os.path.getmtime(cfg.bootstrap_file)
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                since = time.mktime(time.strptime(ims, "%a, %d %b %Y %H:%M:%S GMT")) - time.timezone
                if mtime <= since:
                    return self.send(304)
            except ValueError:
                pass
        lm = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(mtime))
        return self.send(200, body, "application/json", [("Last-Modified", lm)])


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 512


def whois_serve(sock, cfg):
    def one(conn):
        try:
            conn.settimeout(5)
            data = b""
            while b"\n" not in data and len(data) < 1024:
                d = conn.recv(1024)
                if not d:
                    break
                data += d
            q = data.decode("utf-8", "replace").strip().lower()
            if cfg.log:
                with log_lock, open(cfg.log, "a") as f:
                    f.write("%.3f whois %s\n" % (time.time(), q))
            name = q.split()[-1] if q else ""
            if name.startswith("whoisslow-"):
                time.sleep(10)
            f = os.path.join(cfg.fixtures or ".", name + ".whois")
            if os.path.exists(f):
                with open(f, "rb") as fh:
                    conn.sendall(fh.read())
            elif name.startswith("whoisbig-"):
                conn.sendall(b"% filler line\n" * 200000)
            else:
                conn.sendall(b"No match for \"%s\".\n" % name.encode())
        except OSError:
            pass
        finally:
            conn.close()

    while True:
        conn, _ = sock.accept()
        threading.Thread(target=one, args=(conn,), daemon=True).start()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", default="127.0.0.1")
    ap.add_argument("--ports", type=int, default=1, help="how many listening ports")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--fixtures")
    ap.add_argument("--log")
    ap.add_argument("--latency", type=float, default=0, help="ms added to every answer")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--other", default="http://127.0.0.1:9/")
    ap.add_argument("--bootstrap-file")
    ap.add_argument("--whois", action="store_true", help="serve whois (port 43 protocol)")
    ap.add_argument("--wellknown", help="serve /.well-known/ files by host from this directory")
    ap.add_argument("--tls-alt-cert")
    ap.add_argument("--tls-alt-key")
    ap.add_argument("--tls-alt-names", default="")
    cfg = ap.parse_args()
    if not cfg.addr.startswith("127."):
        sys.exit("loopback only")
    ports = []
    for _ in range(cfg.ports):
        if cfg.whois:
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((cfg.addr, 0))
            s.listen(64)
            ports.append(s.getsockname()[1])
            threading.Thread(target=whois_serve, args=(s, cfg), daemon=True).start()
            continue
        srv = Server((cfg.addr, 0), Handler)
        srv.cfg = cfg
        if cfg.tls_cert:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(cfg.tls_cert, cfg.tls_key)
            if cfg.tls_alt_cert:
                alt = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                alt.load_cert_chain(cfg.tls_alt_cert, cfg.tls_alt_key)
                names = set(cfg.tls_alt_names.split(","))

                def pick(sock, name, _ctx, alt=alt, names=names):
                    if name in names:
                        sock.context = alt

                ctx.sni_callback = pick
            srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
        ports.append(srv.server_address[1])
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    tmp = cfg.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("".join("%d\n" % p for p in ports))
    os.rename(tmp, cfg.port_file)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
