#!/usr/bin/env bash
# Demo step: hub mode. Enrol two clients, then (as root) run the hub and both clients in three
# network namespaces, ping through the hub, revoke one client live and watch its traffic stop.
#
#   pskhA<pid> 10.77.0.2 ── veth 192.168.71.0/24 ── pskhH<pid> hub 10.77.0.1 ── veth 192.168.72.0/24 ── pskhB<pid> 10.77.0.3
set -euo pipefail
cd "$PSK_ROOT"
d="$PSK_DEMO_WORK/hub"
mkdir -p "$d"
echo "== Hub mode: a hub key pair, two clients (keys and PSKs generated, files 0600)"
bin/psk-provision hub init --config "$d/hub.json" --listen-port 51820 --address 10.77.0.1/24 --interface pskh$$t
bin/psk-provision hub add-client alice --allowed-ips 10.77.0.2/32 --config "$d/hub.json" --endpoint 192.168.71.1:51820
bin/psk-provision hub add-client bob --allowed-ips 10.77.0.3/32 --config "$d/hub.json" --endpoint 192.168.72.1:51820
sed -i "s/\"pskc0\"/\"pskh$$t\"/" "$d/alice.json" "$d/bob.json"
sed -i 's/"ListenPort"/"MetricsPort" : 9587, "ListenPort"/' "$d/hub.json"
bin/psk-provision hub list --config "$d/hub.json"
if [ "$(id -u)" != 0 ]; then
  echo "(not root: skipping the live part, which needs namespaces and TUN devices)"
  exit 0
fi
bin/psk-tunnel --version >/dev/null   # builds the jars once, before three processes start at the same time
H=pskhH$$ A=pskhA$$ B=pskhB$$
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # anything still running in the namespaces (nothing should be) goes before they do
  for ns in $H $A $B; do ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true; done
  for ns in $H $A $B; do ip netns del "$ns" 2>/dev/null || true; done
}
trap cleanup EXIT
for ns in $H $A $B; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip netns exec $H sysctl -qw net.ipv4.ip_forward=1   # client-to-client packets are routed by the hub's kernel
ip link add pskh$$a netns $A type veth peer name pskh$$x netns $H
ip link add pskh$$b netns $B type veth peer name pskh$$y netns $H
ip -n $A addr add 192.168.71.2/24 dev pskh$$a; ip -n $A link set pskh$$a up
ip -n $B addr add 192.168.72.2/24 dev pskh$$b; ip -n $B link set pskh$$b up
ip -n $H addr add 192.168.71.1/24 dev pskh$$x; ip -n $H link set pskh$$x up
ip -n $H addr add 192.168.72.1/24 dev pskh$$y; ip -n $H link set pskh$$y up
# ip netns exec and the launchers exec: each pid below is the JVM itself, so cleanup stops it
ip netns exec $H bin/psk-tunnel hub server --config "$d/hub.json" > "$d/hub.log" 2>&1 & pids+=($!)
ip netns exec $A bin/psk-tunnel hub client --config "$d/alice.json" > "$d/alice.log" 2>&1 & pids+=($!)
ip netns exec $B bin/psk-tunnel hub client --config "$d/bob.json" > "$d/bob.log" 2>&1 & pids+=($!)
for _ in $(seq 1 120); do ip netns exec $A ping -c1 -W1 10.77.0.1 >/dev/null 2>&1 && break; sleep 0.5; done || true
ip netns exec $A ping -c1 -W2 10.77.0.1 >/dev/null 2>&1 || { echo "alice cannot reach the hub; logs:"; for f in "$d"/*.log; do echo "-- $f"; tail -n 5 "$f"; done; exit 1; }
echo "== alice -> hub, alice -> bob (through the hub)"
ip netns exec $A ping -c 2 -W 2 10.77.0.1 | tail -1
for _ in $(seq 1 60); do ip netns exec $B ping -c1 -W1 10.77.0.1 >/dev/null 2>&1 && break; sleep 0.5; done
ip netns exec $A ping -c 2 -W 2 10.77.0.3 | tail -1
echo "== revoke bob (the hub reloads on the file change), then bob's traffic stops and alice's goes on"
bin/psk-provision hub revoke bob --config "$d/hub.json"
sleep 1
ip netns exec $B ping -c 2 -W 1 10.77.0.1 >/dev/null 2>&1 && echo "bob still reaches the hub: UNEXPECTED" && exit 1
echo "bob: no reply (revoked)"
ip netns exec $A ping -c 1 -W 2 10.77.0.1 | tail -1
echo "== hub metrics (127.0.0.1 inside the hub's namespace)"
ip netns exec $H curl -s http://127.0.0.1:9587/metrics \
    | grep -E '^(psk_hub_sessions\{|psk_hub_handshakes_total\{.*reason="none"|psk_hub_config_reloads_total\{.*result="applied"|psk_tunnel_peer_latest_handshake_seconds\{)'
