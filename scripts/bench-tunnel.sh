#!/usr/bin/env bash
# Throughput benchmark: one TCP stream (iperf3) between two network namespaces over
#   1. the raw veth with offloads off (gro/gso/tso: the fair ceiling for one-packet-per-read tunnels),
#   2. wireguard-go (userspace WireGuard; 0.0.20231211 or later, with its TUN and UDP offloads),
#   3. psk-tunnel (bin/psk-tunnel, Java),
# all on the same veth, in one invocation. Prints Mbit/s, TCP retransmits, RTT under load (ping
# during the iperf3 run), idle RTT before the runs (cold) and after them (warm), and each tunnel's
# ratio to wireguard-go.
#
#   ns bench-a                                   ns bench-b
#   iperf3 -c ──► tunnel end A ══ veth 192.168.78.1 ══ 192.168.78.2 ══ tunnel end B ──► iperf3 -s
#   psk-tunnel   10.78.1.1 <-> 10.78.1.2   (udp 51820)
#   wireguard-go 10.78.2.1 <-> 10.78.2.2   (udp 51821)
#
# Usage: scripts/bench-tunnel.sh [--time SECONDS] [--warmup SECONDS] [--tunnel java|python] [--jfr DIR]
#   --time     measured iperf3 run (default 10 s, after a warm-up run that lets the JIT compile)
#   --warmup   warm-up run length (default 6 s)
#   --tunnel   java (bin/psk-tunnel, default) or python (tests/peers/psk2_peer.py, for comparison)
#   --txqueuelen N  set the psk-tunnel TUN devices' txqueuelen (the kernel's per-TUN packet ring,
#              default 500) to study queueing delay under load
#   --jfr      record a Java Flight Recording of each psk-tunnel end into DIR (profile settings)
#   --psk-opt OPTION  pass OPTION to both psk-tunnel ends (repeatable), e.g. --psk-opt --no-tun-offload
# Needs root, iproute2, iperf3, ethtool, wireguard-go, wireguard-tools (wg), iputils-ping, python3.
set -euo pipefail
export LC_ALL=C
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
PY=${PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || PY=$(command -v python3)
T=10 WARM=6 tunnel=java jfr="" txqlen="" extra=()
while [ $# -gt 0 ]; do
  case $1 in
    --time) T=$2; shift 2 ;;
    --warmup) WARM=$2; shift 2 ;;
    --tunnel) tunnel=$2; shift 2 ;;
    --txqueuelen) txqlen=$2; shift 2 ;;
    --jfr) jfr=$(readlink -f "$2"); mkdir -p "$jfr"; shift 2 ;;
    --psk-opt) extra+=("$2"); shift 2 ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "bench-tunnel.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "bench-tunnel.sh: needs root" >&2; exit 2; }
for c in iperf3 ethtool wireguard-go wg ping; do
  command -v $c >/dev/null || { echo "bench-tunnel.sh: '$c' missing: run scripts/install-deps.sh" >&2; exit 2; }
done

# The anchor must be a current wireguard-go: releases before 0.0.20230223 lack its TUN and UDP
# offloads (Debian bookworm ships 0.0.20220316; bookworm-backports 0.0.20231211, see install-deps.sh).
WG_MIN=0.0.20231211
wg_version=$(dpkg-query -W -f='${Version}' wireguard-go 2>/dev/null || wireguard-go --version | awk 'NR == 1 { print $2 }')
wg_version=${wg_version#v} wg_version=${wg_version%%-*}
if ! dpkg --compare-versions "$wg_version" ge "$WG_MIN" 2>/dev/null; then
  echo "bench-tunnel.sh: warning: wireguard-go $wg_version predates $WG_MIN (no TUN/UDP offloads):" \
    "the comparison flatters psk-tunnel; scripts/install-deps.sh installs a current one" >&2
fi

A="tbench-a-$$" B="tbench-b-$$"
WGA="tbwga$$" WGB="tbwgb$$"          # wireguard-go control sockets are global: unique names
WGA=${WGA:0:15} WGB=${WGB:0:15}
work=$(mktemp -d /tmp/tsys-bench.XXXXXX)
pids=()
cleanup() {
  set +e
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do   # a clean stop writes the JFR recording: give it time (bounded)
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
  done
  ip netns pids "$A" 2>/dev/null | xargs -r kill -9 2>/dev/null
  ip netns pids "$B" 2>/dev/null | xargs -r kill -9 2>/dev/null
  ip netns del "$A" 2>/dev/null; ip netns del "$B" 2>/dev/null
  rm -f "/var/run/wireguard/$WGA.sock" "/var/run/wireguard/$WGB.sock"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

ip netns add "$A"; ip netns add "$B"
ip -n "$A" link add veth0 type veth peer name veth1 netns "$B"
for ns in "$A" "$B"; do
  ip -n "$ns" link set lo up
  ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
    net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip -n "$A" addr add 192.168.78.1/24 dev veth0; ip -n "$B" addr add 192.168.78.2/24 dev veth1
ip -n "$A" link set veth0 up; ip -n "$B" link set veth1 up
ip netns exec "$A" ethtool -K veth0 gro off gso off tso off >/dev/null 2>&1
ip netns exec "$B" ethtool -K veth1 gro off gso off tso off >/dev/null 2>&1

# psk-tunnel ends
head -c 120000000 /dev/urandom >"$work/pad.bin"   # 10^6 slots: 10^9 packets per direction
psk_args() { # psk_args a|b
  if [ "$1" = a ]; then
    echo --psk "$work/pad.bin" --local-port 51820 --remote-host 192.168.78.2 --remote-port 51820 --initiator \
         --local-ip 10.78.1.1 --remote-ip 10.78.1.2 --state "$work/state-a" --tun tbpskA --mtu 1420
  else
    echo --psk "$work/pad.bin" --local-port 51820 --remote-host 192.168.78.1 --remote-port 51820 \
         --local-ip 10.78.1.2 --remote-ip 10.78.1.1 --state "$work/state-b" --tun tbpskB --mtu 1420
  fi
}
for side in b a; do
  ns=$([ $side = a ] && echo "$A" || echo "$B")
  # shellcheck disable=SC2046
  if [ "$tunnel" = java ]; then
    [ -z "$jfr" ] || export PSK_JAVA_OPTS="${PSK_JAVA_OPTS:-} -XX:StartFlightRecording=filename=$jfr/psk-$side.jfr,settings=profile"
    ip netns exec "$ns" "$root/bin/psk-tunnel" $(psk_args $side) "${extra[@]}" >"$work/psk-$side.log" 2>&1 &
  else
    ip netns exec "$ns" "$PY" "$root/tests/peers/psk2_peer.py" $(psk_args $side) >"$work/psk-$side.log" 2>&1 &
  fi
  pids+=($!)
done

# wireguard-go ends
umask 077
wg genkey >"$work/wga.key"; wg pubkey <"$work/wga.key" >"$work/wga.pub"
wg genkey >"$work/wgb.key"; wg pubkey <"$work/wgb.key" >"$work/wgb.pub"
wg_end() { # wg_end NS IF KEY PEERPUB LOCALIP PEERIP ENDPOINT
  ip netns exec "$1" env WG_PROCESS_FOREGROUND=1 wireguard-go -f "$2" >"$work/$2.log" 2>&1 &
  pids+=($!)
  local i; for i in $(seq 1 50); do [ -S "/var/run/wireguard/$2.sock" ] && break; sleep 0.1; done
  ip netns exec "$1" wg set "$2" private-key "$3" listen-port 51821 \
    peer "$(cat "$4")" allowed-ips "$6/32" endpoint "$7:51821"
  ip -n "$1" addr add "$5/24" dev "$2"
  ip -n "$1" link set "$2" mtu 1420 up
}
wg_end "$A" "$WGA" "$work/wga.key" "$work/wgb.pub" 10.78.2.1 10.78.2.2 192.168.78.2
wg_end "$B" "$WGB" "$work/wgb.key" "$work/wga.pub" 10.78.2.2 10.78.2.1 192.168.78.1

wait_ping() { local i; for i in $(seq 1 60); do ip netns exec "$A" ping -c1 -W1 -q "$1" >/dev/null 2>&1 && return 0; sleep 0.5; done; return 1; }
wait_ping 10.78.2.2 || { echo "wireguard-go tunnel did not come up" >&2; cat "$work"/*.log >&2; exit 1; }
wait_ping 10.78.1.2 || { echo "psk-tunnel did not come up" >&2; cat "$work"/psk-*.log >&2; exit 1; }
if [ -n "$txqlen" ]; then
  ip -n "$A" link set tbpskA txqueuelen "$txqlen"; ip -n "$B" link set tbpskB txqueuelen "$txqlen"
fi

ip netns exec "$B" iperf3 -s -D -I "$work/iperf3.pid" >/dev/null
pids+=("$(cat "$work/iperf3.pid" 2>/dev/null || true)")
sleep 0.5

# measure LABEL DEST: warm-up, then a measured run with ping alongside; prints one row.
declare -A mbps=() rtx=() rtt=()
measure() { # measure KEY LABEL DEST
  local key=$1 label=$2 dst=$3 idle
  idle=$(ip netns exec "$A" ping -c 5 -i 0.2 -q "$dst" | sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p')
  ip netns exec "$A" iperf3 -c "$dst" -t "$WARM" -J >/dev/null 2>&1 || true
  ip netns exec "$A" ping -i 0.2 -c $((T * 5 - 5)) -q "$dst" >"$work/ping-$key" 2>&1 &
  local ppid=$!
  ip netns exec "$A" iperf3 -c "$dst" -t "$T" -J >"$work/iperf-$key.json"
  wait $ppid || true
  local m r
  read -r m r < <("$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))["end"]
print("%.0f %d" % (d["sum_received"]["bits_per_second"] / 1e6, d["sum_sent"].get("retransmits", 0)))' "$work/iperf-$key.json")
  mbps[$key]=$m rtx[$key]=$r
  rtt[$key]=$(sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p' "$work/ping-$key")
  # Idle again, now warm (JIT-compiled, handshake done): the cold figure includes start-up costs.
  sleep 1
  warm=$(ip netns exec "$A" ping -c 10 -i 0.2 -q "$dst" | sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p')
  printf '%-26s %10s %12s %16s %14s %14s\n' "$label" "$m" "$r" "${rtt[$key]}" "$idle" "$warm"
}

echo "iperf3 one TCP stream, ${T} s after a ${WARM} s warm-up; $(nproc) cores; $(date -u +%FT%TZ);" \
  "load average $(cut -d' ' -f1-3 /proc/loadavg); wireguard-go $wg_version"
printf '%-26s %10s %12s %16s %14s %14s\n' path Mbit/s retransmits "RTT load (ms)" "RTT idle (ms)" "idle warm (ms)"
measure raw "raw veth (offloads off)" 192.168.78.2
measure wg "wireguard-go $wg_version" 10.78.2.2
measure psk "psk-tunnel ($tunnel)" 10.78.1.2
wg_rate=${mbps[wg]} psk=psk
echo
awk -v p="${mbps[$psk]}" -v w="$wg_rate" -v pr="${rtx[$psk]}" -v wr="${rtx[wg]}" \
    -v pl="${rtt[$psk]}" -v wl="${rtt[wg]}" 'BEGIN {
  printf "psk-tunnel / wireguard-go: %.2fx throughput, retransmits %d vs %d, RTT under load %s vs %s ms\n", p / w, pr, wr, pl, wl
  ok = (p >= 3 * w) && (pr < wr) && (pl + 0 < wl + 0)
  printf "target (>= 3x throughput, fewer retransmits, lower RTT under load): %s\n", ok ? "met" : "NOT met"
}'
