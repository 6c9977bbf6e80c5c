#!/usr/bin/env bash
# X25519 per core (JMH, test scope of the tunnel module), libcrypto (FFM) against the JDK's XDH:
#   X25519Bench.agree*      variable-base scalar multiplication through X25519.agree (one handshake DH)
#   X25519Bench.publicKey*  fixed-base (X25519PrivateKey.publicKey, a new ephemeral key)
# each backend in its own fork (-Dpsk.x25519=openssl|jce), then `openssl speed ecdhx25519` for
# OpenSSL's own figure, and the load average before and after.
# Usage: scripts/bench-x25519.sh [extra JMH args]     Results: docs/benchmarks.md, section X25519.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/jdk.sh
find_jdk25
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
work=$(mktemp -d /tmp/psk-bench-x25519.XXXXXX)
trap 'rm -rf "$work"' EXIT

mvn -B -ntp -o -q -pl tunnel -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp="tunnel/target/test-classes:tunnel/target/classes:$(cat "$work/cp.txt")"
echo "load before: $(cat /proc/loadavg)"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" org.openjdk.jmh.Main \
    'dev.psk.tunnel.bench.X25519Bench' -t 1 -prof gc -rf json -rff "$work/jmh.json" "$@" | tee "$work/jmh.txt"
echo "load after: $(cat /proc/loadavg)"

echo
echo "== openssl speed ecdhx25519 (one core; one op = one derive)"
openssl speed -seconds 3 ecdhx25519 2>/dev/null | tail -1 | tee "$work/openssl.txt"

python3 - "$work/jmh.json" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))
print()
print(f"{'benchmark':<18} {'ops/s':>10} {'us/op':>8} {'B/op alloc':>11}")
for r in runs:
    name = r["benchmark"].rsplit(".", 1)[1]
    ops = r["primaryMetric"]["score"]
    alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score", float("nan"))
    print(f"{name:<18} {ops:>10.0f} {1e6 / ops:>8.1f} {alloc:>11.1f}")
PY
