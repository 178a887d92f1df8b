#!/usr/bin/env python3
"""A misbehaving DNS responder on loopback for dns-scan's tests.

usage: dns_responder.py ADDR PORT MODE
  silent   read queries, never answer (timeouts)
  hostile  for each query send, in order: an answer with a wrong ID, a packet with the right ID
           that does not parse, an answer to another question, then the right answer
           (A 192.0.2.1 for A questions, an empty NOERROR answer otherwise)
Prints "ready" on stdout once it listens."""
import socket
import struct
import sys


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


def main():
    addr, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    print("ready", flush=True)
    while True:
        q, peer = s.recvfrom(65535)
        if len(q) < 17 or mode == "silent":
            continue
        ident = struct.unpack("!H", q[:2])[0]
        try:
            s.sendto(answer(q, ident ^ 0x5a5a), peer)
            s.sendto(struct.pack("!HHHHHH", ident, 0x8180, 1, 9, 0, 0) + b"\x07garbage", peer)
            s.sendto(answer(q, ident, b"\x05other\x04test\x00"), peer)
            s.sendto(answer(q, ident), peer)
        except (IndexError, struct.error):
            continue


if __name__ == "__main__":
    main()
