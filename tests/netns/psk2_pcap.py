#!/usr/bin/env python3
"""Reads a libpcap capture of PSK2 traffic and checks it.

  psk2_pcap.py unique FILE [--port P] [--min N]
      every PSK2 data packet's (direction, sequence) appears once: a repeat means a (key, nonce)
      pair was used twice on the wire. Fails when fewer than N PSK2 packets were seen.
  psk2_pcap.py sessions FILE [--port P] [--min N] [--min-sessions S] [--min-cross C]
      the same with session keys (--handshake psk|signed|attested, docs/protocol.md 3.8): every
      PSK2 packet must be session-keyed (flags 0x80 | epoch), and is attributed to the session of
      the newest WELCOME (session_id) that assigned its epoch; each (session, direction, seq)
      appears once. A (direction, seq) repeated under two sessions is a different key, so it is
      counted, not refused; C asks for at least that many (a restored state file did repeat one).
  psk2_pcap.py sizes FILE [--port P]
      prints the largest IPv4 total length and the number of IP fragments (MTU test).
  psk2_pcap.py first FILE OUT [--port P] [--direction D]
      writes the UDP payload of the first PSK2 packet of direction D to OUT (replay test).

Understands classic pcap (microsecond and nanosecond magic, either byte order) with Ethernet
(DLT 1), Linux cooked v1 (DLT 113) or raw IPv4 (DLT 101/228) link layers.
"""

import argparse
import collections
import struct
import sys

LINK_OFFSETS = {1: 14, 113: 16, 101: 0, 228: 0}


def packets(path):
    with open(path, "rb") as f:
        head = f.read(24)
        if len(head) < 24:
            return
        magic = head[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            endian = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            endian = ">"
        else:
            raise SystemExit("%s: not a pcap file (magic %s)" % (path, magic.hex()))
        linktype = struct.unpack(endian + "I", head[20:24])[0] & 0x0FFFFFFF
        if linktype not in LINK_OFFSETS:
            raise SystemExit("%s: unsupported link type %d" % (path, linktype))
        off = LINK_OFFSETS[linktype]
        rec = struct.Struct(endian + "IIII")
        while True:
            h = f.read(16)
            if len(h) < 16:
                return
            _, _, caplen, _ = rec.unpack(h)
            data = f.read(caplen)
            if len(data) < caplen:
                return  # truncated last record (capture killed mid-write)
            if linktype == 1 and data[12:14] != b"\x08\x00":
                continue
            if linktype == 113 and data[14:16] != b"\x08\x00":
                continue
            yield data[off:]


def ipv4_udp(ip, port):
    """(is_fragment, total_length, udp_payload or None) for an IPv4 packet."""
    if len(ip) < 20 or ip[0] >> 4 != 4:
        return False, 0, None
    ihl = (ip[0] & 0x0F) * 4
    total = struct.unpack(">H", ip[2:4])[0]
    frag = struct.unpack(">H", ip[6:8])[0] & 0x3FFF
    if frag or ip[9] != 17:
        return bool(frag), total, None
    sport, dport = struct.unpack(">HH", ip[ihl:ihl + 4])
    if port and port not in (sport, dport):
        return False, total, None
    return False, total, ip[ihl + 8:total]


def psk2(payload):
    if payload is None or len(payload) < 32 or payload[:4] != b"PSK2":
        return None
    return payload[6], struct.unpack(">Q", payload[24:32])[0]


def welcome(payload):
    """(session_id, epoch) of a handshake WELCOME (docs/protocol.md 3.1), else None."""
    if payload is None or len(payload) < 112 or payload[:4] != b"PSKH" or payload[5] != 2 or payload[6] != 1:
        return None
    return payload[8:16].hex(), payload[105]


def sessions(a):
    """The 'sessions' check; prints one summary line (and the first repeats), returns the exit code."""
    epoch_session, seen, problems = {}, collections.Counter(), collections.Counter()
    wire = collections.defaultdict(set)
    oversized = 0
    for ip in packets(a.file):
        _, total, payload = ipv4_udp(ip, a.port)
        w = welcome(payload)
        if w:
            epoch_session[w[1]] = w[0]
            continue
        hdr = psk2(payload)
        if not hdr:
            continue
        oversized += bool(a.max_total and total > a.max_total)
        flags = payload[5]
        if flags & 0xFC != 0x80:
            problems["not session-keyed (flags 0x%02x)" % flags] += 1
        elif (flags & 3) not in epoch_session:
            problems["epoch %d before any WELCOME assigned it" % (flags & 3)] += 1
        else:
            session = epoch_session[flags & 3]
            seen[(session, hdr[0], hdr[1])] += 1
            wire[hdr].add(session)
    dups = sorted(k for k, v in seen.items() if v > 1)
    cross = sum(1 for v in wire.values() if len(v) > 1)
    n_sessions = len({k[0] for k in seen})
    total = sum(seen.values()) + sum(problems.values())
    print("psk2 packets: %d in %d sessions, repeated (session, direction, seq): %d, (direction, seq) repeated "
          "under another session: %d" % (total, n_sessions, len(dups), cross))
    for s, d, q in dups[:20]:
        print("  repeated: session %s direction %d seq %d" % (s, d, q))
    for why, n in problems.items():
        print("  %d packets %s" % (n, why))
    if oversized:
        print("%d frames longer than %d bytes: coalesced datagrams cannot be checked one by one" % (oversized, a.max_total))
    short = total < a.min or n_sessions < a.min_sessions or cross < a.min_cross
    if short:
        print("expected at least %d packets, %d sessions, %d cross-session repeats"
              % (a.min, a.min_sessions, a.min_cross))
    return 1 if dups or problems or oversized or short else 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["unique", "sessions", "sizes", "first"])
    p.add_argument("file")
    p.add_argument("out", nargs="?")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--min", type=int, default=1)
    p.add_argument("--direction", type=int, default=0)
    p.add_argument("--min-sessions", type=int, default=1)
    p.add_argument("--min-cross", type=int, default=0)
    p.add_argument("--max-total", type=int, default=0,
                   help="fail (unique) if an IPv4 datagram is longer: a coalesced (GSO) frame hides datagrams")
    a = p.parse_args()

    if a.mode == "unique":
        seen = collections.Counter()
        oversized = 0
        for ip in packets(a.file):
            _, total, payload = ipv4_udp(ip, a.port)
            hdr = psk2(payload)
            if hdr:
                seen[hdr] += 1
                if a.max_total and total > a.max_total:
                    oversized += 1
        dups = {k: v for k, v in seen.items() if v > 1}
        per_dir = collections.Counter(d for d, _ in seen)
        total = sum(seen.values())
        print("psk2 packets: %d (direction 0: %d, direction 1: %d distinct), repeated (direction, seq): %d"
              % (total, per_dir[0], per_dir[1], len(dups)))
        for (d, s), n in sorted(dups.items())[:20]:
            print("  repeated: direction %d seq %d seen %d times" % (d, s, n))
        if total < a.min:
            print("too few PSK2 packets captured: %d < %d" % (total, a.min))
            return 1
        if oversized:
            print("%d frames longer than %d bytes: coalesced datagrams (UDP GSO) cannot be checked one by one"
                  % (oversized, a.max_total))
            return 1
        return 1 if dups else 0

    if a.mode == "sessions":
        return sessions(a)

    if a.mode == "sizes":
        frags = largest = n = 0
        for ip in packets(a.file):
            is_frag, total, payload = ipv4_udp(ip, a.port)
            frags += is_frag
            if psk2(payload):
                n += 1
                largest = max(largest, total)
        print("psk2 packets: %d, largest IPv4 datagram: %d bytes, fragments: %d" % (n, largest, frags))
        return 0

    for ip in packets(a.file):
        payload = ipv4_udp(ip, a.port)[2]
        hdr = psk2(payload)
        if hdr and hdr[0] == a.direction:
            with open(a.out, "wb") as f:
                f.write(payload)
            print("direction %d seq %d, %d bytes" % (hdr[0], hdr[1], len(payload)))
            return 0
    print("no PSK2 packet of direction %d in %s" % (a.direction, a.file))
    return 1


if __name__ == "__main__":
    sys.exit(main())
