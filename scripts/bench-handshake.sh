#!/usr/bin/env bash
# Handshake benchmarks (JMH, test scope of the tunnel module), one thread:
#   rejectHelloWithBadMac  responder cost to drop a HELLO with a wrong MAC (target > 100,000/s per core)
#   cookieForReplayedHello responder cost to answer a replayed HELLO from an unproven address (COOKIE, no state)
#   fullHandshake          complete HELLO/WELCOME/CONFIRM, both ends in one thread, psk and signed
# Signed mode is measured with a software P-256 key and with a SoftHSM2 token (private token dir).
# Usage: scripts/bench-handshake.sh [extra JMH args]     Results: docs/benchmarks.md, section handshake.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/jdk.sh
find_jdk25
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
work=$(mktemp -d /tmp/psk-bench-hs.XXXXXX)
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

mvn -B -ntp -o -q -pl tunnel -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp="tunnel/target/test-classes:tunnel/target/classes:$(cat "$work/cp.txt")"
run() { "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED "$@"; }

if [ "${SKIP_SOFT:-0}" != 1 ]; then
echo "== software key (SunEC)"
run -cp "$cp" org.openjdk.jmh.Main 'dev.psk.tunnel.handshake.bench.HandshakeBench' -t 1 "$@"
fi

if command -v softhsm2-util >/dev/null; then
  echo "== SoftHSM2 token (PKCS#11 signing)"
  mkdir -p "$work/tokens"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$work/tokens" > "$work/softhsm2.conf"
  export SOFTHSM2_CONF="$work/softhsm2.conf"
  printf '1234\n' > "$work/pin"
  slot=$(softhsm2-util --init-token --free --label psk-bench --pin 1234 --so-pin 5678 | sed -n 's/.*reassigned to slot \([0-9]*\).*/\1/p')
  printf 'name = pskbench\nlibrary = /usr/lib/softhsm/libsofthsm2.so\nslot = %s\n' "$slot" > "$work/p11.conf"
  run -cp "$cp" -Dpsk.bench.signer=softhsm -Dpsk.bench.pkcs11.conf="$work/p11.conf" -Dpsk.bench.pin.file="$work/pin" \
      org.openjdk.jmh.Main 'dev.psk.tunnel.handshake.bench.HandshakeBench.fullHandshake' -p mode=signed -t 1 \
      -jvmArgsAppend "-Dpsk.bench.signer=softhsm -Dpsk.bench.pkcs11.conf=$work/p11.conf -Dpsk.bench.pin.file=$work/pin" "$@"
fi
