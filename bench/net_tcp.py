#!/usr/bin/env python3
"""TCP throughput, one connection (bench/net-tcp.sh drives it).
  net_tcp.py recv ADDR PORT        accept one connection, count to EOF
  net_tcp.py send ADDR PORT MIB    connect (retrying), send MIB MiB, close
Both print "<MiB> MiB in <s> s = <MiB/s> MiB/s" measured on this side."""
import socket
import sys
import time

mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
if mode == "recv":
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(1)
    print("ready", flush=True)
    c, _ = ls.accept()
    total, start = 0, None
    while True:
        b = c.recv(1 << 20)
        if start is None:
            start = time.monotonic()
        if not b:
            break
        total += len(b)
    secs = time.monotonic() - (start or time.monotonic())
else:
    mib = int(sys.argv[4])
    deadline = time.monotonic() + 30
    while True:
        try:
            c = socket.create_connection((addr, port), 5)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    buf = b"\0" * (1 << 20)
    start = time.monotonic()
    for _ in range(mib):
        c.sendall(buf)
    c.shutdown(socket.SHUT_WR)
    c.settimeout(60)
    while c.recv(65536):
        pass
    secs = time.monotonic() - start
    total = mib << 20
mib = total / (1 << 20)
print(f"{mib:.0f} MiB in {secs:.2f} s = {mib / secs if secs else 0:.1f} MiB/s", flush=True)
