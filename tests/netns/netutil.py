#!/usr/bin/env python3
"""Small network helpers for the namespace suites (no nc needed).

  netutil.py recv ADDR PORT OUT_SHA256_FILE [--timeout S]
      accepts one TCP connection, reads to EOF, writes "<sha256> <bytes>" to the file.
  netutil.py send ADDR PORT FILE [--timeout S]
      connects (retrying for up to the timeout) and sends FILE.
  netutil.py replay SRC_IP SRC_PORT DST_IP DST_PORT FILE
      sends FILE as one UDP datagram from SRC_IP:SRC_PORT through a raw socket (IP_HDRINCL), so
      the source port may be one a running tunnel has bound.
"""

import argparse
import hashlib
import socket
import struct
import sys
import time


def recv(a):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((a.addr, a.port))
    srv.listen(1)
    srv.settimeout(a.timeout)
    conn, _ = srv.accept()
    conn.settimeout(a.timeout)
    h = hashlib.sha256()
    n = 0
    while True:
        chunk = conn.recv(1 << 20)
        if not chunk:
            break
        h.update(chunk)
        n += len(chunk)
    with open(a.file, "w") as f:
        f.write("%s %d\n" % (h.hexdigest(), n))
    return 0


def send(a):
    deadline = time.monotonic() + a.timeout
    while True:
        try:
            s = socket.create_connection((a.addr, a.port), timeout=5)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    s.settimeout(a.timeout)
    started = time.monotonic()
    sent = 0
    with open(a.file, "rb") as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            s.sendall(chunk)
            sent += len(chunk)
            if a.rate:  # pace to at most RATE MB/s, so a test can act mid-stream whatever the link speed
                ahead = sent / (a.rate * 1e6) - (time.monotonic() - started)
                if ahead > 0:
                    time.sleep(ahead)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)  # wait for the receiver to close: everything was read
    s.close()
    return 0


def replay(a):
    payload = open(a.file, "rb").read()
    udp = struct.pack(">HHHH", a.port, a.dst_port, 8 + len(payload), 0) + payload  # checksum 0: none (IPv4)
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                     socket.inet_aton(a.addr), socket.inet_aton(a.dst))
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    s.sendto(ip + udp, (a.dst, 0))
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("recv")
    r.add_argument("addr")
    r.add_argument("port", type=int)
    r.add_argument("file")
    r.add_argument("--timeout", type=float, default=120)
    s = sub.add_parser("send")
    s.add_argument("addr")
    s.add_argument("port", type=int)
    s.add_argument("file")
    s.add_argument("--timeout", type=float, default=120)
    s.add_argument("--rate", type=float, default=0, help="at most this many MB/s (0: unpaced)")
    x = sub.add_parser("replay")
    x.add_argument("addr")
    x.add_argument("port", type=int)
    x.add_argument("dst")
    x.add_argument("dst_port", type=int)
    x.add_argument("file")
    a = p.parse_args()
    return {"recv": recv, "send": send, "replay": replay}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
