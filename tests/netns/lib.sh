# Shared scaffolding for the netns suites (attacker.sh, handshake.sh, p2p.sh, faults.sh,
# hub-restart.sh): sourced, not run.
#
# The sourcing script sets `set -euo pipefail`, its defaults (`only`, `keep`), then sources this
# file, calls suite_args and need_root, names its namespaces (unique per run: suffix $$), its
# addresses (IP_A, IP_B, TUN_IP_A, TUN_IP_B) and TUN_PREFIX, and calls suite_init. Everything the
# suite starts in the background goes into pid[NAME]; every namespace it creates through ns_add is
# removed by the EXIT trap, which also runs on SIGTERM/SIGINT (exit 143), so no path leaves a
# namespace, process or (without --keep) work directory behind.
#
# Variables read here: A B (the ends' namespaces), IP_A IP_B TUN_IP_A TUN_IP_B PORT, TUN_PREFIX (the
# ends' TUN names are TUN_PREFIX + A|B), LOG_TAIL (lines of each end's log shown after a FAIL),
# LOG_GLOBS (which files of the work directory show_logs shows; default the ends' logs).
# Variables set here: root, PY, SUITE, MODULE, only, keep, work, pid, passes, failures, t_start.
# shellcheck shell=bash disable=SC2034  # the variables set here are the sourcing script's to use

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
SUITE=$(basename "$(readlink -f "$0")")
PY=${PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || PY=$(command -v python3)
MODULE=/usr/lib/softhsm/libsofthsm2.so
LOG_TAIL=${LOG_TAIL:-12}
LOG_GLOBS=('end-*.log')
declare -A pid=()
NETNS=()
END_ENV=()

# suite_args LAST_HELP_LINE "$@": parses --only a,b (into $only), --keep (keep=1) and --help (prints
# the script's header comment, lines 2..LAST_HELP_LINE). A suite with options of its own that take
# one value defines suite_opt, called with the remaining arguments (NAME VALUE …): it stores VALUE
# and succeeds when it knows NAME. Anything else exits 2.
suite_args() {
  local last=$1; shift
  while [ $# -gt 0 ]; do
    case $1 in
      --only) only=${2//,/ }; shift 2 ;;
      --keep) keep=1; shift ;;
      -h|--help) sed -n "2,${last}p" "$0"; exit 0 ;;
      *)
        if declare -F suite_opt >/dev/null && suite_opt "$@"; then
          shift 2
        else
          echo "$SUITE: unknown argument '$1' (see --help)" >&2; exit 2
        fi ;;
    esac
  done
}

# need_root WHY: exits 2 unless run as root; WHY names what needs it.
need_root() {
  [ "$(id -u)" -eq 0 ] || { echo "$SUITE: needs root ($1)" >&2; exit 2; }
}

# suite_init TEMPLATE: the work directory (mktemp -d TEMPLATE), the counters, and the cleanup traps.
# Not in a subshell: it sets the caller's variables.
suite_init() {
  work=$(mktemp -d "$1")
  failures=0 passes=0 t_start=$SECONDS
  trap cleanup EXIT
  trap 'exit 143' TERM INT
}

# cleanup: the EXIT trap. Kills everything in pid[] and every remaining job, then every process in
# the suite's namespaces, deletes them, and removes the work directory unless --keep.
cleanup() {
  set +e
  local k ns
  for k in "${!pid[@]}"; do kill -9 "${pid[$k]}" 2>/dev/null; done
  jobs -p | xargs -r kill -9 2>/dev/null
  wait 2>/dev/null
  for ns in "${NETNS[@]}"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
    ip netns del "$ns" 2>/dev/null
  done
  if [ "$keep" -eq 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}

# --- Output ---------------------------------------------------------------------------------------
# Lines are "[SECONDS] TEXT", seconds since suite_init; the Java tests look for "PASS: …", "FAIL:"
# and the closing "N passed, M failed".
log() { printf '[%4ds] %s\n' $((SECONDS - t_start)) "$*"; }
pass() { passes=$((passes + 1)); printf '[%4ds] PASS: %s\n' $((SECONDS - t_start)) "$*"; }
fail() { failures=$((failures + 1)); printf '[%4ds] FAIL: %s\n' $((SECONDS - t_start)) "$*"; show_logs; }
# want TEST: whether TEST is among those selected by --only.
want() { [[ " $only " == *" $1 "* ]]; }

# show_logs: the last LOG_TAIL lines of each file LOG_GLOBS names in the work directory (after a
# failure).
show_logs() {
  local f g
  for g in "${LOG_GLOBS[@]}"; do
    # shellcheck disable=SC2231  # $g is a glob, expanded here on purpose
    for f in "$work"/$g; do
      [ -f "$f" ] || continue
      echo "----- $(basename "$f") (last $LOG_TAIL lines)"
      tail -n "$LOG_TAIL" "$f"
    done
  done
}

# --- Namespaces and links -------------------------------------------------------------------------
# ns_add NS…: creates each namespace with lo up and reverse-path filtering off, and registers it
# for cleanup.
ns_add() {
  local ns
  for ns in "$@"; do
    NETNS+=("$ns")
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
  done
}

# ipv6_off NS…: IPv6 disabled in each namespace (no router solicitations or DAD on the links).
ipv6_off() {
  local ns
  for ns in "$@"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  done
}

# veth NS1 IF1 NS2 IF2: a veth pair, IF1 in NS1 and IF2 in NS2 (both left down).
veth() { ip -n "$1" link add "$2" type veth peer name "$4" netns "$3"; }

# if_up NS IF ADDR/LEN…: gives the interface its addresses, then brings it up.
if_up() {
  local ns=$1 dev=$2 a; shift 2
  for a in "$@"; do ip -n "$ns" addr add "$a" dev "$dev"; done
  ip -n "$ns" link set "$dev" up
}

nsa() { ip netns exec "$A" "$@"; }
nsb() { ip netns exec "$B" "$@"; }

# --- The two tunnel ends --------------------------------------------------------------------------
# start_end a|b [extra psk-tunnel args…]: runs bin/psk-tunnel for that end in its namespace in the
# background (pid[SIDE]; log end-SIDE.log, fresh; status file status-SIDE.json); a is the initiator.
# It sends to the other end (IP_B, IP_A) unless REMOTE_HOST_A / REMOTE_HOST_B names another host
# for that side (a relay between the ends).
# The pad is $PAD_A / $PAD_B for that side if set, else $PAD_BOTH if set, else $work/pad.bin.
# Starts from a fresh state file unless KEEP_STATE is set (a restart after a crash). END_ENV holds
# extra VAR=value words for the end's environment (SOFTHSM2_CONF is always the suite's).
start_end() {
  local side=$1; shift
  local ns local_ip remote_ip remote_host role=() pad_var="PAD_${side^^}" pad
  pad=${!pad_var:-${PAD_BOTH:-$work/pad.bin}}
  if [ "$side" = a ]; then
    ns=$A local_ip=$TUN_IP_A remote_ip=$TUN_IP_B remote_host=${REMOTE_HOST_A:-$IP_B} role=(--initiator)
  else
    ns=$B local_ip=$TUN_IP_B remote_ip=$TUN_IP_A remote_host=${REMOTE_HOST_B:-$IP_A}
  fi
  [ -n "${KEEP_STATE:-}" ] || rm -f "$work/state-$side"
  ip netns exec "$ns" env "${END_ENV[@]}" SOFTHSM2_CONF="$work/softhsm2.conf" "$root/bin/psk-tunnel" --psk "$pad" \
    --local-port "$PORT" --remote-host "$remote_host" --remote-port "$PORT" "${role[@]}" --local-ip "$local_ip" \
    --remote-ip "$remote_ip" --state "$work/state-$side" --tun "$TUN_PREFIX${side^^}" --stats-interval 0 \
    --status-file "$work/status-$side.json" \
    "$@" >"$work/end-$side.log" 2>&1 &
  pid[$side]=$!
}

# stop NAME [SIGNAL]: sends SIGNAL (default TERM) to pid[NAME], waits until it is gone (at most
# 10 s, then SIGKILL), reaps it and forgets it. Nothing to do if NAME is not running.
stop() {
  local name=$1 sig=${2:-TERM} p=${pid[$1]:-} i
  [ -n "$p" ] || return 0
  kill -"$sig" "$p" 2>/dev/null || true
  for i in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  unset "pid[$name]"
}
stop_both() { stop a; stop b; }

# wait_log SIDE REGEX [SECONDS]: until end SIDE's log matches REGEX (polled every 0.25 s; at most
# SECONDS, default 60).
wait_log() {
  local i
  for i in $(seq 1 $((${3:-60} * 4))); do
    grep -Eq -- "$2" "$work/end-$1.log" 2>/dev/null && return 0
    sleep 0.25
  done
  return 1
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# wait_log_ms SIDE REGEX MAX_MS: polls every 20 ms; prints the milliseconds waited, fails when the
# line is still missing after MAX_MS. On a loaded machine one poll (grep, date) can take hundreds of
# ms, so the printed figure is an upper bound; HandshakeDeviceTest measures the same in-process.
wait_log_ms() {
  local t0 t; t0=$(now_ms)
  while true; do
    grep -Eq -- "$2" "$work/end-$1.log" 2>/dev/null && { echo $(( $(now_ms) - t0 )); return 0; }
    t=$(( $(now_ms) - t0 )); [ $t -gt "$3" ] && { echo $t; return 1; }
    sleep 0.02
  done
}

# ping_ok: one ping from A to B's tunnel address is answered (within 1 s).
ping_ok() { nsa ping -c 1 -W 1 -q "$TUN_IP_B" >/dev/null 2>&1; }
# wait_ping [TRIES]: until ping_ok, at most TRIES pings (default 30) 0.5 s apart.
# shellcheck disable=SC2120  # TRIES is optional
wait_ping() {
  local i
  for i in $(seq 1 "${1:-30}"); do ping_ok && return 0; sleep 0.5; done
  return 1
}

# --- SoftHSM2 identities --------------------------------------------------------------------------
# tokens_init: a SoftHSM2 token directory in the work directory (exported SOFTHSM2_CONF) and the
# user PIN file the ends' pkcs11: URIs read.
tokens_init() {
  mkdir -p "$work/tokens"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$work/tokens" >"$work/softhsm2.conf"
  export SOFTHSM2_CONF="$work/softhsm2.conf"
  printf '4321\n' >"$work/pin"
  chmod 600 "$work/pin"
}

p11() { pkcs11-tool --module $MODULE "$@"; }

# make_key TOKEN: (re)generates the P-256 key labelled "identity" and writes TOKEN.pem and TOKEN.id.
make_key() {
  local t=$1
  p11 --token-label "$t" --login --pin 4321 --delete-object --type privkey --label identity >/dev/null 2>&1 || true
  p11 --token-label "$t" --login --pin 4321 --delete-object --type pubkey --label identity >/dev/null 2>&1 || true
  p11 --token-label "$t" --login --pin 4321 --keypairgen --key-type EC:prime256v1 --label identity --id 01 >/dev/null
  p11 --token-label "$t" --read-object --type pubkey --label identity -o "$work/$t.der" >/dev/null
  openssl pkey -pubin -inform DER -in "$work/$t.der" -out "$work/$t.pem"
  sha256sum "$work/$t.der" | cut -c1-16 >"$work/$t.id"
}

# token_add TOKEN…: a new SoftHSM2 token per label, each with a fresh identity key (make_key).
token_add() {
  local t
  for t in "$@"; do
    softhsm2-util --init-token --free --label "$t" --pin 4321 --so-pin 87654321 >/dev/null
    make_key "$t"
  done
}

# uri TOKEN: the pkcs11: URI of TOKEN's identity key (SoftHSM2, PIN from the work directory).
uri() { echo "pkcs11:token=$1;object=identity?module-path=$MODULE&pin-source=file:$work/pin"; }

# peers FILE NAME TOKEN [ENABLED]: a pinned-peers file (the identity library's format) with one
# entry, TOKEN's key under NAME; ENABLED is true unless given.
peers() {
  { echo "[peer $2]"; echo "identity_id = $(cat "$work/$3.id")"; echo "enabled = ${4:-true}"; cat "$work/$3.pem"; } >"$1"
}
