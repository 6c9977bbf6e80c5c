#!/usr/bin/env bash
# Fault suite: 64 MiB TCP transfers through a seeded misbehaving UDP relay (tests/netns/fault_relay.py)
# between two tunnel ends, with exact accounting of every datagram the relay delivered.
#
#   ns $A (end A)                       ns $R (relay)                          ns $B (end B)
#   +--------------------------+   +-----------------------------------+   +--------------------------+
#   | TUN 10.81.0.1            |   | fault_relay.py: drop, duplicate,  |   | TUN 10.81.0.2 (p2p)      |
#   | psk-tunnel / hub client  |   | reorder, delay, corrupt, truncate,|   | psk-tunnel / hub server  |
#   | fa0 192.168.81.1 ========|===|= fr0 .81.2:51820   fr1 .82.2:51820=|===|= fb0 192.168.82.1        |
#   +--------------------------+   +-----------------------------------+   +--------------------------+
#
# Usage: tests/netns/faults.sh [--only p2p,hub,signed] [--seed N] [--relay-args 'ARGS'] [--keep]
#   p2p     point to point, --handshake off
#   hub     one hub client (A) and the hub server (B), the transfer ends at the hub's own address
#   signed  point to point, --handshake signed (SoftHSM2 identities), keys changed every 4 s
# Each test: the ends come up through a clean relay; the relay holds everything back while the
# ends' counters are read; faults on; 64 MiB from A to B (sha256 compared at both ends); relay
# stopped; counters read again; tests/netns/fault_account.py checks that every fresh datagram the
# relay delivered was accepted and every duplicated, replayed or modified one counted as a drop.
# --seed fixes the fault pattern (default 1; the seed is printed); --relay-args overrides the
# relay's fault options (e.g. '--drop 0.2 --burst 0.2:1:1'). Needs root, iproute2, python3,
# softhsm2, opensc, openssl. Prints PASS/FAIL lines and "N passed, M failed"; exits 1 on a failure.
set -euo pipefail
export LC_ALL=C

only="p2p hub signed"
seed=1
relay_args=""
keep=0
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"
here="$root/tests/netns"
suite_opt() {
  case $1 in
    --seed) seed=$2 ;;
    --relay-args) relay_args=$2 ;;
    *) return 1 ;;
  esac
}
suite_args 25 "$@"
need_root "network namespaces, TUN"

A="flt-a-$$" R="flt-r-$$" B="flt-b-$$"
IP_A=192.168.81.1 IP_RA=192.168.81.2 IP_RB=192.168.82.2 IP_B=192.168.82.1
TUN_IP_A=10.81.0.1 TUN_IP_B=10.81.0.2 PORT=51820 TUN_PREFIX=flt LOG_TAIL=12
LOG_GLOBS=('end-*.log' relay.err)
suite_init /tmp/flt.XXXXXX
# Read by start_end (lib.sh): each end sends to the relay, from its own copy of the pad.
# shellcheck disable=SC2034
REMOTE_HOST_A=$IP_RA REMOTE_HOST_B=$IP_RB PAD_A=$work/pad-a.bin PAD_B=$work/pad-b.bin

# --- Topology: A <-> R <-> B --------------------------------------------------------------------
log "seed $seed; work dir $work"
ns_add "$A" "$R" "$B"
ipv6_off "$A" "$R" "$B"
veth "$A" fa0 "$R" fr0
veth "$B" fb0 "$R" fr1
if_up "$A" fa0 $IP_A/24
if_up "$R" fr0 $IP_RA/24
if_up "$R" fr1 $IP_RB/24
if_up "$B" fb0 $IP_B/24

head -c $((64 << 20)) /dev/urandom >"$work/data64"
want64=$(sha256sum "$work/data64" | cut -d' ' -f1)

# --- Relay, ends, counters -----------------------------------------------------------------------
# start_relay PROTO A_PEER: the relay in $R, clean (no faults yet).
start_relay() {
  rm -f "$work/relay.json"
  ip netns exec "$R" "$PY" "$here/fault_relay.py" run --proto "$1" --seed "$seed" \
    --a "$IP_RA:$PORT=$2" --b "$IP_RB:$PORT=$IP_B:$PORT" \
    --drop 0.03 --burst 0.2:300:6000 --dup 0.01 --corrupt 0.01 --truncate 0.005 --replay 0.005 \
    --reorder 0.02 --reorder-depth 50 --jitter 0.05 --jitter-ms 3 \
    $relay_args --summary "$work/relay.json" --log "$work/relay.log" 2>"$work/relay.err" &
  pid[relay]=$!
  local i
  for i in $(seq 1 100); do [ -s "$work/relay.json" ] && return 0; sleep 0.1; done
  return 1
}

# relay_phase hold|faults: signals the relay; hold waits (bounded) until it wrote its summary.
relay_phase() {
  local i
  if [ "$1" = hold ]; then
    kill -USR1 "${pid[relay]}"
    for i in $(seq 1 50); do grep -q '"phase": "hold"' "$work/relay.json" 2>/dev/null && return 0; sleep 0.1; done
    return 1
  fi
  kill -USR2 "${pid[relay]}"
}

# snapshot TAG: both ends' status files and their namespaces' UDP counters, once both files were
# rewritten (every second) at least 1.5 s after the relay went quiet: nothing is on its way then.
snapshot() {
  local quiet; quiet=$(date +%s.%N)
  if ! "$PY" - "$quiet" "$work/status-a.json" "$work/status-b.json" <<'PYEOF'
import datetime, json, sys, time
quiet = float(sys.argv[1]) + 1.5
def updated(path):
    try:
        text = json.load(open(path))["updated"].rstrip("Z")
        whole, _, frac = text.partition(".")
        t = datetime.datetime.fromisoformat(whole).replace(tzinfo=datetime.timezone.utc).timestamp()
        return t + float("0." + (frac or "0"))
    except (OSError, ValueError, KeyError):
        return 0
deadline = time.time() + 30
while time.time() < deadline:
    if all(updated(p) > quiet for p in sys.argv[2:]):
        sys.exit(0)
    time.sleep(0.2)
sys.exit(1)
PYEOF
  then
    log "  a status file was not rewritten within 30 s of the relay going quiet"
  fi
  cp "$work/status-a.json" "$work/$1-status-a.json"
  cp "$work/status-b.json" "$work/$1-status-b.json"
  ip netns exec "$A" cat /proc/net/snmp >"$work/$1-snmp-a"
  ip netns exec "$B" cat /proc/net/snmp >"$work/$1-snmp-b"
  cat /proc/net/softnet_stat >"$work/$1-softnet"
}

# wait_reach FROM_NS TO_IP: until a ping crosses the tunnel (bounded: 40 s). Not lib.sh's wait_ping:
# the hub test pings the hub's own address, and the time it took is logged.
wait_reach() {
  local i t0=$SECONDS
  for i in $(seq 1 80); do
    ip netns exec "$1" ping -c 1 -W 1 -q "$2" >/dev/null 2>&1 && { log "  tunnel up after $((SECONDS - t0)) s"; return 0; }
    sleep 0.5
  done
  return 1
}

# faulty_transfer LABEL MODE PROTO DST_IP: hold, counters, faults, 64 MiB A -> B, stop the relay,
# counters, then sha256 and the accounting.
faulty_transfer() {
  local label=$1 mode=$2 proto=$3 dst=$4 tport=$((5000 + RANDOM % 1000)) t0 got
  relay_phase hold || { fail "$label: the relay did not enter its hold phase"; return 1; }
  snapshot before
  relay_phase faults
  t0=$SECONDS
  rm -f "$work/got"
  ip netns exec "$B" timeout 125 "$PY" "$here/netutil.py" recv "$dst" $tport "$work/got" --timeout 120 &
  pid[recv]=$!
  sleep 0.3
  ip netns exec "$A" timeout 125 "$PY" "$here/netutil.py" send "$dst" $tport "$work/data64" --timeout 120 \
    || log "  sender failed"
  wait "${pid[recv]}" 2>/dev/null || true
  unset "pid[recv]"
  log "  transfer took $((SECONDS - t0)) s"
  stop relay
  snapshot after
  got=$(cut -d' ' -f1 "$work/got" 2>/dev/null || echo none)
  if [ "$got" = "$want64" ]; then
    pass "$label: 64 MiB arrived, sha256 ${want64:0:16}… equal at both ends"
  else
    fail "$label: sha256 at B is $got, sent $want64"
  fi
  "$PY" - "$work/relay.json" <<'PYEOF'
import json, sys
doc = json.load(open(sys.argv[1]))
t = doc["tally"].get("faults", {})
print("  relay: %.1f s of CPU in all" % doc.get("cpu_seconds", 0))
for d, c in sorted(t.items()):
    fates = " ".join("%s=%d" % (k[5:], v) for k, v in sorted(c.items()) if k.startswith("fate."))
    print("  relay %s: received %d; fates %s" % (d, c.get("received", 0), fates))
PYEOF
  if out=$("$PY" "$here/fault_account.py" check --summary "$work/relay.json" --proto "$proto" --mode "$mode" \
      --end "to_b:$work/before-status-b.json:$work/after-status-b.json:$work/before-snmp-b:$work/after-snmp-b" \
      --end "to_a:$work/before-status-a.json:$work/after-status-a.json:$work/before-snmp-a:$work/after-snmp-a" \
      --softnet "$work/before-softnet:$work/after-softnet"); then
    pass "$label: every fresh datagram accepted, every bad one dropped and counted"
    sed 's/^/  /' <<<"$out"
  else
    fail "$label: the ends' counters do not account for the relay's datagrams"
    sed 's/^/  /' <<<"$out"
  fi
}

fresh_pads() {
  head -c $((120 * 100000)) /dev/urandom >"$work/pad-a.bin"
  cp "$work/pad-a.bin" "$work/pad-b.bin"
}

# --- (a) point to point, handshake off ------------------------------------------------------------
if want p2p; then
  log "Test that 64 MiB crosses a point-to-point tunnel (--handshake off) through the fault relay"
  fresh_pads
  start_relay psk2 "$IP_A:$PORT" || fail "the relay did not start"
  start_end b; start_end a
  if wait_reach "$A" $TUN_IP_B; then
    faulty_transfer "p2p" off psk2 $TUN_IP_B
  else
    fail "p2p: the tunnel did not come up through the clean relay"
  fi
  stop a; stop b; stop relay
fi

# --- (b) hub: one client (A) and the hub server (B) -------------------------------------------------
if want hub; then
  log "Test that 64 MiB crosses the hub (client -> hub's own address) through the fault relay"
  rm -f "$work/hub.json" "$work/client.json"
  "$root/bin/psk-provision" hub init --config "$work/hub.json" --listen-port $PORT --address 10.81.0.1/24 \
    --interface fltH >/dev/null
  "$root/bin/psk-provision" hub add-client a --allowed-ips 10.81.0.2/32 --config "$work/hub.json" \
    --endpoint "$IP_RA:$PORT" --out "$work/client.json" >/dev/null
  start_relay hub any || fail "the relay did not start"
  ip netns exec "$B" "$root/bin/psk-tunnel" hub server --config "$work/hub.json" --status-file "$work/status-b.json" \
    >"$work/end-b.log" 2>&1 &
  pid[b]=$!
  ip netns exec "$A" "$root/bin/psk-tunnel" hub client --config "$work/client.json" --status-file "$work/status-a.json" \
    >"$work/end-a.log" 2>&1 &
  pid[a]=$!
  if wait_reach "$A" 10.81.0.1; then
    faulty_transfer "hub" hub hub 10.81.0.1
  else
    fail "hub: the client did not reach the hub through the clean relay"
  fi
  stop a; stop b; stop relay
fi

# --- (c) point to point, --handshake signed, rekeys -------------------------------------------------
if want signed; then
  log "Test that 64 MiB crosses a --handshake signed tunnel through the fault relay across rekeys"
  tokens_init
  token_add flt-a flt-b
  peers "$work/peers-at-a" site-b flt-b
  peers "$work/peers-at-b" site-a flt-a
  fresh_pads
  start_relay psk2 "$IP_A:$PORT" || fail "the relay did not start"
  start_end b --handshake signed --identity "$(uri flt-b)" --peers "$work/peers-at-b" --rekey-interval 4s
  start_end a --handshake signed --identity "$(uri flt-a)" --peers "$work/peers-at-a" --rekey-interval 4s
  if wait_reach "$A" $TUN_IP_B; then
    r0=$(grep -c 'handshake: rekeyed with' "$work/end-b.log" || true)
    faulty_transfer "signed" signed psk2 $TUN_IP_B
    rekeys=$(( $(grep -c 'handshake: rekeyed with' "$work/end-b.log" || true) - r0 ))
    if [ "$rekeys" -ge 1 ]; then
      pass "signed: $rekeys rekeys during the faulty transfer"
    else
      fail "signed: no rekey during the faulty transfer"
    fi
  else
    fail "signed: the tunnel did not come up through the clean relay"
  fi
  stop a; stop b; stop relay
fi

echo
echo "faults.sh (seed $seed): $passes passed, $failures failed in $((SECONDS - t_start)) s"
[ $failures -eq 0 ]
