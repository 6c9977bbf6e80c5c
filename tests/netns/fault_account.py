#!/usr/bin/env python3
"""Checks a fault relay's summary against the receiving ends' counters (tests/netns/faults.sh).

  fault_account.py check --summary FILE --proto psk2|hub [--mode off|signed|hub]
                         --end DIRECTION:STATUS_BEFORE:STATUS_AFTER:SNMP_BEFORE:SNMP_AFTER ...

DIRECTION is the relay's direction toward that end (to_a, to_b); STATUS_* are the end's status
files (psk-tunnel-status/1: per-peer rx_packets and drops, device_drops; read by name, missing
names count as 0) copied while the relay held everything back (before the fault phase) and after
it stopped; SNMP_* are /proc/net/snmp of the end's namespace at the same moments (UDP receive
buffer overflows: datagrams the kernel dropped before the end could see them); --softnet gives
/proc/net/softnet_stat at both moments (input backlog overflows, counted for all namespaces).

For the fault phase and each end it requires
  accepted (rx_packets + keepalive + tun_write)          == fresh data datagrams delivered
  data-plane drops (every receive reason)                == duplicated + replayed + modified ones
  each kind of bad datagram fits the reasons it can cause, and each reason the kinds that cause it
  (mode off) control_unhandled                           == datagrams whose "PSK2" was destroyed
each with a slack of the kernel's drops (receive buffer at that end, input backlogs; 0 on a
healthy run).
Prints one line per end; exits 1 with the mismatch named.
"""

import argparse
import json
import sys

ANY = None
# Receive reasons: what a datagram that reached the end may be dropped for.
NOT_RECEIVE = {"keepalive", "tun_write", "udp_send", "tx_size", "no_route", "pad_exhausted", "control_unhandled"}
ACCEPTED = ("keepalive", "tun_write")

PSK2_OLD = {"replay", "slot_erased", "below_restart_floor"}
REASONS = {
    "psk2": {
        "duplicate": PSK2_OLD,
        "replay": PSK2_OLD,
        "corrupt_fixed": {"version", "flags", "reserved", "direction"},
        "corrupt_tag": {"auth_tag"},
        "corrupt_seq": ANY,  # any sequence: an old one, another slot, beyond the pad, far ahead...
        "corrupt_body": {"aead"},
        "corrupt_magic": ANY,  # a control datagram that became "PSK2"
        "trunc_short": {"size"},
        "trunc": {"aead"},
    },
    "hub": {
        "duplicate": {"replay", "unknown_peer", "key_expired"},
        "replay": {"replay", "unknown_peer", "key_expired"},
        "corrupt_zero": {"magic"},
        "corrupt_receiver": {"unknown_peer"},
        "corrupt_counter": {"replay", "aead"},
        "corrupt_body": {"aead"},
        "corrupt_type": ANY,  # a handshake message that became type 4
        "trunc_tiny": {"unknown_peer"},
        "trunc_short": {"size"},
        "trunc": {"aead"},
    },
}
# With session keys (--handshake signed) an old or re-flagged datagram may name a retired epoch.
SIGNED_EXTRA = {
    "duplicate": {"no_session", "key_expired"},
    "replay": {"no_session", "key_expired"},
    "corrupt_fixed": {"no_session", "key_expired", "aead"},
}


def counters(path):
    """Per-reason drops (peers and device summed) and rx_packets of one status file."""
    doc = json.load(open(path))
    drops = {}
    rx = 0
    for peer in doc.get("peers") or []:
        rx += int(peer.get("rx_packets", 0) or 0)
        for k, v in (peer.get("drops") or {}).items():
            drops[k] = drops.get(k, 0) + int(v)
    for k, v in (doc.get("device_drops") or {}).items():
        drops[k] = drops.get(k, 0) + int(v)
    return rx, drops


def udp_errors(path):
    lines = [l.split() for l in open(path) if l.startswith("Udp:")]
    if len(lines) < 2:
        return 0
    row = dict(zip(lines[0][1:], lines[1][1:]))
    return int(row.get("RcvbufErrors", 0))


def backlog_drops(path):
    """Packets the kernel dropped from its per-CPU input backlogs (all namespaces: an upper bound)."""
    if not path:
        return 0
    return sum(int(line.split()[1], 16) for line in open(path) if line.strip())


def check_end(direction, files, summary, proto, mode, backlog):
    before_s, after_s, snmp0, snmp1 = files
    rx0, d0 = counters(before_s)
    rx1, d1 = counters(after_s)
    delta = {k: d1.get(k, 0) - d0.get(k, 0) for k in set(d0) | set(d1)}
    delta = {k: v for k, v in delta.items() if v}
    slack = max(0, udp_errors(snmp1) - udp_errors(snmp0)) + backlog
    t = summary["tally"].get("faults", {}).get(direction, {})
    data = {k[5:]: v for k, v in t.items() if k.startswith("data.")}
    control = sum(v for k, v in t.items() if k.startswith("control."))
    fresh = data.pop("fresh", 0)
    bad = dict(data)
    accepted = (rx1 - rx0) + sum(delta.get(k, 0) for k in ACCEPTED)
    drops = {k: v for k, v in delta.items() if k not in NOT_RECEIVE}
    problems = []

    def within(what, observed, expected):
        if not expected - slack <= observed <= expected:
            problems.append("%s: %d, expected %d%s" % (what, observed, expected,
                                                       " (the kernel dropped up to %d)" % slack if slack else ""))

    within("accepted", accepted, fresh)
    within("data-plane drops", sum(drops.values()), sum(bad.values()))
    reasons = dict(REASONS[proto])
    if mode == "signed":
        for k, extra in SIGNED_EXTRA.items():
            reasons[k] = reasons[k] | extra
    for kind, n in bad.items():
        allowed = reasons.get(kind, ANY)
        if allowed is ANY:
            continue
        got = sum(drops.get(r, 0) for r in allowed)
        if got + slack < n:
            problems.append("%d %s datagrams but only %d drops under %s" % (n, kind, got, "/".join(sorted(allowed))))
    for reason, n in drops.items():
        causes = [k for k in bad if reasons.get(k, ANY) is ANY or reason in reasons[k]]
        if n > sum(bad[k] for k in causes):
            problems.append("%d drops as %s, more than the bad datagrams that can cause it (%s)"
                            % (n, reason, ", ".join(causes) or "none"))
    if mode == "off":
        within("control_unhandled", delta.get("control_unhandled", 0), control)
    line = ("%s: %d fresh data datagrams, %d accepted; %d bad (%s), %d dropped (%s); %d control%s"
            % (direction, fresh, accepted, sum(bad.values()),
               " ".join("%s=%d" % kv for kv in sorted(bad.items())), sum(drops.values()),
               " ".join("%s=%d" % kv for kv in sorted(drops.items())), control,
               "; kernel drops (receive buffer, input backlog) up to %d" % slack if slack else ""))
    return line, problems


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check")
    c.add_argument("--summary", required=True)
    c.add_argument("--proto", choices=("psk2", "hub"), required=True)
    c.add_argument("--mode", choices=("off", "signed", "hub"), default="off")
    c.add_argument("--end", action="append", required=True)
    c.add_argument("--softnet", help="BEFORE:AFTER copies of /proc/net/softnet_stat")
    a = p.parse_args()
    summary = json.load(open(a.summary))
    backlog = 0
    if a.softnet:
        before, after = a.softnet.split(":")
        backlog = max(0, backlog_drops(after) - backlog_drops(before))
    failed = False
    for spec in a.end:
        direction, *files = spec.split(":")
        if len(files) != 4:
            print("--end: expected DIRECTION:STATUS_BEFORE:STATUS_AFTER:SNMP_BEFORE:SNMP_AFTER, not " + spec)
            return 2
        line, problems = check_end(direction, files, summary, a.proto, a.mode, backlog)
        print(line)
        for pr in problems:
            print("  MISMATCH " + pr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
