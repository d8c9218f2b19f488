#!/usr/bin/env python3
"""A tiny DNS responder for tests/net.bats: answers A queries for names under
.runuml.test with 10.11.12.13 and everything else with NXDOMAIN.
Usage: dns_responder.py ADDR PORT   (prints "ready" once bound)."""
import socket
import struct
import sys

addr, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((addr, port))
print("ready", flush=True)
while True:
    q, peer = s.recvfrom(4096)
    if len(q) < 12:
        continue
    qid, flags, qd = struct.unpack("!HHH", q[:6])
    i, labels = 12, []
    while i < len(q) and q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode("ascii", "replace"))
        i += 1 + q[i]
    i += 1
    qtype, qclass = struct.unpack("!HH", q[i:i + 4])
    question = q[12:i + 4]
    name = ".".join(labels).lower()
    ok = name.endswith("runuml.test")
    rcode = 0 if ok else 3
    answers = b""
    if ok and qtype == 1:
        answers = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton("10.11.12.13")
    hdr = struct.pack("!HHHHHH", qid, 0x8180 | rcode, 1, 1 if answers else 0, 0, 0)
    s.sendto(hdr + question + answers, peer)
