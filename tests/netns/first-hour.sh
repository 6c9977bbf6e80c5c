#!/usr/bin/env bash
# The "First hour" walkthrough of docs/deployment.md, run as written: its shell blocks are read
# from the doc (the section up to the next "## " heading), the names fh-… and the directory
# /tmp/fh get this run's unique suffix, bin/ becomes this checkout's launchers, and the result runs
# under bash -e. Passes when every command succeeds and both pings (plain and signed) get their
# three replies. Needs root, iproute2, iputils-ping, jq, softhsm2 and built jars
# (mvn -DskipTests package). Leaves no namespace, process or file behind.
set -euo pipefail
export LC_ALL=C
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
doc="$root/docs/deployment.md"
tag="fh$$"
work=$(mktemp -d "/tmp/$tag.XXXXXX")
chmod 0755 "$work"
script="$work.sh"

# Own cleanup, not lib.sh's: the walkthrough's ends get SIGTERM first, and files lie beside $work.
cleanup() {
  local ns pid
  for ns in "$tag-a" "$tag-b"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  done
  sleep 1
  for ns in "$tag-a" "$tag-b"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -rf "$work" "$script" "$work.out"
}
trap cleanup EXIT

# The section's ```bash blocks, in order.
awk '/^## First hour/ {on=1; next} on && /^## / {on=0} on && /^```bash/ {inb=1; next}
     on && inb && /^```/ {inb=0; next} on && inb {print}' "$doc" > "$script.raw"
[ -s "$script.raw" ] || { echo "first-hour.sh: no First hour section with bash blocks in $doc" >&2; exit 1; }
sed -e "s#/tmp/fh#$work#g" -e "s#fh-#$tag-#g" -e "s#\(^\|[ (]\)bin/psk-#\1$root/bin/psk-#g" \
  "$script.raw" > "$script"
rm -f "$script.raw"
echo "first-hour.sh: running $(grep -c . "$script") lines from $doc" >&2

rc=0
(cd "$work" && bash -e "$script") > "$work.out" 2>&1 || rc=$?
cat "$work.out"
fails=0
if [ "$rc" -ne 0 ]; then echo "FAIL: the walkthrough exited $rc"; fails=$((fails + 1)); fi
pings=$(grep -c '3 packets transmitted, 3 received' "$work.out" || true)
if [ "$pings" -ne 2 ]; then echo "FAIL: $pings of 2 pings got 3 replies"; fails=$((fails + 1)); fi
if [ "$fails" -eq 0 ]; then echo "first-hour.sh: 0 failed"; else echo "first-hour.sh: $fails failed"; exit 1; fi
