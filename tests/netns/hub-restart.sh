#!/usr/bin/env bash
# Hub restart recovery, measured: the hub is killed (kill -9) or stopped (SIGTERM) and started again,
# and each kind of client must carry traffic again within 3 s of the new hub running.
#
#   ns $A  client a: active (pings the hub every 100 ms, and a TCP stream to it)
#   ns $B  client b: idle, PersistentKeepalive 5 (sends nothing itself; the hub pings it)
#   ns $C  client c: receiver only, no keepalive (the hub pings it)
#   ns $H  the hub, 192.168.8{1,2,3}.1 towards each client; tunnel 10.77.0.0/24
#
# Usage: tests/netns/hub-restart.sh [--rounds N] [--keep]
#   --rounds  restarts per mode (kill9, term), default 2
# Prints one RESULT line per restart (seconds from the new hub being ready, i.e. its start line
# printed, to the first packet through for each client; the JVM's own start-up time beside it) and a
# SUMMARY. Exits non-zero when a ping-measured client needs more than 3 s from the hub being ready. Needs root, iproute2,
# iputils-ping, python3, and `mvn -DskipTests package` done (bin/ launchers use target jars).
set -euo pipefail
export LC_ALL=C

rounds=2
keep=0
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"
# Its own parser, not lib.sh's suite_args: this suite has no --only (its rounds are not separate tests).
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "hub-restart.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
need_root "network namespaces, TUN"

H="hrst-h-$$" A="hrst-a-$$" B="hrst-b-$$" C="hrst-c-$$"
PORT=51820 DEADLINE=3.0
suite_init /tmp/hrst.XXXXXX
hub_pid=""
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
now() { date +%s.%N; }

# --- Network -------------------------------------------------------------------------------------
ns_add "$H" "$A" "$B" "$C"
i=1
for ns in "$A" "$B" "$C"; do
  net="192.168.8$i"
  veth "$ns" "hr$$c$i" "$H" "hr$$h$i"
  if_up "$ns" "hr$$c$i" "$net.2/24"
  if_up "$H" "hr$$h$i" "$net.1/24"
  i=$((i + 1))
done

# --- Configuration -------------------------------------------------------------------------------
prov() { "$root/bin/psk-provision" "$@" >/dev/null; }
prov hub init --config "$work/hub.json" --listen-port $PORT --address 10.77.0.1/24 --interface hrsth0
prov hub add-client a --allowed-ips 10.77.0.2/32 --config "$work/hub.json" --endpoint 192.168.81.1:$PORT --out "$work/a.json"
prov hub add-client b --allowed-ips 10.77.0.3/32 --config "$work/hub.json" --endpoint 192.168.82.1:$PORT --out "$work/b.json"
prov hub add-client c --allowed-ips 10.77.0.4/32 --config "$work/hub.json" --endpoint 192.168.83.1:$PORT --out "$work/c.json"
"$PY" - "$work/b.json" <<'EOF'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["PersistentKeepalive"] = 5
json.dump(c, open(p, "w"), indent=2)
EOF
chmod 600 "$work"/*.json

# Started with 'ip netns exec' directly (not through a function): $! is then the hub's JVM itself
# ('ip netns exec' and the launchers exec), so kill -9 hits the JVM.
start_hub() {
  ip netns exec "$H" "$root/bin/psk-tunnel" hub server --config "$work/hub.json" --status-file "$work/hub-status.json" \
    --timestamp-file "$work/hub.timestamps" >>"$work/hub.log" 2>&1 &
  hub_pid=$!
}
start_client() { # NAME NS
  ip netns exec "$2" "$root/bin/psk-tunnel" hub client --config "$work/$1.json" --status-file "$work/$1-status.json" \
    >>"$work/$1.log" 2>&1 &
}
ready_lines() { grep -c "interface hrsth0, 3 clients" "$work/hub.log" || true; }
bound() { in_ns "$H" ss -Huln "sport = :$PORT" | grep -q .; }
reachable() { in_ns "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1; }

log "starting the hub and three clients"
start_hub
start_client a "$A"
start_client b "$B"
start_client c "$C"
for _ in $(seq 1 60); do
  if reachable "$A" 10.77.0.1 && reachable "$H" 10.77.0.3 && reachable "$H" 10.77.0.4; then break; fi
  sleep 1
done
reachable "$A" 10.77.0.1 && reachable "$H" 10.77.0.3 && reachable "$H" 10.77.0.4 \
  || { echo "FAIL: the clients never came up"; tail -n 20 "$work"/*.log; exit 1; }
log "all three clients reach the hub / are reached by it"

# --- Probes: timestamped pings every 100 ms, and a TCP stream a -> hub ------------------------------
ip netns exec "$A" ping -D -i 0.1 -W 1 10.77.0.1 >"$work/ping-a.txt" 2>&1 &
ip netns exec "$H" ping -D -i 0.1 -W 1 10.77.0.3 >"$work/ping-b.txt" 2>&1 &
ip netns exec "$H" ping -D -i 0.1 -W 1 10.77.0.4 >"$work/ping-c.txt" 2>&1 &
ip netns exec "$H" "$PY" -u -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 5001)); s.listen(1)
c, _ = s.accept()
while True:
    d = c.recv(65536)
    if not d: break
    print("%.6f %d" % (time.time(), len(d)))
' >"$work/tcp-rx.txt" 2>&1 &
for _ in $(seq 1 100); do in_ns "$H" ss -Hltn "sport = :5001" | grep -q . && break; sleep 0.1; done
ip netns exec "$A" "$PY" -u -c '
import socket, time
for attempt in range(20):
    try:
        s = socket.create_connection(("10.77.0.1", 5001), timeout=5); break
    except OSError:
        time.sleep(0.5)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
s.settimeout(None)
while True:
    s.sendall(b"x" * 64); time.sleep(0.02)
' >"$work/tcp-tx.txt" 2>&1 &
for _ in $(seq 1 100); do [ -s "$work/tcp-rx.txt" ] && break; sleep 0.1; done
[ -s "$work/tcp-rx.txt" ] || { echo "FAIL: the TCP stream did not start"; cat "$work/tcp-tx.txt"; exit 1; }
sleep 1

# First time in FILE (ping -D "[epoch] 64 bytes" lines, or "epoch len" lines) strictly after T.
first_after() { # FILE T
  "$PY" - "$1" "$2" <<'EOF'
import re, sys
t = float(sys.argv[2])
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"\[(\d+\.\d+)\] \d+ bytes from", line) or re.match(r"(\d+\.\d+) \d+$", line)
    if m and float(m.group(1)) > t:
        print(m.group(1)); break
else:
    print("")
EOF
}
secs() { "$PY" -c "import sys; print('%.2f' % (float(sys.argv[1]) - float(sys.argv[2])))" "$1" "$2"; }
results=()

restart() { # MODE
  local mode=$1 sig t_down t_proc t_bound t_ready f r n0
  case $mode in kill9) sig=KILL ;; term) sig=TERM ;; esac
  { echo "--- before $mode"; cat "$work/hub.timestamps"; } >>"$work/state-history.txt"
  [ "$(ps -o comm= -p "$hub_pid")" = java ] || { echo "FAIL: hub pid $hub_pid is not the JVM"; exit 1; }
  kill -s "$sig" "$hub_pid"
  wait "$hub_pid" 2>/dev/null || true
  if bound; then echo "FAIL: the hub still listens after kill -s $sig"; exit 1; fi
  t_down=$(now)
  sleep 1 # the hub stays down for a second
  n0=$(ready_lines)
  t_proc=$(now)
  start_hub
  for _ in $(seq 1 3000); do bound && break; sleep 0.02; done
  t_bound=$(now)
  # Ready: the hub printed its start line (after hub.start(): device threads, timer, hints).
  for _ in $(seq 1 3000); do [ "$(ready_lines)" -gt "$n0" ] && break; sleep 0.02; done
  t_ready=$(now)
  sleep 10 # long enough for every probe to come back (or not)
  local line="RESULT mode=$mode jvm_to_ready=$(secs "$t_ready" "$t_proc")s bound_to_ready=$(secs "$t_ready" "$t_bound")s"
  for f in a b c tcp; do
    if [ $f = tcp ]; then r=$(first_after "$work/tcp-rx.txt" "$t_ready"); else r=$(first_after "$work/ping-$f.txt" "$t_ready"); fi
    if [ -z "$r" ]; then
      line="$line $f=never"
      [ $f = tcp ] || failures=$((failures + 1))
    else
      line="$line $f=$(secs "$r" "$t_ready")s"
      [ $f = tcp ] || ! awk -v d="$(secs "$r" "$t_ready")" -v m=$DEADLINE 'BEGIN { exit !(d > m) }' || failures=$((failures + 1))
    fi
  done
  line="$line outage=$(secs "$t_ready" "$t_down")s load=$(cut -d' ' -f1 /proc/loadavg)"
  echo "$line"
  results+=("$line")
}

for n in $(seq 1 "$rounds"); do
  for mode in kill9 term; do
    log "round $n: $mode"
    restart "$mode"
  done
done

echo "SUMMARY: a = active client (pings the hub), b = idle client with PersistentKeepalive 5,"
echo "  c = receiver-only client, tcp = a's TCP stream to the hub (reported, not judged); seconds from the new"
echo "  hub being ready (its start line printed) to the first packet through; outage = kill to ready"
printf '  %s\n' "${results[@]}"
grep -h "restarted and lost our session\|told .* client" "$work"/*.log | sort | uniq -c | sed 's/^/  log: /' || true
if [ $failures -gt 0 ]; then
  echo "FAIL: $failures probe(s) took longer than ${DEADLINE}s or never came back"
  for f in "$work"/*.log; do echo "----- $(basename "$f")"; tail -n 15 "$f"; done
  exit 1
fi
echo "PASS: every client carried traffic within ${DEADLINE}s of the restarted hub running"
