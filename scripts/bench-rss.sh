#!/usr/bin/env bash
# Footprint benchmark (not a test): resident memory of both psk-tunnel ends at the end of an iperf3
# run through two network namespaces, one row per JVM setting, with the throughput of that run,
# so a memory lever that costs speed shows on the same line. The namespaces, the veth and the
# iperf3 client/server are set up as in scripts/bench-tunnel.sh (offloads off, MTU 1420), without
# wireguard-go.
#
#   ns rssb-a-PID: iperf3 -c -> psk-tunnel 10.79.1.1 == veth 192.168.79.1/.2 == psk-tunnel 10.79.1.2 (ns rssb-b-PID)
#
# For each setting both ends are started afresh (same pad, state carried over), a warm-up run lets
# the JIT compile, then the measured run; right after it ends VmRSS and VmHWM (peak) are read from
# /proc/PID/status of each JVM (the java process itself: the launcher execs it), split into
# RssAnon (heap, metaspace, code, malloc) and RssFile (libjvm, the CDS/AOT archive, jars), with its thread
# count. The load average is printed with every row: on a shared machine throughput moves with it.
#
# Usage: scripts/bench-rss.sh [--time S] [--warmup S] [--config 'LABEL: WORDS']...
#   --time    measured iperf3 run (default 60 s)        --warmup  warm-up run (default 5 s)
#   --config  a setting to measure (repeatable; default: "defaults" = the launcher with no options,
#             and "units" = what deploy/systemd/psk-tunnel@.service sets). WORDS of the form
#             NAME=VALUE (upper-case NAME) become environment variables of the JVM (e.g.
#             MALLOC_ARENA_MAX=2), the rest become PSK_JAVA_OPTS; "units" may start WORDS to extend
#             the unit's setting, e.g. --config 'c1: units -XX:TieredStopAtLevel=1'.
#   --nmt DIR also run with -XX:NativeMemoryTracking=summary and write end A's `jcmd PID
#             VM.native_memory summary` at the end of the run to DIR/LABEL.txt (where the RSS goes;
#             tracking itself costs a few MiB, so these rows are not the figures to quote).
# Needs root, iproute2, iperf3, ethtool, python3, the built tunnel jars (mvn -DskipTests package).
set -euo pipefail
export LC_ALL=C
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
unit="$root/deploy/systemd/psk-tunnel@.service"
T=60 WARM=5 configs=() nmt=""
while [ $# -gt 0 ]; do
  case $1 in
    --time) T=$2; shift 2 ;;
    --warmup) WARM=$2; shift 2 ;;
    --config) configs+=("$2"); shift 2 ;;
    --nmt) nmt=$(readlink -f "$2"); mkdir -p "$nmt"; shift 2 ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "bench-rss.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "bench-rss.sh: needs root" >&2; exit 2; }
for c in iperf3 ethtool ping python3; do
  command -v $c >/dev/null || { echo "bench-rss.sh: '$c' missing: run scripts/install-deps.sh" >&2; exit 2; }
done
# The unit's environment for the JVM: PSK_JAVA_OPTS and MALLOC_ARENA_MAX, as systemd would set them.
unit_words=$(sed -n 's/^Environment="\{0,1\}\(PSK_JAVA_OPTS\|MALLOC_ARENA_MAX\)=\([^"]*\)"\{0,1\}$/\1 \2/p' "$unit" |
  awk '$1 == "PSK_JAVA_OPTS" { $1 = ""; printf "%s ", $0 } $1 == "MALLOC_ARENA_MAX" { printf "MALLOC_ARENA_MAX=%s ", $2 }')
[ ${#configs[@]} -gt 0 ] || configs=("defaults:" "units: units")

A="rssb-a-$$" B="rssb-b-$$"
work=$(mktemp -d /tmp/psk-bench-rss.XXXXXX)
pids=()
stop_ends() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  pids=()
}
cleanup() {
  set +e
  stop_ends
  [ -f "$work/iperf3.pid" ] && kill "$(cat "$work/iperf3.pid")" 2>/dev/null
  ip netns pids "$A" 2>/dev/null | xargs -r kill -9 2>/dev/null
  ip netns pids "$B" 2>/dev/null | xargs -r kill -9 2>/dev/null
  ip netns del "$A" 2>/dev/null; ip netns del "$B" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

ip netns add "$A"; ip netns add "$B"
ip -n "$A" link add veth0 type veth peer name veth1 netns "$B"
for ns in "$A" "$B"; do
  ip -n "$ns" link set lo up
  ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
done
ip -n "$A" addr add 192.168.79.1/24 dev veth0; ip -n "$B" addr add 192.168.79.2/24 dev veth1
ip -n "$A" link set veth0 up; ip -n "$B" link set veth1 up
ip netns exec "$A" ethtool -K veth0 gro off gso off tso off >/dev/null 2>&1 || true
ip netns exec "$B" ethtool -K veth1 gro off gso off tso off >/dev/null 2>&1 || true
head -c 120000000 /dev/urandom >"$work/pad.bin"
ip netns exec "$B" iperf3 -s -D -I "$work/iperf3.pid" >/dev/null

start_end() { # start_end a|b ENV-ASSIGNMENTS... -- JAVA-OPTS
  local side=$1 ns envs=() opts; shift
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift; opts="$*"
  if [ "$side" = a ]; then
    ns=$A
    set -- --local-ip 10.79.1.1 --remote-ip 10.79.1.2 --remote-host 192.168.79.2 --initiator --tun rssA
  else
    ns=$B
    set -- --local-ip 10.79.1.2 --remote-ip 10.79.1.1 --remote-host 192.168.79.1 --tun rssB
  fi
  ip netns exec "$ns" env "${envs[@]}" PSK_JAVA_OPTS="$opts" "$root/bin/psk-tunnel" "$@" \
    --psk "$work/pad.bin" --local-port 51830 --remote-port 51830 --state "$work/state-$side" \
    --mtu 1420 >>"$work/psk-$side.log" 2>&1 &
  pids+=($!)
}
status_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

echo "psk-tunnel footprint: iperf3 one TCP stream, ${T} s after a ${WARM} s warm-up; $(nproc) cores;" \
  "$(date -u +%FT%TZ); $(uname -r); load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-16s %8s %6s %13s %13s %13s %13s %7s %13s  %s\n' setting Mbit/s retr "RSS A/B" "anon A/B" \
  "file A/B" "peak A/B" threads "load" "PSK_JAVA_OPTS (+ env)  [MiB; load: 1-min average at start/end]"
for cfg in "${configs[@]}"; do
  label=${cfg%%:*} words=${cfg#*:} envs=() opts=""
  for w in $words; do
    case $w in
      units) opts="$opts $unit_words" ;;
      *) opts="$opts $w" ;;
    esac
  done
  words=$opts opts=""
  for w in $words; do
    if [[ $w =~ ^[A-Z_][A-Z0-9_]*= ]]; then envs+=("$w"); else opts="${opts:+$opts }$w"; fi
  done
  [ -z "$nmt" ] || opts="$opts -XX:NativeMemoryTracking=summary"
  load0=$(cut -d' ' -f1 /proc/loadavg)
  start_end b "${envs[@]}" -- "$opts"; start_end a "${envs[@]}" -- "$opts"
  up=0
  for _ in $(seq 1 120); do
    ip netns exec "$A" ping -c1 -W1 -q 10.79.1.2 >/dev/null 2>&1 && { up=1; break; }
    sleep 0.5
  done
  [ $up = 1 ] || { echo "$label: tunnel did not come up" >&2; tail -5 "$work"/psk-*.log >&2; stop_ends; continue; }
  for p in "${pids[@]}"; do   # the launcher execs java: the pid becomes the JVM's
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = java ] || { echo "$label: pid $p is not java" >&2; exit 1; }
  done
  ip netns exec "$A" iperf3 -c 10.79.1.2 -t "$WARM" >/dev/null 2>&1 || true
  ip netns exec "$A" iperf3 -c 10.79.1.2 -t "$T" -J >"$work/iperf.json" || true
  rss=() anon=() file=() hwm=() thr=()
  for p in "${pids[@]}"; do
    rss+=("$(mib "$(status_kib "$p" VmRSS)")") hwm+=("$(mib "$(status_kib "$p" VmHWM)")")
    anon+=("$(mib "$(status_kib "$p" RssAnon)")") file+=("$(mib "$(status_kib "$p" RssFile)")")
    thr+=("$(status_kib "$p" Threads)")
  done
  load1=$(cut -d' ' -f1 /proc/loadavg)
  if [ -n "$nmt" ]; then
    "$(dirname "$(readlink -f "/proc/${pids[1]}/exe")")/jcmd" "${pids[1]}" VM.native_memory summary \
      >"$nmt/$label.txt" 2>&1 || true
  fi
  read -r m r < <(python3 -c '
import json, sys
try:
    d = json.load(open(sys.argv[1]))["end"]
    print("%.0f %d" % (d["sum_received"]["bits_per_second"] / 1e6, d["sum_sent"].get("retransmits", 0)))
except Exception:
    print("- -")' "$work/iperf.json")
  # pids[0] is end b (started first), pids[1] end a
  printf '%-16s %8s %6s %13s %13s %13s %13s %7s %13s  %s\n' "$label" "$m" "$r" "${rss[1]}/${rss[0]}" \
    "${anon[1]}/${anon[0]}" "${file[1]}/${file[0]}" "${hwm[1]}/${hwm[0]}" "${thr[1]}/${thr[0]}" \
    "$load0/$load1" "${opts:-(none)}${envs[*]:+ + ${envs[*]}}"
  stop_ends
done
