#!/usr/bin/env bash
# Attestation benchmarks (docs/benchmarks.md, section attest):
#  1. JMH, one thread: in-process verification of an ECDSA P-256 quote over 8 PCRs (target >= 5,000/s per core).
#  2. Cold start: `bin/psk-attest verify` beside `tpm2_checkquote` on the same tpm2-tools quote
#     (hyperfine when installed, else a timed loop).
# Usage: scripts/bench-attest.sh [jmh|cold|all]   (default all)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
. scripts/lib/jdk.sh
find_jdk25
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
what=${1:-all}
fixtures=attestation/src/test/resources/dev/psk/attest/tools54

if [ "$what" = jmh ] || [ "$what" = all ]; then
  mvn -q -B -ntp -o -pl attestation -am -DskipTests test-compile package >/dev/null
  cp=$(mktemp)
  trap 'rm -f "$cp"' EXIT
  mvn -q -B -ntp -o -pl attestation dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp" >/dev/null
  echo "== JMH: QuoteVerifier.verify, ECDSA P-256 quote over sha256:0-7, 1 thread"
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "attestation/target/test-classes:attestation/target/classes:$(cat "$cp")" \
    org.openjdk.jmh.Main 'dev.psk.attest.bench.VerifyBenchmark' -jvmArgsAppend --enable-native-access=ALL-UNNAMED -f 1 -wi 3 -w 2s -i 5 -r 2s -t 1 -foe true \
    | grep -E '^(Benchmark|VerifyBenchmark)'
  echo "== Same operation against the thread's CPU time (per core, independent of other load on the machine)"
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "attestation/target/test-classes:attestation/target/classes:$(cat "$cp")" \
    dev.psk.attest.bench.VerifyCpuRate 10
fi

if [ "$what" = cold ] || [ "$what" = all ]; then
  [ -d attestation/target/lib ] || mvn -q -B -ntp -o -pl attestation -am -DskipTests package >/dev/null
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  # tpm2_checkquote -f reads only tpm2-tools' serialized PCR format: q2 carries it (sha256:0-7+sha1:0,16).
  cp "$fixtures"/ak.pem "$fixtures"/q2.msg "$fixtures"/q2.sig "$fixtures"/q2.pcrs "$work"/
  ours=(bin/psk-attest verify --ak "$work/ak.pem" -m "$work/q2.msg" -s "$work/q2.sig" -f "$work/q2.pcrs" -q 0102 --pcrs 'sha256:0-7+sha1:0,16')
  theirs=(tpm2_checkquote -u "$work/ak.pem" -m "$work/q2.msg" -s "$work/q2.sig" -f "$work/q2.pcrs" -g sha256 -q 0102)
  "${ours[@]}" >/dev/null   # first run builds the class-data-sharing archive
  "${ours[@]}" | grep -qx ACCEPT
  "${theirs[@]}" >/dev/null
  echo "== Cold start: psk-attest verify vs tpm2_checkquote, same quote"
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N -w 3 -r 20 --export-markdown "$work/cold.md" "${ours[*]}" "${theirs[*]}" >/dev/null
    sed -e "s|$work/||g" -e "s|$root/||g" "$work/cold.md"
  else
    for name in ours theirs; do
      declare -n cmd=$name
      start=$(date +%s%N)
      for _ in $(seq 20); do "${cmd[@]}" >/dev/null; done
      end=$(date +%s%N)
      echo "$name: $(( (end - start) / 20000000 )) ms per run (mean of 20)"
    done
  fi
fi
