#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""A misbehaving DNS responder on loopback for dns-scan's tests.

usage: dns_responder.py ADDR PORT MODE
  silent   read queries, never answer (timeouts)
  hostile  for each query send, in order: an answer with a wrong ID, a packet with the right ID
           that does not parse, an answer to another question, then the right answer
           (A 192.0.2.1 for A questions, an empty NOERROR answer otherwise)
  faults   UDP and TCP on the same port; the first label of the name asked, up to its first
           '-', chooses the behaviour (see FAULTS below); any other name gets the right answer
Prints "ready" on stdout once it listens. Binds 127.0.0.0/8 only."""
import socket
import struct
import sys
import threading

FAULTS = """
delay1-*     the first UDP query for a name and type is answered 0.5 s late, later ones at once
delayall-*   every UDP answer 3 s late (longer than any timeout the tests give)
servfail-*   rcode SERVFAIL            refused-*   rcode REFUSED
refusednoq-* rcode REFUSED as a bare header, no question (Unbound's access-control refuse)
flags-*      a TXT record telling the query's header bits: "rd=1 ad=1 cd=0"
otherq-*     only answers about another question (right ID)
noq-*        right ID, no question section, one A record
ptrloop-*    an answer whose owner name is a compression pointer to itself
ptrloop2-*   an owner name "a" followed by a pointer back to that label
big-*        a 3000-byte UDP answer (190 A records) without TC, whatever the EDNS size
huge-*       a 20000-byte UDP answer (1250 A records) without TC
many-*       TC=1 over UDP; over TCP 4000 A records (64 KB)
max-*        TC=1 over UDP; over TCP an answer of exactly 65535 bytes (TXT records)
tcreset-*    TC=1 over UDP; TCP reads the query and resets the connection
tcshort-*    TC=1 over UDP; TCP sends a length prefix of 65535, 20 bytes and closes
tcgarbage-*  TC=1 over UDP; TCP sends a 5-byte message that is not DNS
tclen1-*     TC=1 over UDP; TCP sends one byte of the length prefix and closes
tchang-*     TC=1 over UDP; TCP accepts and never answers
tcwrongid-*  TC=1 over UDP; over TCP a full answer with another ID
tsig2-*      the right A answer with two TSIG records in the additional section (one is allowed),
             which says 3: ldns takes each TSIG out of that count, so it reads both
"""

A_RR = struct.pack("!HHIH", 1, 1, 60, 4)


def question_end(q):
    i = 12
    while q[i] != 0:
        i += 1 + q[i]
    return i + 5  # zero label, type, class


def answer(q, ident, qname_override=None):
    end = question_end(q)
    question = q[12:end]
    if qname_override is not None:
        question = qname_override + question[-4:]
    qtype = struct.unpack("!H", q[end - 4:end - 2])[0]
    flags = 0x8180 | (q[2] & 0x01) << 8
    records = b""
    count = 0
    if qtype == 1 and qname_override is None:
        records = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + bytes([192, 0, 2, 1])
        count = 1
    return struct.pack("!HHHHHH", ident, flags, 1, count, 0, 0) + question + records


def header(ident, rcode=0, qd=1, an=0, tc=False):
    flags = 0x8180 | rcode | (0x0200 if tc else 0)
    return struct.pack("!HHHHHH", ident, flags, qd, an, 0, 0)


def a_records(n):
    return b"".join(b"\xc0\x0c" + A_RR + struct.pack("!I", 0x0a000000 + i) for i in range(n))


def txt_fill(size):
    """TXT records (owner: a pointer to the question) taking exactly size bytes (size >= 13)."""
    out = b""
    count = 0
    while size > 0:
        take = min(size, 4108)
        if 0 < size - take < 13:
            take = size - 13
        rdlen = take - 12
        rdata = b""
        while len(rdata) < rdlen:
            c = min(256, rdlen - len(rdata))
            rdata += bytes([c - 1]) + b"x" * (c - 1)
        out += b"\xc0\x0c" + struct.pack("!HHIH", 16, 1, 60, rdlen) + rdata
        count += 1
        size -= take
    return out, count


def tsig_record():
    """A TSIG record (RFC 8945) for hmac-sha256 with a 32-byte MAC, owner the root."""
    rdata = b"\x0bhmac-sha256\x00" + struct.pack("!HIHH", 0, 1700000000, 300, 32) + \
        b"\x5a" * 32 + struct.pack("!HHH", 0, 0, 0)
    return b"\x00" + struct.pack("!HHIH", 250, 255, 0, len(rdata)) + rdata


def fault_kind(q):
    """The behaviour word: the first label of the question up to its first '-'."""
    n = q[12]
    label = q[13:13 + n].decode("ascii", "replace").lower()
    return label.split("-")[0] if "-" in label else ""


def udp_answer(q, kind):
    """The UDP answer for a fault kind (None: no answer)."""
    ident = struct.unpack("!H", q[:2])[0]
    end = question_end(q)
    question = q[12:end]
    if kind in ("servfail", "refused"):
        return header(ident, 2 if kind == "servfail" else 5) + question
    if kind == "refusednoq":
        return header(ident, 5, qd=0)
    if kind == "flags":
        text = "rd=%d ad=%d cd=%d" % (q[2] & 1, q[3] >> 5 & 1, q[3] >> 4 & 1)
        rdata = bytes([len(text)]) + text.encode()
        return header(ident, an=1) + question + b"\xc0\x0c" + \
            struct.pack("!HHIH", 16, 1, 60, len(rdata)) + rdata
    if kind == "otherq":
        return answer(q, ident, b"\x05other\x04test\x00")
    if kind == "noq":
        return header(ident, qd=0, an=1) + b"\x01x\x00" + A_RR + bytes([192, 0, 2, 9])
    if kind == "ptrloop":
        off = 12 + len(question)
        return header(ident, an=1) + question + struct.pack("!H", 0xC000 | off) + A_RR + \
            bytes([192, 0, 2, 2])
    if kind == "ptrloop2":
        off = 12 + len(question)
        return header(ident, an=1) + question + b"\x01a" + struct.pack("!H", 0xC000 | off) + \
            A_RR + bytes([192, 0, 2, 3])
    if kind == "tsig2":
        return struct.pack("!HHHHHH", ident, 0x8180, 1, 1, 0, 3) + question + a_records(1) + \
            tsig_record() + tsig_record()
    if kind == "big":
        return header(ident, an=190) + question + a_records(190)
    if kind == "huge":
        return header(ident, an=1250) + question + a_records(1250)
    if kind in ("many", "max", "tcreset", "tcshort", "tcgarbage", "tclen1", "tchang",
                "tcwrongid"):
        return header(ident, tc=True) + question
    return answer(q, ident)


def tcp_answer(q, kind):
    ident = struct.unpack("!H", q[:2])[0]
    end = question_end(q)
    question = q[12:end]
    if kind == "many":
        return header(ident, an=4000) + question + a_records(4000)
    if kind == "max":
        rrs, n = txt_fill(65535 - 12 - len(question))
        return header(ident, an=n) + question + rrs
    if kind == "tcwrongid":
        return answer(q, ident ^ 0xFFFF)
    return answer(q, ident)


def serve_tcp(conn, mode):
    try:
        conn.settimeout(30)
        data = b""
        while len(data) < 2 or len(data) < 2 + struct.unpack("!H", data[:2])[0]:
            d = conn.recv(65535)
            if not d:
                return
            data += d
        q = data[2:2 + struct.unpack("!H", data[:2])[0]]
        kind = fault_kind(q) if mode == "faults" else ""
        if kind == "tcreset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return
        if kind == "tcshort":
            conn.sendall(b"\xff\xff" + b"\x00" * 20)
            return
        if kind == "tcgarbage":
            conn.sendall(b"\x00\x05hello")
            return
        if kind == "tclen1":
            conn.sendall(b"\x00")
            return
        if kind == "tchang":
            while conn.recv(4096):
                pass
            return
        a = tcp_answer(q, kind)
        conn.sendall(struct.pack("!H", len(a)) + a)
        conn.recv(1)  # the client closes
    except (OSError, IndexError, struct.error):
        pass
    finally:
        conn.close()


def tcp_loop(t, mode):
    while True:
        conn, _ = t.accept()
        threading.Thread(target=serve_tcp, args=(conn, mode), daemon=True).start()


def main():
    addr, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if not addr.startswith("127."):
        sys.exit("loopback only")
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    if mode == "faults":
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        t.bind((addr, port))
        t.listen(128)
        threading.Thread(target=tcp_loop, args=(t, mode), daemon=True).start()
    seen = {}
    print("ready", flush=True)
    while True:
        q, peer = s.recvfrom(65535)
        if len(q) < 17 or mode == "silent":
            continue
        ident = struct.unpack("!H", q[:2])[0]
        try:
            if mode == "faults":
                end = question_end(q)
                kind = fault_kind(q)
                key = q[12:end].lower()
                count = seen.get(key, 0)
                seen[key] = count + 1
                a = udp_answer(q, kind)
                delay = 3.0 if kind == "delayall" else 0.5 if kind == "delay1" and count == 0 \
                    else 0
                if delay:
                    threading.Timer(delay, s.sendto, (a, peer)).start()
                elif a is not None:
                    s.sendto(a, peer)
                continue
            s.sendto(answer(q, ident ^ 0x5a5a), peer)
            s.sendto(struct.pack("!HHHHHH", ident, 0x8180, 1, 9, 0, 0) + b"\x07garbage", peer)
            s.sendto(answer(q, ident, b"\x05other\x04test\x00"), peer)
            s.sendto(answer(q, ident), peer)
        except (IndexError, struct.error, OSError):
            continue


if __name__ == "__main__":
    main()
