#!/usr/bin/env python3
"""Self-test of the fault relay and its accounting, on loopback (no root, no tunnel).

  fault_selftest.py

Test that the relay delivers everything unmodified while clean and nothing while holding; that in
its fault phase what arrives matches its summary exactly (fresh, duplicated, replayed, modified,
control), with every fault kind and reordering seen; that the fates are a function of the seed
(same seed, same per-datagram fates; another seed, others); and that fault_account.py reports a
bad datagram that was accepted, a fresh one that was dropped and a duplicate counted as a
decryption failure. Prints "fault relay self-test: N passed, M failed"; exits 1 on a failure.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fault_account  # noqa: E402

results = {"passed": 0, "failed": 0}


def check(ok, what):
    results["passed" if ok else "failed"] += 1
    print(("PASS: " if ok else "FAIL: ") + what)


def udp(port=0):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(("127.0.0.1", port))
    s.settimeout(0.3)
    return s


def free_port():
    s = udp()
    p = s.getsockname()[1]
    s.close()
    return p


def datagram(direction, n):
    """Looks like PSK2 data: the magic, a header naming (direction, n), a body."""
    head = b"PSK2" + bytes([2, 0, direction, 0]) + n.to_bytes(40, "big")
    return head + bytes((n * 7 + i) & 0xFF for i in range(200))


def drain(sock):
    got = []
    while True:
        try:
            got.append(sock.recv(65536))
        except socket.timeout:
            return got


def wait_phase(path, phase):
    for _ in range(400):
        try:
            if json.load(open(path)).get("phase") == phase:
                return True
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    return False


def run_relay(work, seed, count=1500, faults="0.1"):
    """One relay run: clean, hold, faults with `count` datagrams A->B and count/3 B->A, stop."""
    end_a, end_b = udp(), udp()
    ra, rb = free_port(), free_port()
    summary, log = os.path.join(work, "s%s.json" % seed), os.path.join(work, "l%s.log" % seed)
    cmd = [sys.executable, os.path.join(HERE, "fault_relay.py"), "run", "--proto", "psk2", "--seed", str(seed),
           "--a", "127.0.0.1:%d=127.0.0.1:%d" % (ra, end_a.getsockname()[1]),
           "--b", "127.0.0.1:%d=127.0.0.1:%d" % (rb, end_b.getsockname()[1]),
           "--drop", faults, "--dup", faults, "--corrupt", faults, "--truncate", faults, "--replay", faults,
           "--reorder", faults, "--jitter", faults, "--jitter-ms", "2", "--summary", summary, "--log", log]
    relay = subprocess.Popen(cmd)
    try:
        if not wait_phase(summary, "clean"):
            raise RuntimeError("the relay did not start: " + " ".join(cmd))
        clean = [datagram(0, 100000 + i) for i in range(5)]
        for d in clean:
            end_a.sendto(d, ("127.0.0.1", ra))
        out = {"clean": drain(end_b)}
        relay.send_signal(signal.SIGUSR1)
        wait_phase(summary, "hold")
        for d in clean:
            end_a.sendto(d, ("127.0.0.1", ra))
        out["hold"] = drain(end_b)
        relay.send_signal(signal.SIGUSR2)
        time.sleep(0.2)
        sent = {"to_b": [], "to_a": []}
        for n in range(count):
            d = datagram(0, n)
            sent["to_b"].append(d)
            end_a.sendto(d, ("127.0.0.1", ra))
            if n % 3 == 0:
                e = datagram(1, n)
                sent["to_a"].append(e)
                end_b.sendto(e, ("127.0.0.1", rb))
            if n % 50 == 0:
                time.sleep(0.005)  # let the relay keep up: loopback must not drop
        time.sleep(0.3)
        relay.send_signal(signal.SIGTERM)
        relay.wait(10)
        out["to_b"], out["to_a"] = drain(end_b), drain(end_a)
        # (direction, n, fate): the two directions interleave as timing has it, hence sorted
        fates = sorted(tuple(l.split()[1:4]) for l in open(log) if l.startswith("IN ") and "clean" not in l)
        return out, sent, json.load(open(summary)), fates
    finally:
        if relay.poll() is None:
            relay.kill()
            relay.wait()
        end_a.close()
        end_b.close()


def classify(received, sent):
    """What the receiver saw, classified by this test alone."""
    originals = set(sent)
    seen, c = set(), {}
    order = []
    for d in received:
        cls = "data" if d[:4] == b"PSK2" else "control"
        if d in originals:
            key = cls + (".fresh" if d not in seen else ".again")
            seen.add(d)
            order.append(int.from_bytes(d[8:48], "big"))
        else:
            key = cls + ".modified"
        c[key] = c.get(key, 0) + 1
    return c, order


def relay_tests(work):
    out, sent, summary, fates = run_relay(work, 11)
    check(len(out["clean"]) == 5, "clean phase: 5 of 5 datagrams delivered unmodified (%d)" % len(out["clean"]))
    check(out["hold"] == [], "hold phase: nothing delivered (%d)" % len(out["hold"]))
    for direction in ("to_b", "to_a"):
        seen, order = classify(out[direction], sent[direction])
        t = summary["tally"]["faults"][direction]
        data = {k: v for k, v in t.items() if k.startswith("data.")}
        want = {
            "data.fresh": data.get("data.fresh", 0),
            "data.again": data.get("data.duplicate", 0) + data.get("data.replay", 0),
            "data.modified": sum(v for k, v in data.items() if k.split(".")[1].startswith(("corrupt", "trunc"))),
            "control.modified": sum(v for k, v in t.items() if k.startswith("control.")),
        }
        got = {k: seen.get(k, 0) for k in want}
        check(got == want, "%s: what arrived matches the relay's summary: %s" % (direction, got))
        fate_counts = {k[5:]: v for k, v in t.items() if k.startswith("fate.")}
        kinds = {"drop", "duplicate", "corrupt", "truncate", "pass"}
        check(kinds <= set(fate_counts) and t.get("data.replay", 0) > 0,
              "%s: every fault kind happened: %s, replayed %d" % (direction, fate_counts, t.get("data.replay", 0)))
        inversions = sum(1 for i in range(1, len(order)) if order[i] < order[i - 1])
        check(inversions > 0, "%s: datagrams arrived out of order (%d inversions)" % (direction, inversions))
    _, _, _, again = run_relay(work, 11)
    _, _, _, other = run_relay(work, 12)
    check(fates == again, "same seed, same fate for every datagram (%d fates)" % len(fates))
    check(fates != other, "another seed, other fates")


def status(path, rx, drops, device=None):
    json.dump({"format": "psk-tunnel-status/1", "device_drops": device or {},
               "peers": [{"rx_packets": rx, "drops": drops}]}, open(path, "w"))


def account_tests(work):
    summary = {"tally": {"faults": {"to_b": {"data.fresh": 100, "data.duplicate": 5, "data.corrupt_body": 3,
                                              "control.trunc_tiny": 1}}}}
    snmp = os.path.join(work, "snmp")
    open(snmp, "w").write("Udp: InDatagrams RcvbufErrors\nUdp: 0 0\n")
    before = os.path.join(work, "before.json")
    status(before, 7, {"replay": 2})
    after = os.path.join(work, "after.json")
    cases = [
        ("the exact account", 107, {"replay": 7, "aead": 3}, {"control_unhandled": 1}, True),
        ("a corrupted datagram accepted", 108, {"replay": 7, "aead": 2}, {"control_unhandled": 1}, False),
        ("a fresh datagram dropped", 106, {"replay": 7, "aead": 4}, {"control_unhandled": 1}, False),
        ("a duplicate counted as a decryption failure", 107, {"replay": 6, "aead": 4}, {"control_unhandled": 1}, False),
        ("a destroyed magic not counted", 107, {"replay": 7, "aead": 3}, {}, False),
    ]
    for what, rx, drops, device, ok in cases:
        status(after, rx, drops, device)
        line, problems = fault_account.check_end("to_b", [before, after, snmp, snmp], summary, "psk2", "off", 0)
        check((not problems) == ok, "accounting %s: %s" % ("accepts" if ok else "reports", what)
              + ("" if ok else " (%s)" % "; ".join(problems)))


def main():
    with tempfile.TemporaryDirectory(prefix="flt-self.") as work:
        relay_tests(work)
        account_tests(work)
    print("fault relay self-test: %d passed, %d failed" % (results["passed"], results["failed"]))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
