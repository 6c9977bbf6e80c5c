#!/usr/bin/env bash
# Throughput through a hub (not a test; needs root): iperf3, one TCP stream, client a -> hub (10.77.0.1)
# and client a -> client b through the hub (10.77.0.3), first with psk-tunnel hub mode, then with
# wireguard-go in the same three namespaces (a hub with two peers). BENCH_SECONDS (10) per run,
# BENCH_RUNS (3) runs each, medians printed. Results: docs/benchmarks.md, section hub.
#
#   pskhA<pid> ── veth 192.168.71.0/24 ── pskhH<pid> (hub) ── veth 192.168.72.0/24 ── pskhB<pid>
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
. scripts/lib/jdk.sh
find_jdk25
secs=${BENCH_SECONDS:-10}
runs=${BENCH_RUNS:-3}
work=$(mktemp -d /tmp/psk-bench-hub-iperf.XXXXXX)
H=pskhH$$ A=pskhA$$ B=pskhB$$
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for ns in $H $A $B; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
hubtun() { bin/_launch tunnel dev.psk.tunnel.cli.hub.HubTunnelCommand "$@"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

setup_net() {
  for ns in $H $A $B; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
  ip link add pskh$$a netns $A type veth peer name pskh$$x netns $H
  ip link add pskh$$b netns $B type veth peer name pskh$$y netns $H
  ip -n $A addr add 192.168.71.2/24 dev pskh$$a; ip -n $A link set pskh$$a up
  ip -n $B addr add 192.168.72.2/24 dev pskh$$b; ip -n $B link set pskh$$b up
  ip -n $H addr add 192.168.71.1/24 dev pskh$$x; ip -n $H link set pskh$$x up
  ip -n $H addr add 192.168.72.1/24 dev pskh$$y; ip -n $H link set pskh$$y up
  ip netns exec $H sysctl -qw net.ipv4.ip_forward=1
}

measure() { # label
  local label=$1 to r out
  for to in 10.77.0.1 10.77.0.3; do
    out=()
    for r in $(seq 1 "$runs"); do
      if [ $to = 10.77.0.1 ]; then ip netns exec $H iperf3 -s -1 -D -p 5201 >/dev/null 2>&1 || true
      else ip netns exec $B iperf3 -s -1 -D -p 5201 >/dev/null 2>&1 || true; fi
      sleep 0.3
      out+=("$(ip netns exec $A iperf3 -c $to -p 5201 --connect-timeout 5000 -t "$secs" -J 2>/dev/null \
        | python3 -c 'import json,sys; print("%.0f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e6))' || echo 0)")
    done
    printf '%-14s a -> %-10s %s Mbit/s (runs: %s)\n' "$label" "$to" "$(printf '%s\n' "${out[@]}" | median)" "${out[*]}"
  done
}

echo "$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); iperf3 one TCP stream, ${secs}s x ${runs}; wireguard-go $(dpkg-query -W -f='${Version}' wireguard-go 2>/dev/null || echo "(not from a package)")"
hubtun --version >/dev/null
setup_net
bin/psk-provision hub init --config "$work/hub.json" --listen-port 51820 --address 10.77.0.1/24 --interface pskh$$t >/dev/null
bin/psk-provision hub add-client a --allowed-ips 10.77.0.2/32 --config "$work/hub.json" --endpoint 192.168.71.1:51820 >/dev/null
bin/psk-provision hub add-client b --allowed-ips 10.77.0.3/32 --config "$work/hub.json" --endpoint 192.168.72.1:51820 >/dev/null
sed -i "s/\"pskc0\"/\"pskh$$t\"/" "$work/a.json" "$work/b.json"
ip netns exec $H bash -c "cd '$root'; bin/_launch tunnel dev.psk.tunnel.cli.hub.HubTunnelCommand server --config '$work/hub.json'" >"$work/h.log" 2>&1 & pids+=($!)
ip netns exec $A bash -c "cd '$root'; bin/_launch tunnel dev.psk.tunnel.cli.hub.HubTunnelCommand client --config '$work/a.json'" >"$work/a.log" 2>&1 & pids+=($!)
ip netns exec $B bash -c "cd '$root'; bin/_launch tunnel dev.psk.tunnel.cli.hub.HubTunnelCommand client --config '$work/b.json'" >"$work/b.log" 2>&1 & pids+=($!)
for ns in $A $B; do for _ in $(seq 1 120); do ip netns exec $ns ping -c1 -W1 10.77.0.1 >/dev/null 2>&1 && break; sleep 0.5; done; done
measure "psk-tunnel hub"
for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
wait 2>/dev/null || true
pids=()
sleep 1

# wireguard-go: the same topology, the hub a WireGuard interface with two peers.
umask 077
for n in h a b; do wg genkey > "$work/$n.key"; wg pubkey < "$work/$n.key" > "$work/$n.pub"; done
# In the foreground (-f) so that cleanup can stop exactly these processes.
ip netns exec $H wireguard-go -f pskh$$wh >/dev/null 2>&1 & pids+=($!)
ip netns exec $A wireguard-go -f pskh$$wa >/dev/null 2>&1 & pids+=($!)
ip netns exec $B wireguard-go -f pskh$$wb >/dev/null 2>&1 & pids+=($!)
for _ in $(seq 1 50); do [ -S /var/run/wireguard/pskh$$wb.sock ] && break; sleep 0.1; done
ip netns exec $H wg set pskh$$wh listen-port 51821 private-key "$work/h.key" \
  peer "$(cat "$work/a.pub")" allowed-ips 10.78.0.2/32 peer "$(cat "$work/b.pub")" allowed-ips 10.78.0.3/32
ip netns exec $A wg set pskh$$wa private-key "$work/a.key" peer "$(cat "$work/h.pub")" allowed-ips 10.78.0.0/24 endpoint 192.168.71.1:51821
ip netns exec $B wg set pskh$$wb private-key "$work/b.key" peer "$(cat "$work/h.pub")" allowed-ips 10.78.0.0/24 endpoint 192.168.72.1:51821
ip -n $H addr add 10.78.0.1/24 dev pskh$$wh; ip -n $H link set pskh$$wh mtu 1420 up
ip -n $A addr add 10.78.0.2/24 dev pskh$$wa; ip -n $A link set pskh$$wa mtu 1420 up
ip -n $B addr add 10.78.0.3/24 dev pskh$$wb; ip -n $B link set pskh$$wb mtu 1420 up
ip netns exec $A ping -c1 -W2 10.78.0.1 >/dev/null 2>&1 || true
ip netns exec $B ping -c1 -W2 10.78.0.1 >/dev/null 2>&1 || true
measure_wg() {
  local to r out
  for to in 10.78.0.1 10.78.0.3; do
    out=()
    for r in $(seq 1 "$runs"); do
      if [ $to = 10.78.0.1 ]; then ip netns exec $H iperf3 -s -1 -D -p 5202 >/dev/null 2>&1 || true
      else ip netns exec $B iperf3 -s -1 -D -p 5202 >/dev/null 2>&1 || true; fi
      sleep 0.3
      out+=("$(ip netns exec $A iperf3 -c $to -p 5202 --connect-timeout 5000 -t "$secs" -J 2>/dev/null \
        | python3 -c 'import json,sys; print("%.0f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e6))' || echo 0)")
    done
    printf '%-14s a -> %-10s %s Mbit/s (runs: %s)\n' "wireguard-go" "$to" "$(printf '%s\n' "${out[@]}" | median)" "${out[*]}"
  done
}
measure_wg
