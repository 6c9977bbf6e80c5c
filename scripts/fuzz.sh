#!/usr/bin/env bash
# Coverage-guided fuzzing with Jazzer (jazzer-junit): runs one @FuzzTest target, or every target in
# turn, in fuzzing mode (JAZZER_FUZZ=1) for MINUTES each. `mvn verify` only replays the committed
# corpora; this script is what searches for new inputs.
#
# Findings (crash-* files, and the Java reproducers Jazzer writes) are collected into
# $FUZZ_FINDINGS (default target/fuzz-findings/<target>/) and the script exits 1 if there is any.
# The generated corpus stays in .cifuzz-corpus/ under the module (not committed).
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"

# name  module  test class#method
targets='
pad-size        keygen       ParsersFuzzTest#padSize
sidecar         keygen       ParsersFuzzTest#sidecar
keygen-state    keygen       ParsersFuzzTest#tunnelState
pkcs11-uri      identity     dev.psk.identity.fuzz.ParsersFuzzTest#pkcs11Uri
pinned-peers    identity     dev.psk.identity.fuzz.ParsersFuzzTest#pinnedPeers
tpm             attestation  ParserFuzzTest#parsersThrowOnlyTheirTypedException
enrolment       attestation  ParserFuzzTest#enrolmentParsersThrowOnlyTheirTypedException
ak-keys         attestation  AkKeysFuzzTest#parse
psk2-receive    tunnel       Psk2ReceiveFuzzTest#receive
handshake       tunnel       HandshakeCodecFuzzTest#codecsRoundTrip
reassembler     tunnel       ReassemblerFuzzTest#fragments
noise           tunnel       NoiseMessageFuzzTest#readMessage
cookie-reply    tunnel       CookieReplyFuzzTest#cookieReply
hub-config      tunnel       HubConfigFuzzTest#parsersFailOnlyWithConfigException
state-file      tunnel       StateFileFuzzTest#decode
status-file     tunnel       ShowStatusFuzzTest#statusFile
'

usage() {
  cat <<USAGE
usage: scripts/fuzz.sh [TARGET|all] [MINUTES]
Fuzzes TARGET (default: all, one after another) for MINUTES each (default 10) with Jazzer.
Findings go to \$FUZZ_FINDINGS (default target/fuzz-findings/TARGET); exit 1 if any, 2 on usage.
Targets:
USAGE
  printf '%s\n' "$targets" | awk 'NF { printf "  %-14s %-12s %s\n", $1, $2, $3 }'
}

case ${1:-all} in -h|--help) usage; exit 0 ;; esac
target=${1:-all}
minutes=${2:-10}
case $minutes in ''|*[!0-9]*|0) echo "error: MINUTES must be a positive integer, not '$minutes'" >&2; usage >&2; exit 2 ;; esac
if [ "$target" != all ] && ! printf '%s\n' "$targets" | awk -v t="$target" '$1 == t { f = 1 } END { exit !f }'; then
  echo "error: unknown target '$target'" >&2; usage >&2; exit 2
fi

. scripts/lib/jdk.sh
find_jdk25
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
findings_root=${FUZZ_FINDINGS:-$root/target/fuzz-findings}

fuzz_one() { # name module test
  local name=$1 module=$2 test=$3 out="$findings_root/$1" log marker
  mkdir -p "$out"
  log="$out/jazzer.log"
  marker=$(mktemp "${TMPDIR:-/tmp}/psk-fuzz-$$.XXXXXX")
  echo "== $name ($module $test) for $minutes min, log $log" >&2
  local rc=0
  # JAZZER_MAX_DURATION overrides the @FuzzTest maxDuration; the corpus (committed seeds plus
  # .cifuzz-corpus) is where fuzzing starts. Crash files land next to the committed inputs.
  JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${minutes}m" \
    mvn -B -ntp -o -pl "$module" -am test -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
      -Djacoco.skip=true >"$log" 2>&1 || rc=$?
  # New crash files anywhere in the module's test resources or root since the run began.
  find "$module" -newer "$marker" -type f \( -name 'crash-*' -o -name 'Crash_*.java' -o -name 'timeout-*' -o -name 'slow-unit-*' \) \
    -not -path '*/target/*' -exec cp -t "$out" {} + 2>/dev/null || true
  rm -f "$marker"
  grep -E '^#[0-9]+.*(cov|DONE)|Done [0-9]+ runs|stat::' "$log" | tail -3 >&2 || true
  if [ "$rc" -ne 0 ] || ls "$out"/crash-* "$out"/timeout-* >/dev/null 2>&1; then
    echo "!! $name: finding (exit $rc), see $out" >&2
    return 1
  fi
  echo "ok $name: no finding" >&2
}

status=0
while read -r name module test; do
  [ -n "$name" ] || continue
  [ "$target" = all ] || [ "$target" = "$name" ] || continue
  fuzz_one "$name" "$module" "$test" || status=1
done <<<"$targets"
exit $status
