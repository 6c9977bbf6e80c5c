#!/usr/bin/env python3
"""An independent PSK2 peer, written from the wire specification alone.

It stands in for the seed's Python implementation in interoperability tests: a Java end of
psk-tunnel must exchange traffic with it over a real TUN device and UDP, with the same pad.

Wire format (testdata/vectors/psk2-packets.json, docs/protocol.md):
  header[32] = b"PSK2" | version u8 = 2 | flags u8 | direction u8 | reserved u8 = 0
               | auth_tag[16] | seq u64 big-endian
  body       = ChaCha20-Poly1305(key, nonce, aad=header): ciphertext || tag16
  slot i     = pad[120*i : 120*i+120] = tagAB[16] nonceAB[12] keyAB[32] tagBA[16] nonceBA[12] keyBA[32]
  slot index = seq // 1000 (per direction); nonce = slot nonce[0:8] || u32be(seq mod 2^32)
  direction 0 = initiator -> responder (A->B fields), 1 = responder -> initiator (B->A fields).

Modes:
  --self-test [--vectors FILE]   encode/decode every vector, print "psk2 vectors: N passed, M failed"
  tunnel (default)               the seed's flags: --psk --local-port --remote-host --remote-port
                                 [--initiator] --local-ip --remote-ip --state, plus --tun --mtu
                                 --replay-window --stats-interval --stats-file

Test-peer limits (by design, it is not the product): the last pad slot is left unused like the Java
tunnel's control slot; TX sequence numbers are reserved ahead in the state file (fsynced) so a
kill -9 never reuses a nonce; the RX floor is saved every second and at exit only.
"""

import argparse
import errno
import fcntl
import hmac
import json
import mmap
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

MAGIC = b"PSK2"
VERSION = 2
HEADER_BYTES = 32
AEAD_TAG_BYTES = 16
MIN_PACKET_BYTES = HEADER_BYTES + AEAD_TAG_BYTES
SLOT_BYTES = 120
PACKETS_PER_SLOT = 1000
HEADER = struct.Struct(">4sBBBB16sQ")
# Offsets in a slot: (tag, nonce, key) for direction 0 (A->B) and 1 (B->A).
FIELDS = {0: (0, 16, 28), 1: (60, 76, 88)}

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
TX_RESERVE = 4096  # sequence numbers reserved per state write


class Slots:
    """Slot material by index, from a pad (mmap or bytes); caches the cipher of recent slots."""

    def __init__(self, pad, extra=None):
        self.pad = pad
        self.extra = extra or {}
        self.count = len(pad) // SLOT_BYTES
        self.cache = {}

    def data_slots(self):
        return max(0, self.count - 1)

    def get(self, index, direction):
        key = (index, direction)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        if index in self.extra:
            raw = self.extra[index]
        elif index < self.count:
            raw = bytes(self.pad[index * SLOT_BYTES:(index + 1) * SLOT_BYTES])
        else:
            return None
        t, n, k = FIELDS[direction]
        entry = (raw[t:t + 16], raw[n:n + 8], ChaCha20Poly1305(raw[k:k + 32]))
        if len(self.cache) > 8:
            self.cache.clear()
        self.cache[key] = entry
        return entry


def seal(slots, direction, seq, plaintext, flags=0):
    entry = slots.get(seq // PACKETS_PER_SLOT, direction)
    if entry is None:
        raise ValueError("pad exhausted at seq %d" % seq)
    tag, prefix, aead = entry
    header = HEADER.pack(MAGIC, VERSION, flags, direction, 0, tag, seq)
    nonce = prefix + struct.pack(">I", seq & 0xFFFFFFFF)
    return header + aead.encrypt(nonce, plaintext, header)


def open_packet(slots, expected_direction, packet, window=None):
    """Returns (seq, plaintext) or (None, drop_reason). Cheapest checks first."""
    if len(packet) < MIN_PACKET_BYTES:
        return None, "size"
    magic, version, _flags, direction, reserved, tag, seq = HEADER.unpack_from(packet)
    if magic != MAGIC or version != VERSION:
        return None, "magic_version"
    if reserved != 0:
        return None, "reserved"
    if direction != expected_direction:
        return None, "direction"
    entry = slots.get(seq // PACKETS_PER_SLOT, direction)
    if entry is None:
        return None, "slot"
    want_tag, prefix, aead = entry
    if not hmac.compare_digest(tag, want_tag):
        return None, "auth_tag"
    if window is not None and not window.check(seq):
        return None, "replay"
    nonce = prefix + struct.pack(">I", seq & 0xFFFFFFFF)
    try:
        plain = aead.decrypt(nonce, bytes(packet[HEADER_BYTES:]), bytes(packet[:HEADER_BYTES]))
    except InvalidTag:
        return None, "aead"
    if window is not None:
        window.accept(seq)
    return seq, plain


class ReplayWindow:
    """Sliding window: the highest accepted sequence and a bitmap of the `size` below it."""

    def __init__(self, size, floor=-1):
        self.size = size
        self.top = floor  # nothing at or below the floor is ever accepted
        self.floor = floor
        self.bits = 0  # bit i set: top - i accepted

    def check(self, seq):
        if seq <= self.floor:
            return False
        if seq > self.top:
            return True
        off = self.top - seq
        return off < self.size and not (self.bits >> off) & 1

    def accept(self, seq):
        if seq > self.top:
            shift = seq - self.top
            self.bits = ((self.bits << shift) | 1) & ((1 << self.size) - 1) if shift < self.size else 1
            self.top = seq
        else:
            self.bits |= 1 << (self.top - seq)


def self_test(path):
    with open(path) as f:
        doc = json.load(f)
    pad = bytes.fromhex(doc["pad_hex"])
    passed, failed = 0, []
    cases = [("packets[%d]" % i, c) for i, c in enumerate(doc["packets"])]
    cases += [("wide_sequence_packets[%d]" % i, c) for i, c in enumerate(doc.get("wide_sequence_packets", []))]
    for cid, c in cases:
        extra = {c["slot_index"]: bytes.fromhex(c["slot"])} if "slot" in c else None
        slots = Slots(pad, extra)
        try:
            plain = bytes.fromhex(c["plaintext"])
            want = bytes.fromhex(c["packet"])
            got = seal(slots, c["direction"], c["seq"], plain)
            seq, back = open_packet(slots, c["direction"], want)
            ok = got == want and seq == c["seq"] and back == plain and c["seq"] // PACKETS_PER_SLOT == c["slot_index"]
        except Exception as e:  # a vector that crashes the codec is a failure, not an abort
            ok = False
            print("%s: %s" % (cid, e), file=sys.stderr)
        if ok:
            passed += 1
        else:
            failed.append(cid)
    for i, c in enumerate(doc.get("must_reject", [])):
        cid = "must_reject[%d] (%s)" % (i, c["why"])
        receiver = c.get("receiver", "responder")
        expected_dir = 0 if receiver == "responder" else 1
        seq, why = open_packet(Slots(pad), expected_dir, bytes.fromhex(c["packet"]))
        if seq is None:
            passed += 1
        else:
            failed.append(cid)
    print("psk2 vectors: %d passed, %d failed" % (passed, len(failed)))
    for cid in failed:
        print("  failed: " + cid)
    return 0 if not failed else 1


def atomic_write(path, data):
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.rename(tmp, path)
    dfd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def open_tun(name, mtu, local_ip, remote_ip):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_CLOEXEC)
    ifr = struct.pack("16sH22x", name.encode(), IFF_TUN | IFF_NO_PI)
    actual = fcntl.ioctl(fd, TUNSETIFF, ifr)[:16].rstrip(b"\0").decode()
    for cmd in (["link", "set", "dev", actual, "mtu", str(mtu)],
                ["addr", "replace", local_ip + "/24", "dev", actual],
                ["link", "set", "dev", actual, "up"],
                ["route", "replace", remote_ip + "/32", "dev", actual]):
        r = subprocess.run(["ip"] + cmd, capture_output=True, text=True, timeout=10)
        if r.returncode != 0:
            raise SystemExit("error: 'ip %s' failed: %s" % (" ".join(cmd), r.stderr.strip()))
    return fd, actual


class Peer:
    def __init__(self, a):
        self.a = a
        f = open(a.psk, "rb")
        self.pad = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        self.slots_tx = Slots(self.pad)
        self.slots_rx = Slots(self.pad)
        self.tx_dir = 0 if a.initiator else 1
        self.rx_dir = 1 - self.tx_dir
        self.limit = self.slots_tx.data_slots() * PACKETS_PER_SLOT
        state = {}
        if os.path.exists(a.state):
            with open(a.state) as sf:
                state = json.load(sf)
        self.tx_next = int(state.get("tx_reserved", 0))
        self.tx_reserved = self.tx_next
        self.window = ReplayWindow(a.replay_window, int(state.get("rx_floor", -1)))
        self.lock = threading.Lock()
        self.stats = dict(tx_packets=0, tx_bytes=0, rx_packets=0, rx_bytes=0, replays=0, auth_failures=0,
                          drops_size=0, drops_magic_version=0, drops_reserved=0, drops_direction=0, drops_slot=0,
                          drops_auth_tag=0, drops_replay=0, drops_aead=0, drops_source=0, tx_exhausted=0)
        self.stop = threading.Event()
        self.save_state()

    def save_state(self):
        with self.lock:
            data = json.dumps({"tx_reserved": self.tx_reserved, "rx_floor": self.window.top}).encode()
            atomic_write(self.a.state, data)

    def next_seq(self):
        if self.tx_next >= self.limit:
            return None
        if self.tx_next >= self.tx_reserved:
            self.tx_reserved = min(self.tx_next + TX_RESERVE, self.limit)
            self.save_state()
        s = self.tx_next
        self.tx_next += 1
        return s

    def run(self):
        a = self.a
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for opt in (socket.SO_RCVBUF, socket.SO_SNDBUF):
            self.sock.setsockopt(socket.SOL_SOCKET, opt, 4 << 20)
        self.sock.bind(("0.0.0.0", a.local_port))
        self.peer = (socket.gethostbyname(a.remote_host), a.remote_port)
        self.tun, self.ifname = open_tun(a.tun, a.mtu, a.local_ip, a.remote_ip)
        print("psk2_peer: %s %s udp :%d -> %s:%d, tun %s %s -> %s" % (
            "initiator" if a.initiator else "responder", a.psk, a.local_port, self.peer[0], self.peer[1],
            self.ifname, a.local_ip, a.remote_ip), file=sys.stderr, flush=True)
        threading.Thread(target=self.tx_loop, daemon=True).start()
        threading.Thread(target=self.housekeeping, daemon=True).start()
        self.rx_loop()

    def tx_loop(self):
        while not self.stop.is_set():
            try:
                pkt = os.read(self.tun, 65535)
            except OSError as e:
                if e.errno == errno.EINTR:
                    continue
                return
            seq = self.next_seq()
            if seq is None:
                self.stats["tx_exhausted"] += 1
                continue
            out = seal(self.slots_tx, self.tx_dir, seq, pkt)
            try:
                self.sock.sendto(out, self.peer)
            except OSError:
                continue
            self.stats["tx_packets"] += 1
            self.stats["tx_bytes"] += len(pkt)

    def rx_loop(self):
        while not self.stop.is_set():
            r, _, _ = select.select([self.sock], [], [], 0.5)
            if not r:
                continue
            data, src = self.sock.recvfrom(65535)
            if src != self.peer:
                self.stats["drops_source"] += 1
                continue
            with self.lock:
                seq, res = open_packet(self.slots_rx, self.rx_dir, data, self.window)
            if seq is None:
                self.stats["drops_" + res] += 1
                if res == "replay":
                    self.stats["replays"] += 1
                if res in ("auth_tag", "aead"):
                    self.stats["auth_failures"] += 1
                continue
            os.write(self.tun, res)
            self.stats["rx_packets"] += 1
            self.stats["rx_bytes"] += len(res)

    def housekeeping(self):
        last_print = time.monotonic()
        while not self.stop.wait(1.0):
            self.save_state()
            if self.a.stats_file:
                atomic_write(self.a.stats_file, json.dumps(self.stats).encode())
            if time.monotonic() - last_print >= self.a.stats_interval:
                last_print = time.monotonic()
                print("stats " + " ".join("%s=%d" % kv for kv in self.stats.items() if kv[1]), file=sys.stderr, flush=True)

    def shutdown(self, *_):
        self.stop.set()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--self-test", action="store_true")
    here = os.path.dirname(os.path.abspath(__file__))
    p.add_argument("--vectors", default=os.path.join(here, "../../testdata/vectors/psk2-packets.json"))
    p.add_argument("--psk")
    p.add_argument("--local-port", type=int)
    p.add_argument("--remote-host")
    p.add_argument("--remote-port", type=int)
    p.add_argument("--initiator", action="store_true")
    p.add_argument("--local-ip")
    p.add_argument("--remote-ip")
    p.add_argument("--state")
    p.add_argument("--tun", default="psk%d")
    p.add_argument("--mtu", type=int, default=1420)
    p.add_argument("--replay-window", type=int, default=4096)
    p.add_argument("--stats-interval", type=float, default=10.0)
    p.add_argument("--stats-file")
    a = p.parse_args()
    if a.self_test:
        return self_test(a.vectors)
    missing = [f for f in ("psk", "local_port", "remote_host", "remote_port", "local_ip", "remote_ip", "state")
               if getattr(a, f) is None]
    if missing:
        p.error("missing: " + ", ".join("--" + m.replace("_", "-") for m in missing))
    peer = Peer(a)
    signal.signal(signal.SIGTERM, peer.shutdown)
    signal.signal(signal.SIGINT, peer.shutdown)
    try:
        peer.run()
    finally:
        peer.save_state()
        if a.stats_file:
            atomic_write(a.stats_file, json.dumps(peer.stats).encode())
        print("stats " + " ".join("%s=%d" % kv for kv in peer.stats.items()), file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
