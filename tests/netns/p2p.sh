#!/usr/bin/env bash
# End-to-end suite for psk-tunnel: two network namespaces, one tunnel end in each.
#
#   ns $A (initiator)                                    ns $B (responder)
#   +--------------------------------+                   +--------------------------------+
#   | tsysA: 10.77.0.1/24  (TUN)     |                   | tsysB: 10.77.0.2/24  (TUN)     |
#   |   ^                            |                   |   ^                            |
#   |   | end A: psk-tunnel          |   PSK2 over UDP   |   | end B: psk-tunnel          |
#   |   v  udp :51820                |  51820 <-> 51820  |   v  udp :51820                |
#   | veth0: 192.168.77.1/24 ========|===================|= veth1: 192.168.77.2/24       |
#   +--------------------------------+                   +--------------------------------+
#
# Usage: tests/netns/p2p.sh [--ends java:java|java:python|python:java|python:python]
#                           [--only test1,test2,...] [--keep]
#   --ends   what runs at A:B. "java" is bin/psk-tunnel; "python" is tests/peers/psk2_peer.py,
#            an independent implementation of the wire format (the interop suite).
#   --only   a subset of: ping transfer restart crash replay loss mtu
# Needs root, iproute2, ethtool, nftables, tcpdump, iputils-ping, python3. Exits non-zero if a test fails.
set -euo pipefail
export LC_ALL=C

ends=java:java
only="ping transfer restart crash replay loss mtu"
keep=0
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"
here="$root/tests/netns"
suite_opt() { case $1 in --ends) ends=$2 ;; *) return 1 ;; esac; }
suite_args 20 "$@"
END_A=${ends%%:*} END_B=${ends##*:}
for e in "$END_A" "$END_B"; do
  case $e in java|python) ;; *) echo "p2p.sh: --ends takes java or python at each side, not '$e'" >&2; exit 2 ;; esac
done
need_root "network namespaces, TUN"

A="tsys-a-$$" B="tsys-b-$$"
IP_A=192.168.77.1 IP_B=192.168.77.2 TUN_IP_A=10.77.0.1 TUN_IP_B=10.77.0.2
PORT=51820 MTU=1420 LOG_TAIL=15
LOG_GLOBS=('*.log')   # the ends' logs and tcpdump's
suite_init /tmp/tsys-p2p.XXXXXX

# --- The two ends -------------------------------------------------------------------------------
# start_end a|b: runs that end in its namespace in the background, pid in pid[a|b].
# Its own, not lib.sh's: either end may be the Python peer, and the log and state outlive a restart.
start_end() {
  local side=$1 ns kind local_ip remote_ip remote_host role=()
  if [ "$side" = a ]; then
    ns=$A kind=$END_A local_ip=$TUN_IP_A remote_ip=$TUN_IP_B remote_host=$IP_B role=(--initiator)
  else
    ns=$B kind=$END_B local_ip=$TUN_IP_B remote_ip=$TUN_IP_A remote_host=$IP_A
  fi
  local args=(--psk "$work/pad-$side.bin" --local-port $PORT --remote-host "$remote_host" --remote-port $PORT
              "${role[@]}" --local-ip "$local_ip" --remote-ip "$remote_ip" --state "$work/state-$side"
              --tun "tsys${side^^}" --mtu $MTU --stats-interval 1)
  if [ "$kind" = java ]; then
    ip netns exec "$ns" "$root/bin/psk-tunnel" "${args[@]}" --status-file "$work/status-$side.json" \
      >>"$work/end-$side.log" 2>&1 &
  else
    ip netns exec "$ns" "$PY" "$root/tests/peers/psk2_peer.py" "${args[@]}" \
      --stats-file "$work/stats-$side.json" >>"$work/end-$side.log" 2>&1 &
  fi
  pid[$side]=$!
}

# wait_tunnel [SECONDS]: until a ping crosses the tunnel both ways (bounded: 30 s by default).
# Not lib.sh's wait_ping, which counts tries: the crash test's "within 30 s" is a bound in seconds.
wait_tunnel() {
  local limit=$((SECONDS + ${1:-30})) i
  for i in $(seq 1 100); do
    if nsa ping -c 1 -W 1 -q $TUN_IP_B >/dev/null 2>&1; then return 0; fi
    [ $SECONDS -lt $limit ] || return 1
    sleep 0.3
  done
  return 1
}

# reset_ends: both ends stopped, fresh pad copies and no state: later tests start clean even when
# an earlier one left the tunnel unusable.
reset_ends() {
  stop a TERM; stop b TERM
  head -c 12000000 /dev/urandom >"$work/pad-a.bin"
  cp "$work/pad-a.bin" "$work/pad-b.bin"
  rm -f "$work/state-a" "$work/state-b"
  start_end b; start_end a
  wait_tunnel 60 || { fail "the tunnel did not come up again after a reset"; exit 1; }
}

# counter a|b NAME: a statistic of a running end: rx_packets, or replay_drops (a replayed datagram
# counted under any of the reasons that refuse an old sequence: replay, below the restart floor,
# slot already erased). Java ends answer `psk-tunnel show --json`; Python ends write a JSON file.
# Both refresh their numbers every second, hence the wait.
counter() {
  local side=$1 name=$2 ns kind
  [ "$side" = a ] && ns=$A kind=$END_A || ns=$B kind=$END_B
  sleep 1.2
  if [ "$kind" = python ]; then
    cp "$work/stats-$side.json" "$work/show-$side.txt"
  else
    ip netns exec "$ns" "$root/bin/psk-tunnel" show --json --status-file "$work/status-$side.json" \
      >"$work/show-$side.txt" 2>&1 || true
  fi
  "$PY" - "$kind" "$name" "$work/show-$side.txt" <<'PYEOF'
import json, sys
kind, name, path = sys.argv[1:4]
try:
    doc = json.load(open(path))
except ValueError:
    print(-1); sys.exit(0)
if kind == "python":
    value = {"rx_packets": doc.get("rx_packets", 0),
             "replay_drops": doc.get("drops_replay", 0)}[name]
else:
    if isinstance(doc, list):  # show --json: one array, whatever the number of tunnels
        doc = doc[0]
    peer = doc["peers"][0]
    drops = peer.get("drops", {})
    value = {"rx_packets": peer.get("rx_packets", 0),
             "replay_drops": sum(drops.get(k, 0) for k in ("replay", "below_restart_floor", "slot_erased"))}[name]
print(int(value))
PYEOF
}

# --- Topology -----------------------------------------------------------------------------------
log "ends: A=$END_A (initiator)  B=$END_B (responder); work dir $work"
ns_add "$A" "$B"
ipv6_off "$A" "$B"
veth "$A" veth0 "$B" veth1
if_up "$A" veth0 $IP_A/24
if_up "$B" veth1 $IP_B/24
# The ends send runs of equal datagrams as one UDP_SEGMENT message. With the veth's UDP segmentation
# offload on, such a message crosses the veth (and reaches tcpdump) as one large frame; with it off
# the kernel cuts it before the veth, so the captures below see every datagram as it would be on a
# real wire and check each one.
ip netns exec "$A" ethtool -K veth0 tx-udp-segmentation off
ip netns exec "$B" ethtool -K veth1 tx-udp-segmentation off

# A pad of 100,000 slots (12 MB): 99,999 data slots, ~10^8 packets per direction. Each end gets
# its own copy, as on two machines: ends erase consumed slots in their pad.
head -c 12000000 /dev/urandom >"$work/pad-a.bin"
cp "$work/pad-a.bin" "$work/pad-b.bin"
head -c $((64 << 20)) /dev/urandom >"$work/data64"
want64=$(sha256sum "$work/data64" | cut -d' ' -f1)
head -c $((16 << 20)) /dev/urandom >"$work/data16"
want16=$(sha256sum "$work/data16" | cut -d' ' -f1)

start_end b
start_end a
if ! wait_tunnel; then
  fail "the tunnel did not come up within 30 s"
  exit 1
fi
log "tunnel up"

# transfer SIZE_FILE WANT LABEL [TIMEOUT]: TCP from A to B through the tunnel, checks sha256.
transfer() {
  local file=$1 want=$2 label=$3 timeout=${4:-120} port=$((5000 + RANDOM % 1000))
  rm -f "$work/got"
  ip netns exec "$B" timeout $((timeout + 5)) "$PY" "$here/netutil.py" recv $TUN_IP_B $port "$work/got" --timeout "$timeout" &
  local rpid=$!
  sleep 0.3
  if ! ip netns exec "$A" timeout $((timeout + 5)) "$PY" "$here/netutil.py" send $TUN_IP_B $port "$file" --timeout "$timeout"; then
    wait $rpid 2>/dev/null || true
    fail "$label: sender failed"
    return 1
  fi
  wait $rpid 2>/dev/null || true
  local got; got=$(cut -d' ' -f1 "$work/got" 2>/dev/null || echo none)
  if [ "$got" = "$want" ]; then
    pass "$label (sha256 ${want:0:16}…, $(cut -d' ' -f2 "$work/got") bytes)"
  else
    fail "$label: sha256 $got, expected $want"
    return 1
  fi
}

# --- Test that ping works -----------------------------------------------------------------------
if want ping; then
  log "Test that ping works both ways"
  if nsa ping -c 5 -i 0.2 -W 2 -q $TUN_IP_B >"$work/ping.out" 2>&1 && nsb ping -c 5 -i 0.2 -W 2 -q $TUN_IP_A >>"$work/ping.out" 2>&1; then
    pass "ping A->B and B->A ($(grep -o '[0-9.]*/[0-9.]*/[0-9.]*/[0-9.]* ms' "$work/ping.out" | head -1))"
  else
    fail "ping through the tunnel"; cat "$work/ping.out"
  fi
fi

# --- Test that a 64 MiB TCP transfer arrives intact ----------------------------------------------
if want transfer; then
  log "Test that a 64 MiB TCP transfer arrives with the same sha256"
  t0=$SECONDS
  transfer "$work/data64" "$want64" "64 MiB TCP transfer" 120 && log "  took $((SECONDS - t0)) s"
fi

# --- Test that restarting one end mid-stream resumes traffic ------------------------------------
if want restart; then
  log "Test that restarting end B mid-stream resumes the transfer"
  port=$((6000 + RANDOM % 1000))
  rm -f "$work/got"
  ip netns exec "$B" timeout 125 "$PY" "$here/netutil.py" recv $TUN_IP_B $port "$work/got" --timeout 120 &
  rpid=$!
  sleep 0.3
  # Paced (64 MiB at 16 MB/s: at least 4 s) so that 0.7 s in is mid-stream however fast the tunnel is.
  ip netns exec "$A" timeout 125 "$PY" "$here/netutil.py" send $TUN_IP_B $port "$work/data64" --timeout 120 --rate 16 &
  spid=$!
  sleep 0.7
  if ! kill -0 $rpid 2>/dev/null; then
    fail "restart test inconclusive: the transfer ended before end B was stopped"
  fi
  stop b TERM
  if ip -n "$B" link show tsysB >/dev/null 2>&1; then
    fail "after SIGTERM end B's TUN device tsysB still exists"
  else
    pass "SIGTERM stopped end B and removed its TUN device"
  fi
  log "  end B stopped (SIGTERM) mid-stream; restarting"
  start_end b
  if wait $spid && wait $rpid && [ "$(cut -d' ' -f1 "$work/got")" = "$want64" ]; then
    pass "transfer across a restart of B completed with the same sha256"
  else
    fail "transfer across a restart of B"
  fi
fi

# --- Test that kill -9 and restart never repeat a (direction, sequence) on the wire ---------------
if want crash; then
  log "Test that five kill -9 + restart cycles during traffic never repeat a (direction, sequence)"
  ip netns exec "$A" tcpdump -i veth0 -U -B 16384 -s 96 -w "$work/crash.pcap" udp port $PORT >"$work/tcpdump-crash.log" 2>&1 &
  tdpid=$!
  sleep 1
  ip netns exec "$A" ping -f -w 90 -q $TUN_IP_B >/dev/null 2>&1 &
  flood=$!
  ok=1
  for cycle in 1 2 3 4 5; do
    side=$([ $((cycle % 2)) -eq 1 ] && echo a || echo b)
    sleep "0.$((3 + RANDOM % 7))"
    stop $side 9
    announced=$(grep -ac 'restarted after a crash:' "$work/end-$side.log" || true)
    t0=$SECONDS
    start_end $side
    if wait_tunnel 30; then
      log "  cycle $cycle: end ${side^^} killed (-9) and restarted, traffic resumed after $((SECONDS - t0)) s"
      kind=$([ $side = a ] && echo "$END_A" || echo "$END_B")
      now=$(grep -ac 'restarted after a crash:' "$work/end-$side.log" || true)
      if [ "$kind" = java ] && [ "$now" -ne $((announced + 1)) ]; then
        fail "cycle $cycle: the restart of ${side^^} after kill -9 was not logged as one ('restarted after a crash' $announced -> $now)"
        ok=0; break
      fi
    else
      fail "cycle $cycle: traffic did not resume within 30 s after kill -9 of ${side^^} and restart"
      grep -a '^stats' "$work/end-$side.log" | tail -1 | sed 's/^/  last stats of the restarted end: /'
      ok=0; break
    fi
  done
  sleep 1
  kill "$flood" 2>/dev/null || true; wait "$flood" 2>/dev/null || true
  sleep 0.5
  kill -INT "$tdpid" 2>/dev/null || true; wait "$tdpid" 2>/dev/null || true
  grep -h "dropped by kernel" "$work/tcpdump-crash.log" | sed 's/^/  tcpdump: /' || true
  if out=$("$PY" "$here/psk2_pcap.py" unique "$work/crash.pcap" --port $PORT --min 1000 --max-total 1500); then
    pass "no repeated (direction, sequence) on the wire across the kill -9 cycles: $out"
  else
    fail "a (direction, sequence) was repeated on the wire: $out"
  fi
  if [ $ok -eq 0 ]; then
    log "  resetting both ends (fresh pad, no state) so the remaining tests are independent"
    reset_ends
  fi
fi

# --- Test that a captured datagram replayed later is dropped and counted ------------------------
if want replay; then
  log "Test that a captured datagram replayed later is dropped and counted"
  ip netns exec "$B" tcpdump -i veth1 -U -c 20 -w "$work/replay.pcap" udp dst port $PORT >"$work/tcpdump-replay.log" 2>&1 &
  tdpid=$!
  sleep 1
  nsa ping -c 30 -i 0.05 -q $TUN_IP_B >/dev/null 2>&1 || true
  for i in $(seq 1 50); do kill -0 $tdpid 2>/dev/null || break; sleep 0.1; done
  kill -INT $tdpid 2>/dev/null || true; wait $tdpid 2>/dev/null || true
  if "$PY" "$here/psk2_pcap.py" first "$work/replay.pcap" "$work/replayed.bin" --port $PORT --direction 0 >/dev/null; then
    nsa ping -c 20 -i 0.05 -q $TUN_IP_B >/dev/null 2>&1 || true   # move the window on
    before_rep=$(counter b replay_drops) before_rx=$(counter b rx_packets)
    nsa "$PY" "$here/netutil.py" replay $IP_A $PORT $IP_B $PORT "$work/replayed.bin"
    after_rep=$(counter b replay_drops) after_rx=$(counter b rx_packets)
    if [ "$before_rep" -ge 0 ] && [ "$after_rep" -eq $((before_rep + 1)) ] && [ "$after_rx" -eq "$before_rx" ]; then
      pass "replayed datagram dropped and counted (replays $before_rep -> $after_rep, rx packets unchanged at $after_rx)"
    else
      fail "replayed datagram: replays $before_rep -> $after_rep, rx packets $before_rx -> $after_rx"
      cat "$work/show-b.txt" 2>/dev/null || true
    fi
    log "Test that the same datagram is still refused after B restarts (persisted receive floor)"
    stop b TERM
    start_end b
    wait_tunnel || true
    before_rep=$(counter b replay_drops) before_rx=$(counter b rx_packets)
    nsa "$PY" "$here/netutil.py" replay $IP_A $PORT $IP_B $PORT "$work/replayed.bin"
    after_rep=$(counter b replay_drops) after_rx=$(counter b rx_packets)
    if [ "$after_rx" -eq "$before_rx" ] && [ "$after_rx" -ge 0 ] && [ "$after_rep" -eq $((before_rep + 1)) ]; then
      pass "replay after a restart of B refused and counted (rx packets unchanged at $after_rx)"
    else
      fail "replay after restart: replay drops $before_rep -> $after_rep, rx packets $before_rx -> $after_rx"
      cat "$work/show-b.txt" 2>/dev/null || true
    fi
  else
    fail "could not capture a datagram to replay"
  fi
fi

# --- Test that a transfer completes with 5% random loss ------------------------------------------
if want loss; then
  log "Test that a 16 MiB transfer completes with 5% random loss (nftables in B, both directions)"
  nsb nft -f - <<EOF
table inet tsysloss {
  chain in { type filter hook input priority 0; udp dport $PORT numgen random mod 100 < 5 counter drop; }
  chain out { type filter hook output priority 0; udp sport $PORT numgen random mod 100 < 5 counter drop; }
}
EOF
  t0=$SECONDS
  transfer "$work/data16" "$want16" "16 MiB TCP transfer with 5% loss" 150 && log "  took $((SECONDS - t0)) s"
  # `meta random` does not parse with this nft; `numgen random` is the working form.
  dropped=$(nsb nft list table inet tsysloss | sed -n 's/.*counter packets \([0-9]*\).*/\1/p' | awk '{s+=$1} END {print s+0}')
  nsb nft delete table inet tsysloss
  if [ "${dropped:-0}" -ge 10 ]; then log "  nftables dropped $dropped tunnel datagrams"; else fail "the loss rule dropped only ${dropped:-0} datagrams"; fi
fi

# --- Test that the MTU holds: full-size packets pass unfragmented, one byte more is refused ------
if want mtu; then
  log "Test that a full-size ping (-M do -s $((MTU - 28))) passes in one datagram and one byte more is refused"
  ip netns exec "$B" tcpdump -i veth1 -U -w "$work/mtu.pcap" udp or 'ip[6:2] & 0x3fff != 0' >"$work/tcpdump-mtu.log" 2>&1 &
  tdpid=$!
  sleep 1
  if nsa ping -c 3 -i 0.2 -W 2 -M do -s $((MTU - 28)) -q $TUN_IP_B >"$work/mtu.out" 2>&1; then
    pass "full-size ping: $((MTU - 28)) bytes of payload, $MTU-byte packets"
  else
    fail "full-size ping"; cat "$work/mtu.out"
  fi
  if nsa ping -c 1 -W 2 -M do -s $((MTU - 27)) $TUN_IP_B >"$work/mtu2.out" 2>&1; then
    fail "a $((MTU + 1))-byte packet went through a $MTU-byte MTU"
  elif grep -qi "message too long\|mtu" "$work/mtu2.out"; then
    pass "one byte more refused: $(grep -io 'message too long.*' "$work/mtu2.out" | head -1)"
  else
    fail "oversized ping failed for another reason: $(head -2 "$work/mtu2.out")"
  fi
  sleep 0.5
  kill -INT $tdpid 2>/dev/null || true; wait $tdpid 2>/dev/null || true
  sizes=$("$PY" "$here/psk2_pcap.py" sizes "$work/mtu.pcap" --port $PORT)
  largest=$(sed -n 's/.*largest IPv4 datagram: \([0-9]*\).*/\1/p' <<<"$sizes")
  frags=$(sed -n 's/.*fragments: \([0-9]*\).*/\1/p' <<<"$sizes")
  if [ "$largest" -eq $((MTU + 48 + 28)) ] && [ "$frags" -eq 0 ]; then
    pass "outer datagram $largest bytes = $MTU + 48 (PSK2) + 28 (IPv4/UDP), no fragments"
  else
    fail "outer datagrams: $sizes (expected largest $((MTU + 76)), no fragments)"
  fi
fi

stop a TERM
stop b TERM
echo
echo "p2p.sh ($ends): $passes passed, $failures failed in $((SECONDS - t_start)) s"
if [ $failures -ne 0 ]; then
  show_logs
  exit 1
fi
