#!/usr/bin/env python3
"""A seeded misbehaving UDP relay between two tunnel ends, for tests/netns/faults.sh.

  fault_relay.py run --a LISTEN=PEER --b LISTEN=PEER --seed N --proto psk2|hub
                     --summary FILE [--log FILE] [fault options]

End A sends to the relay's LISTEN address of --a, end B to that of --b (each end is configured
with that address as its peer's); a datagram from A's PEER address goes out of --b's socket to
B's PEER address and the other way round. Anything from another source is ignored. A PEER of
"any" (a hub client on an ephemeral port) accepts any source and answers the latest one.

Phases (signals): it starts CLEAN (everything delivered at once, unmodified); SIGUSR1 -> HOLD
(whatever is still queued goes out, then nothing is delivered: a quiet moment in which the test
reads the ends' counters); SIGUSR2 -> FAULTS; SIGTERM -> what is queued goes out, the summary is
written, exit 0. The summary (JSON) is also written once ready (phase "clean") and on entering HOLD.

In FAULTS, each datagram (the n-th in its direction) gets one fate from fixed draws of a
random.Random seeded with (seed, direction), so the fate of datagram n depends on the seed only:
  drop        not delivered (--drop; --burst R:LEN:EVERY raises it to R for LEN of every EVERY)
  duplicate   delivered twice (--dup)
  corrupt     one byte XORed with a non-zero value (--corrupt), delivered instead of the original
  truncate    cut to a random shorter length (--truncate), delivered instead of the original
  pass        delivered as it came
A delivered copy may be held back until K (1..--reorder-depth) later datagrams of its direction
went past (--reorder; at most 100 ms) and is delayed by --delay-ms plus, for a --jitter share,
up to --jitter-ms more. With probability --replay an intact datagram delivered earlier in the
same direction is sent once more (chosen from the last 4096).

Accounting: at the moment it leaves, a delivered datagram is "data" if its bytes are the data
plane's (psk2: magic "PSK2"; hub: type byte 4), else "control". Data is counted as
  fresh      the first delivery of an unmodified datagram: the receiver must accept it
  duplicate  / replay   the same bytes again: the receiver must drop it (replay, erased slot...)
  corrupt_REGION        modified in that part of the header or in the body
  trunc_short / trunc_tiny / trunc   cut below the minimum size, below the lookup fields, or not
Per datagram the log says what was done: "IN dir n fate" and "OUT dir n category class len".
"""

import argparse
import collections
import heapq
import json
import os
import random
import select
import signal
import socket
import sys
import time

PSK2_MAGIC = b"PSK2"
HISTORY = 4096
REORDER_TIMEOUT = 0.1

# Where a corrupted byte lies decides the receiver's reason (tests/netns/faults.sh, "reasons").
REGIONS = {
    "psk2": [(4, "magic"), (8, "fixed"), (24, "tag"), (32, "seq")],
    "hub": [(1, "type"), (4, "zero"), (8, "receiver"), (16, "counter")],
}
MIN_BYTES = {"psk2": 48, "hub": 32}
LOOKUP_BYTES = {"psk2": 4, "hub": 8}


def is_data(proto, b):
    if proto == "psk2":
        return b[:4] == PSK2_MAGIC
    return len(b) > 0 and b[0] == 4


def region(proto, offset):
    for end, name in REGIONS[proto]:
        if offset < end:
            return name
    return "body"


def addr(text):
    if text == "any":
        return None
    host, _, port = text.rpartition(":")
    return host, int(port)


class Direction:
    def __init__(self, name, recv_sock, send_sock, source, target):
        self.name = name
        self.recv_sock = recv_sock
        self.send_sock = send_sock
        self.source = source
        self.target = target
        self.rng = None
        self.n = 0
        self.held = []  # [remaining, deadline, item]
        self.history = collections.deque(maxlen=HISTORY)
        self.delivered = set()


class Relay:
    def __init__(self, a):
        self.a = a
        self.proto = a.proto
        self.phase = "clean"
        self.pending = []  # heap of (due, tiebreak, direction, item)
        self.tie = 0
        self.tally = {}
        self.log = open(a.log, "w", buffering=1 << 20) if a.log else None
        la, pa = (addr(x) for x in a.a.split("="))
        lb, pb = (addr(x) for x in a.b.split("="))
        sa, sb = self._socket(la), self._socket(lb)
        self.dirs = [Direction("to_b", sa, sb, pa, pb), Direction("to_a", sb, sa, pb, pa)]
        self.by_sock = {sa.fileno(): self.dirs[0], sb.fileno(): self.dirs[1]}
        self.signals = []
        for s, what in ((signal.SIGUSR1, "hold"), (signal.SIGUSR2, "faults"), (signal.SIGTERM, "stop"),
                        (signal.SIGINT, "stop")):
            signal.signal(s, lambda *_x, w=what: self.signals.append(w))

    @staticmethod
    def _socket(local):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for opt, size in ((getattr(socket, "SO_RCVBUFFORCE", 33), 8 << 20), (getattr(socket, "SO_SNDBUFFORCE", 32), 8 << 20)):
            try:
                s.setsockopt(socket.SOL_SOCKET, opt, size)
            except OSError:
                pass
        s.bind(local)
        s.setblocking(False)
        return s

    def count(self, d, key, n=1):
        t = self.tally.setdefault(self.phase, {}).setdefault(d.name, {})
        t[key] = t.get(key, 0) + n

    def write_summary(self):
        doc = {"seed": self.a.seed, "proto": self.proto, "phase": self.phase, "tally": self.tally,
               "cpu_seconds": round(time.process_time(), 2)}
        tmp = self.a.summary + ".tmp"
        with open(tmp, "w") as f:
            json.dump(doc, f, indent=1, sort_keys=True)
        os.replace(tmp, self.a.summary)

    # ---- faults ------------------------------------------------------------------------------
    def drop_rate(self, n):
        if self.a.burst:
            rate, length, every = self.a.burst
            if n % int(every) < length:
                return rate
        return self.a.drop

    def fate(self, d, data):
        u = [d.rng.random() for _ in range(8)]  # always eight draws: the fate of n depends on the seed only
        n = d.n
        d.n += 1
        a = self.a
        copies = []
        p = self.drop_rate(n)
        if u[0] < p:
            fate = "drop"
        elif u[0] < p + a.dup:
            fate = "duplicate"
            copies = [("intact", data), ("intact", data)]
        elif u[0] < p + a.dup + a.corrupt and len(data) > 0:
            off = int(u[1] * len(data))
            b = bytearray(data)
            b[off] ^= 1 + int(u[2] * 255)
            fate = "corrupt@%d" % off
            copies = [("corrupt_" + region(self.proto, off), bytes(b))]
        elif u[0] < p + a.dup + a.corrupt + a.truncate and len(data) > 1:
            cut = int(u[1] * (len(data) - 1))
            fate = "truncate->%d" % cut
            short = "trunc"
            if cut < LOOKUP_BYTES[self.proto]:
                short = "trunc_tiny"
            elif cut < MIN_BYTES[self.proto]:
                short = "trunc_short"
            copies = [(short, data[:cut])]
        else:
            fate = "pass"
            copies = [("intact", data)]
        delay = a.delay_ms / 1000.0 + (u[4] * a.jitter_ms / 1000.0 if u[3] < a.jitter else 0.0)
        reorder = int(u[6] * a.reorder_depth) + 1 if u[5] < a.reorder else 0
        if u[7] < a.replay and d.history:
            pick = min(len(d.history) - 1, int(u[7] / a.replay * len(d.history)))
            copies.append(("replay", d.history[pick]))
        return n, fate, copies, delay, reorder

    # ---- delivery ----------------------------------------------------------------------------
    def schedule(self, d, item, due):
        self.tie += 1
        heapq.heappush(self.pending, (due, self.tie, d.name, item))

    def send(self, d, item):
        n, kind, data = item
        payload = data[0] if kind == "replay" else data
        cls = "data" if is_data(self.proto, payload) else "control"
        key = n if kind == "intact" else data[1] if kind == "replay" else None
        if key is None:
            category = kind
        elif key in d.delivered:
            category = "duplicate" if kind == "intact" else "replay"
        else:
            category = "fresh"
        if d.target is None:  # "any" peer not heard from yet
            self.count(d, "no_target")
            return
        try:
            d.send_sock.sendto(payload, d.target)
        except OSError:  # not delivered: neither counted nor remembered as delivered
            self.count(d, "send_failed")
            return
        if category == "fresh":
            d.delivered.add(key)
            d.history.append((key, payload))
        self.count(d, cls + "." + category)
        if self.log:
            self.log.write("OUT %s %d %s %s %d\n" % (d.name, n, category, cls, len(payload)))

    def flush_all(self):
        for d in self.dirs:
            for h in d.held:
                self.send(d, h[2])
            d.held = []
        while self.pending:
            _, _, name, item = heapq.heappop(self.pending)
            self.send(self._dir(name), item)

    def _dir(self, name):
        return self.dirs[0] if name == "to_b" else self.dirs[1]

    def on_datagram(self, d, data):
        self.count(d, "received")
        if self.phase == "hold":
            self.count(d, "held")
            return
        now = time.monotonic()
        if self.phase == "clean":
            n = d.n
            d.n += 1
            if self.log:
                self.log.write("IN %s %d clean %d\n" % (d.name, n, len(data)))
            self.send(d, (n, "intact", data))
            return
        # Every held copy moves one step closer; released ones go out before this datagram's.
        still = []
        for h in d.held:
            h[0] -= 1
            if h[0] <= 0 or h[1] <= now:
                self.schedule(d, h[2], now)
            else:
                still.append(h)
        d.held = still
        n, fate, copies, delay, reorder = self.fate(d, data)
        self.count(d, "fate." + fate.split("@")[0].split("-")[0])
        if self.log:
            self.log.write("IN %s %d %s %d%s%s\n" % (d.name, n, fate, len(data),
                                                     " delay=%.1fms" % (delay * 1e3) if delay else "",
                                                     " reorder=%d" % reorder if reorder else ""))
        for i, (kind, payload) in enumerate(copies):
            if kind == "replay":
                key, old = payload
                item = (key, "replay", (old, key))
                self.schedule(d, item, now + delay)
                continue
            item = (n, kind, payload)
            if reorder and i == 0:
                d.held.append([reorder, now + REORDER_TIMEOUT, item])
            else:
                self.schedule(d, item, now + delay * (i + 1))

    def run(self):
        rlist = [d.recv_sock for d in self.dirs]
        self.write_summary()  # ready: sockets bound, signals handled
        while True:
            while self.signals:
                what = self.signals.pop(0)
                if what == "stop":
                    self.flush_all()
                    self.phase = "stopped"
                    self.write_summary()
                    if self.log:
                        self.log.close()
                    return 0
                if what == "hold":
                    self.flush_all()
                    self.phase = "hold"
                    self.write_summary()
                elif what == "faults" and self.phase != "faults":
                    for d in self.dirs:
                        d.rng = random.Random("%s:%s" % (self.a.seed, d.name))
                        d.n = 0  # numbering starts again: forget the clean phase's datagrams
                        d.delivered.clear()
                        d.history.clear()
                    self.phase = "faults"
            now = time.monotonic()
            while self.pending and self.pending[0][0] <= now:
                _, _, name, item = heapq.heappop(self.pending)
                self.send(self._dir(name), item)
            for d in self.dirs:  # a held copy waits at most REORDER_TIMEOUT, traffic or not
                if d.held and min(h[1] for h in d.held) <= now:
                    keep = []
                    for h in d.held:
                        (self.schedule(d, h[2], now) if h[1] <= now else keep.append(h))
                    d.held = keep
            timeout = 0.02
            if self.pending:
                timeout = max(0.0, min(timeout, self.pending[0][0] - now))
            try:
                ready, _, _ = select.select(rlist, [], [], timeout)
            except InterruptedError:
                continue
            for s in ready:
                d = self.by_sock[s.fileno()]
                for _ in range(64):
                    try:
                        data, src = s.recvfrom(65536)
                    except BlockingIOError:
                        break
                    except OSError:
                        break  # e.g. an ICMP error queued on the socket
                    if d.source is None:
                        self._dir("to_a" if d.name == "to_b" else "to_b").target = src
                    elif src != d.source:
                        self.count(d, "foreign")
                        continue
                    self.on_datagram(d, data)


def burst(text):
    rate, length, every = text.split(":")
    return float(rate), int(length), int(every)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--a", required=True, help="LISTEN_IP:PORT=PEER_IP:PORT (or =any) for end A")
    r.add_argument("--b", required=True, help="LISTEN_IP:PORT=PEER_IP:PORT for end B")
    r.add_argument("--proto", choices=("psk2", "hub"), required=True)
    r.add_argument("--seed", default="1")
    r.add_argument("--summary", required=True)
    r.add_argument("--log")
    r.add_argument("--drop", type=float, default=0.03)
    r.add_argument("--burst", type=burst, default=None, help="RATE:LEN:EVERY, e.g. 0.2:200:4000")
    r.add_argument("--dup", type=float, default=0.01)
    r.add_argument("--corrupt", type=float, default=0.01)
    r.add_argument("--truncate", type=float, default=0.005)
    r.add_argument("--replay", type=float, default=0.005)
    r.add_argument("--reorder", type=float, default=0.02)
    r.add_argument("--reorder-depth", type=int, default=50)
    r.add_argument("--delay-ms", type=float, default=0.0)
    r.add_argument("--jitter", type=float, default=0.05, help="share of datagrams delayed by up to --jitter-ms")
    r.add_argument("--jitter-ms", type=float, default=3.0)
    a = p.parse_args()
    return Relay(a).run()


if __name__ == "__main__":
    sys.exit(main())
