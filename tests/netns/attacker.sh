#!/usr/bin/env bash
# Issue #12, attacked: a third party on the tunnel's link holds a copy of the pad but no identity
# token. It records everything, decrypts what it can with the pad alone, and injects packets sealed
# with pad keys under the initiator's address.
#
#                          ns $BR: bridge br0 (ageing 0: floods every frame to every port)
#              +-------------------+-------------------+-------------------+
#              | pa                | pb                | pe                |
#   ns $A (initiator)      ns $B (responder)          ns $E (attacker)
#   +-----------------------+  +-----------------------+  +------------------------------+
#   | holA 10.79.0.1 (TUN)  |  | holB 10.79.0.2 (TUN)  |  | pad copy, no token           |
#   | end A: psk-tunnel     |  | end B: psk-tunnel     |  | tcpdump -i e0 (all frames)   |
#   | e0: 192.168.79.1      |  | e0: 192.168.79.2      |  | e0: 192.168.79.3             |
#   |                       |  | UDP listener :7777 on |  | raw socket: PSK2 from        |
#   |                       |  |  holB (marker count)  |  |  "192.168.79.1:51820"        |
#   +-----------------------+  +-----------------------+  +------------------------------+
#
# Expectations per mode (the table below, checked by `expect`):
#   mode      | pad-only decryption of captured data | injected packet on B's TUN
#   off       | every packet (the control)           | delivered
#   psk       | none                                 | dropped
#   signed    | none                                 | dropped
#   psk-later | none (recorder given the pad after both ends stopped: forward secrecy)
# Rows marked "session-keys" need data keys bound to an ephemeral X25519 secret (issue #12). That
# landed, so they are ordinary tests; PSK_EXPECT_SESSION_KEYS=0 makes them expected failures again
# (XFAIL/XPASS, not counted) for a tree without session keys.
#
# Usage: tests/netns/attacker.sh [--only off,psk,signed] [--keep]
# Needs root, iproute2 (bridge), tcpdump, python3 with cryptography, softhsm2, opensc, openssl.
# Prints PASS/FAIL/XFAIL/XPASS lines and "N passed, M failed"; exits non-zero if a test fails.
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
PY=${PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || PY=$(command -v python3)
ATTACKER="$root/tests/peers/psk2_attacker.py"
only="off psk signed"
keep=0
while [ $# -gt 0 ]; do
  case $1 in
    --only) only=${2//,/ }; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "attacker.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "attacker.sh: needs root (network namespaces, TUN, raw sockets)" >&2; exit 2; }
EXPECT_SESSION_KEYS=${PSK_EXPECT_SESSION_KEYS:-1}   # session keys landed: psk/signed rows are real tests

# mode: decryption expected | injection expected | needs session keys
declare -A EXPECT=(
  [off]="all delivered -"
  [psk]="none dropped session-keys"
  [signed]="none dropped session-keys"
  [psk-later]="none - session-keys"
)

A="hol-a-$$" B="hol-b-$$" E="hol-e-$$" BR="hol-br-$$"
IP_A=192.168.79.1 IP_B=192.168.79.2 IP_E=192.168.79.3 TUN_IP_A=10.79.0.1 TUN_IP_B=10.79.0.2
PORT=51820 MARK_PORT=7777 MODULE=/usr/lib/softhsm/libsofthsm2.so
work=$(mktemp -d /tmp/hol-attacker.XXXXXX)
declare -A pid=()
failures=0 passes=0 t_start=$SECONDS

log() { printf '[%4ds] %s\n' $((SECONDS - t_start)) "$*"; }
pass() { passes=$((passes + 1)); printf '[%4ds] PASS: %s\n' $((SECONDS - t_start)) "$*"; }
fail() { failures=$((failures + 1)); printf '[%4ds] FAIL: %s\n' $((SECONDS - t_start)) "$*"; show_logs; }
nsa() { ip netns exec "$A" "$@"; }
nsb() { ip netns exec "$B" "$@"; }
nse() { ip netns exec "$E" "$@"; }
want() { [[ " $only " == *" $1 "* ]]; }

cleanup() {
  set +e
  for k in "${!pid[@]}"; do kill -9 "${pid[$k]}" 2>/dev/null; done
  wait 2>/dev/null
  for ns in "$A" "$B" "$E" "$BR"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
    ip netns del "$ns" 2>/dev/null
  done
  if [ $keep -eq 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT

show_logs() {
  for f in "$work"/end-*.log; do
    [ -f "$f" ] || continue
    echo "----- $(basename "$f") (last 8 lines)"
    tail -n 8 "$f"
  done
}

# expect ROW WHAT OK DETAIL: judges one observation against the table's row.
expect() {
  local row=$1 what=$2 ok=$3 detail=$4 needs
  needs=$(awk '{print $3}' <<<"${EXPECT[$row]}")
  if [ "$needs" = session-keys ] && [ "$EXPECT_SESSION_KEYS" != 1 ]; then
    if [ "$ok" = 1 ]; then
      printf '[%4ds] XPASS: %s: %s: %s (set PSK_EXPECT_SESSION_KEYS=1)\n' $((SECONDS - t_start)) "$row" "$what" "$detail"
    else
      printf '[%4ds] XFAIL: %s: %s: %s (expected until session keys land)\n' $((SECONDS - t_start)) "$row" "$what" "$detail"
    fi
  elif [ "$ok" = 1 ]; then
    pass "$row: $what: $detail"
  else
    fail "$row: $what: $detail"
  fi
}

start_end() {
  local side=$1; shift
  local ns local_ip remote_ip remote_host role=()
  if [ "$side" = a ]; then
    ns=$A local_ip=$TUN_IP_A remote_ip=$TUN_IP_B remote_host=$IP_B role=(--initiator)
  else
    ns=$B local_ip=$TUN_IP_B remote_ip=$TUN_IP_A remote_host=$IP_A
  fi
  rm -f "$work/state-$side"
  ip netns exec "$ns" env SOFTHSM2_CONF="$work/softhsm2.conf" "$root/bin/psk-tunnel" --psk "$work/pad-$side.bin" \
    --local-port $PORT --remote-host "$remote_host" --remote-port $PORT "${role[@]}" --local-ip "$local_ip" \
    --remote-ip "$remote_ip" --state "$work/state-$side" --tun "hol${side^^}" --stats-interval 0 \
    --status-file "$work/status-$side.json" \
    "$@" >"$work/end-$side.log" 2>&1 &
  pid[$side]=$!
}

stop() {
  local k=$1 p=${pid[$1]:-} i
  [ -n "$p" ] || return 0
  kill -TERM "$p" 2>/dev/null || true
  for i in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  unset "pid[$k]"
}

wait_log() {
  local i
  for i in $(seq 1 $((${3:-30} * 4))); do
    grep -Eq -- "$2" "$work/end-$1.log" 2>/dev/null && return 0
    sleep 0.25
  done
  return 1
}
ping_ok() { nsa ping -c 1 -W 1 -q $TUN_IP_B >/dev/null 2>&1; }
wait_ping() { local i; for i in $(seq 1 40); do ping_ok && return 0; sleep 0.5; done; return 1; }

# --- Topology, pads, tokens -------------------------------------------------------------------
log "work dir $work"
for ns in "$A" "$B" "$E" "$BR"; do
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
done
ip -n "$BR" link add br0 type bridge ageing_time 0
ip -n "$BR" link set br0 up
for pair in "$A:pa:$IP_A" "$B:pb:$IP_B" "$E:pe:$IP_E"; do
  IFS=: read -r ns port addr <<<"$pair"
  ip -n "$BR" link add "$port" type veth peer name e0 netns "$ns"
  ip -n "$BR" link set "$port" master br0 up
  ip -n "$ns" addr add "$addr/24" dev e0
  ip -n "$ns" link set e0 up
done

head -c $((120 * 6000)) /dev/urandom >"$work/pad.bin"
# Each end erases the slots it consumes: every party gets its own copy (the attacker's is the
# copy a thief made before the pad was installed).
for who in a b e; do cp "$work/pad.bin" "$work/pad-$who.bin"; done

mkdir -p "$work/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$work/tokens" >"$work/softhsm2.conf"
export SOFTHSM2_CONF="$work/softhsm2.conf"
printf '4321\n' >"$work/pin"
chmod 600 "$work/pin"
for t in hol-a hol-b; do
  softhsm2-util --init-token --free --label $t --pin 4321 --so-pin 87654321 >/dev/null
  pkcs11-tool --module $MODULE --token-label $t --login --pin 4321 --keypairgen --key-type EC:prime256v1 \
    --label identity --id 01 >/dev/null
  pkcs11-tool --module $MODULE --token-label $t --read-object --type pubkey --label identity -o "$work/$t.der" >/dev/null
  openssl pkey -pubin -inform DER -in "$work/$t.der" -out "$work/$t.pem"
  sha256sum "$work/$t.der" | cut -c1-16 >"$work/$t.id"
done
uri() { echo "pkcs11:token=$1;object=identity?module-path=$MODULE&pin-source=file:$work/pin"; }
peers() { { echo "[peer $2]"; echo "identity_id = $(cat "$work/$3.id")"; echo "enabled = true"; cat "$work/$3.pem"; } >"$1"; }
peers "$work/peers-at-a" site-b hol-b
peers "$work/peers-at-b" site-a hol-a

# --- One mode ---------------------------------------------------------------------------------
# run_mode MODE ARGS_A -- ARGS_B: brings the tunnel up under the attacker's recorder, sends a
# secret through it, then decrypts the recording and injects with the pad.
run_mode() {
  local mode=$1; shift
  local args_a=() args_b=()
  while [ "$1" != -- ]; do args_a+=("$1"); shift; done
  shift
  args_b=("$@")
  local cap="$work/cap-$mode.pcap" secret="holes-secret-$mode-$$" marker="holes-injected-$mode-$$"
  rm -f "$work/marks-$mode"
  nse tcpdump -i e0 -U -w "$cap" udp port $PORT >/dev/null 2>&1 &
  pid[tcpdump]=$!
  # On B's TUN address: every datagram that arrives through the tunnel is appended to marks-MODE.
  nsb "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
while True:
    try:
        s.bind((sys.argv[1], int(sys.argv[2]))); break
    except OSError:
        import time; time.sleep(0.2)
with open(sys.argv[3], "ab", buffering=0) as out:
    while True:
        out.write(s.recv(65535) + b"\n")
' "$TUN_IP_B" $MARK_PORT "$work/marks-$mode" &
  pid[listener]=$!
  sleep 0.5
  start_end b "${args_b[@]}"
  start_end a "${args_a[@]}"
  # A loaded machine can take tens of seconds to start a JVM: wait for both banners first.
  if ! wait_log b 'psk-tunnel show' 120 || ! wait_log a 'psk-tunnel show' 120 || ! wait_ping; then
    fail "$mode: the tunnel never carried a ping (no test of the attacker possible)"
    stop a; stop b; stop tcpdump; stop listener
    return
  fi
  nsa ping -c 20 -i 0.02 -q $TUN_IP_B >/dev/null 2>&1 || true
  for _ in 1 2 3; do
    nsa "$PY" -c 'import socket,sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(sys.argv[3].encode(), (sys.argv[1], int(sys.argv[2])))' \
      "$TUN_IP_B" $MARK_PORT "$secret"
    sleep 0.1
  done
  sleep 0.5
  if ! grep -q "$secret" "$work/marks-$mode" 2>/dev/null; then
    fail "$mode: the genuine datagram did not arrive through the tunnel (listener broken?)"
  fi
  # Snapshot of the recording so far: the attacker's view while both ends run.
  cp "$cap" "$cap.live"
  local live
  live=$(nse "$PY" "$ATTACKER" decrypt "$cap.live" --pad "$work/pad-e.bin" --port $PORT --secret "$secret")
  log "$mode: $live"
  local total opened seen highest flags
  total=$(sed -E 's/.*data packets: ([0-9]+).*/\1/' <<<"$live")
  opened=$(sed -E 's/.*pad alone: ([0-9]+).*/\1/' <<<"$live")
  seen=$(sed -E 's/.*secret seen: ([a-z]+).*/\1/' <<<"$live")
  highest=$(sed -E 's/.*highest seq 0->1: (-?[0-9]+).*/\1/' <<<"$live")
  flags=$(sed -E 's/.*flags 0->1: (-?[0-9]+).*/\1/' <<<"$live")
  local want_dec want_inj ok
  read -r want_dec want_inj _ <<<"${EXPECT[$mode]}"
  if [ "$total" -lt 20 ]; then
    fail "$mode: only $total PSK2 data packets recorded: the recorder does not see the link"
  else
    ok=0
    if [ "$want_dec" = all ]; then
      [ "$opened" = "$total" ] && [ "$seen" = yes ] && ok=1
    else
      [ "$opened" = 0 ] && [ "$seen" = no ] && ok=1
    fi
    expect "$mode" "pad-only decryption" $ok "$opened of $total recorded data packets opened, secret seen: $seen (expected: $want_dec)"
  fi

  # Injection: sealed with the pad's keys, ahead of everything the initiator sent, from A's address.
  local seq=$((highest < 0 ? 0 : highest + 1500))
  nse "$PY" "$ATTACKER" inject --pad "$work/pad-e.bin" --src $IP_A --sport $PORT --dst $IP_B --dport $PORT \
    --seq $seq --flags 0 --inner-src $TUN_IP_A --inner-dst $TUN_IP_B --inner-port $MARK_PORT --marker "$marker" >/dev/null
  if [ "$flags" -gt 0 ]; then # the flags (key epoch) of the genuine traffic, pad keys underneath
    nse "$PY" "$ATTACKER" inject --pad "$work/pad-e.bin" --src $IP_A --sport $PORT --dst $IP_B --dport $PORT \
      --seq $((seq + 10)) --flags "$flags" --inner-src $TUN_IP_A --inner-dst $TUN_IP_B --inner-port $MARK_PORT \
      --marker "$marker" >/dev/null
  fi
  sleep 1
  local got
  got=$(grep -c "$marker" "$work/marks-$mode" 2>/dev/null || true)
  ok=0
  if [ "$want_inj" = delivered ]; then [ "$got" -gt 0 ] && ok=1; else [ "$got" = 0 ] && ok=1; fi
  expect "$mode" "injection under ${IP_A}:$PORT" $ok "$got forged datagrams reached B's TUN (expected: $want_inj)"
  if [ "$want_inj" = dropped ] && ping_ok; then
    log "$mode: the tunnel still carries pings after the injection"
  fi

  stop a; stop b
  sleep 0.3
  stop tcpdump; stop listener
  if [ "$mode" = psk ]; then
    # The recorder obtains the pad only now, after both ends stopped: the full recording,
    # handshake included, with everything the pad gives.
    local later
    later=$(nse "$PY" "$ATTACKER" decrypt "$cap" --pad "$work/pad.bin" --port $PORT --secret "$secret" --skip-forged)
    log "psk-later: $later"
    total=$(sed -E 's/.*data packets: ([0-9]+).*/\1/' <<<"$later")
    opened=$(sed -E 's/.*pad alone: ([0-9]+).*/\1/' <<<"$later")
    seen=$(sed -E 's/.*secret seen: ([a-z]+).*/\1/' <<<"$later")
    ok=0
    [ "$total" -gt 0 ] && [ "$opened" = 0 ] && [ "$seen" = no ] && ok=1
    expect psk-later "recorded traffic decrypted with the pad obtained later" $ok \
      "$opened of $total opened, secret seen: $seen (expected: none)"
  fi
}

# --- Tests ------------------------------------------------------------------------------------
if want off; then
  log "Test that without a handshake the pad alone decrypts and forges traffic (the control: the harness can fail)"
  run_mode off -- 
fi
if want psk; then
  log "Test that with --handshake psk the pad alone neither decrypts nor forges, now or later"
  run_mode psk --handshake psk -- --handshake psk
fi
if want signed; then
  log "Test that with --handshake signed (SoftHSM2 identities, pinned peers) the pad alone neither decrypts nor forges"
  run_mode signed --handshake signed --identity "$(uri hol-a)" --peers "$work/peers-at-a" \
    -- --handshake signed --identity "$(uri hol-b)" --peers "$work/peers-at-b"
fi

log "$passes passed, $failures failed (PSK_EXPECT_SESSION_KEYS=$EXPECT_SESSION_KEYS)"
[ $failures -eq 0 ]
