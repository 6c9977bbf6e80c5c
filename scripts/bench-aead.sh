#!/usr/bin/env bash
# PSK2 packet crypto per core (JMH, test scope of the tunnel module), beside OpenSSL's own speed:
#   AeadBench.seal      header + ChaCha20-Poly1305 seal in place of a 1420-byte payload
#   AeadBench.sealOpen  seal then open (both ends of a tunnel on one core)
# for the libcrypto (FFM) and JDK backends, with JMH's gc profiler (bytes allocated per operation),
# then `openssl speed -evp chacha20-poly1305` at the same size, and the ratio.
# Usage: scripts/bench-aead.sh [extra JMH args]     Results: docs/benchmarks.md, section tunnel.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/jdk.sh
find_jdk25
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
work=$(mktemp -d /tmp/psk-bench-aead.XXXXXX)
trap 'rm -rf "$work"' EXIT
size=1420

mvn -B -ntp -o -q -pl tunnel -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp="tunnel/target/test-classes:tunnel/target/classes:$(cat "$work/cp.txt")"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" org.openjdk.jmh.Main \
    'dev.psk.tunnel.bench.AeadBench' -p size=$size -t 1 -prof gc -rf json -rff "$work/jmh.json" "$@" | tee "$work/jmh.txt"

echo
echo "== openssl speed -evp chacha20-poly1305 -bytes $size (one core)"
openssl speed -evp chacha20-poly1305 -bytes $size -seconds 3 2>/dev/null | tee "$work/openssl.txt" | tail -2
# The last line: "<name>  <N>k" = thousands of bytes per second at $size bytes.
ossl_kbs=$(tail -1 "$work/openssl.txt" | awk '{print $NF}' | tr -d 'k')

python3 - "$work/jmh.json" "$ossl_kbs" "$size" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))
ossl = float(sys.argv[2]) * 1000 / 1e6  # MB/s
size = int(sys.argv[3])
print()
print(f"{'benchmark':<12} {'backend':<8} {'ops/s':>12} {'MB/s':>9} {'B/op alloc':>11} {'vs openssl':>10}")
for r in runs:
    name = r["benchmark"].rsplit(".", 1)[1]
    ops = r["primaryMetric"]["score"]
    mbs = ops * size / 1e6
    alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score", float("nan"))
    # sealOpen does two passes over the payload; compare per pass with openssl's one-pass encrypt.
    passes = 2 if name == "sealOpen" else 1
    print(f"{name:<12} {r['params']['backend']:<8} {ops:>12.0f} {mbs:>9.1f} {alloc:>11.1f} {mbs * passes / ossl:>9.2f}x")
print(f"openssl speed: {ossl:.1f} MB/s at {size} bytes (encrypt only)")
PY
