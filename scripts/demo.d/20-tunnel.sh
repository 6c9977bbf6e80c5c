#!/usr/bin/env bash
# Demo step: a PSK2 tunnel between two network namespaces, a kill -9 and restart, a clean stop.
#
#   ns A (initiator)                      ns B (responder)
#   tun 10.77.0.1  <-- PSK2 over UDP -->  tun 10.77.0.2
#   veth 192.168.77.1 <--------------->   veth 192.168.77.2
set -euo pipefail
cd "$PSK_ROOT"
if [ "$(id -u)" != 0 ]; then
  echo "== tunnel demo skipped: needs root (TUN devices and namespaces)"
  exit 0
fi
s="pskd$$"
work="$PSK_DEMO_WORK/tunnel"
mkdir -p "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  ip netns del "${s}a" 2>/dev/null || true
  ip netns del "${s}b" 2>/dev/null || true
}
trap cleanup EXIT

echo "== Tunnel: two namespaces joined by a veth, one psk-tunnel end in each"
if [ -f "$PSK_DEMO_WORK/pad.bin" ]; then
  cp "$PSK_DEMO_WORK/pad.bin" "$work/pad-a.bin"
else
  head -c $((120 * 100000)) /dev/urandom > "$work/pad-a.bin"
fi
cp "$work/pad-a.bin" "$work/pad-b.bin"   # each end erases its own copy as it consumes it
ip netns add "${s}a"; ip netns add "${s}b"
ip link add "${s}va" type veth peer name "${s}vb"
ip link set "${s}va" netns "${s}a"; ip link set "${s}vb" netns "${s}b"
ip -n "${s}a" addr add 192.168.77.1/24 dev "${s}va"; ip -n "${s}a" link set "${s}va" up
ip -n "${s}b" addr add 192.168.77.2/24 dev "${s}vb"; ip -n "${s}b" link set "${s}vb" up

start() { # end: a|b
  local end=$1 args
  if [ "$end" = a ]; then
    args=(--initiator --remote-host 192.168.77.2 --local-ip 10.77.0.1 --remote-ip 10.77.0.2)
  else
    args=(--remote-host 192.168.77.1 --local-ip 10.77.0.2 --remote-ip 10.77.0.1)
  fi
  ip netns exec "${s}$end" bin/psk-tunnel --psk "$work/pad-$end.bin" "${args[@]}" --tun "${s}t" \
      --state "$work/state-$end.json" --status-file "$work/status-$end.json" --stats-interval 5s \
      >> "$work/$end.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 150); do [ -f "$work/status-$end.json" ] && return 0; sleep 0.1; done
  echo "psk-tunnel ($end) did not start:"; cat "$work/$end.log"; return 1
}
start b; start a
pid_a=${pids[1]}
head -9 "$work/a.log"
echo "-- ping through the tunnel"
ip netns exec "${s}a" ping -c 3 -i 0.2 10.77.0.2 | tail -2
bin/psk-tunnel show --status-file "$work/status-a.json"

echo "-- kill -9 the initiator, restart it from its state file"
grep -E '"tx_reserved_until"' "$work/state-a.json"
kill -KILL "$pid_a"; wait "$pid_a" 2>/dev/null || true
rm -f "$work/status-a.json"
ip netns exec "${s}a" ip link del "${s}t" 2>/dev/null || true
start a
grep -E 'next tx seq' "$work/a.log" | tail -1
echo "   (the restarted end resumes above its reservation; it drops the peer's next few packets,"
echo "    those below its persisted floor, so nothing it accepted before the crash can be replayed)"
ip netns exec "${s}a" ping -c 15 -i 0.2 10.77.0.2 | tail -2 || true
bin/psk-tunnel show --status-file "$work/status-a.json" | grep -E "drops|packets"

echo "-- clean stop (SIGTERM): exact state saved, TUN devices removed"
cleanup
pids=()
tail -1 "$work/a.log"
cat "$work/state-a.json"
