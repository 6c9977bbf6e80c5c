#!/usr/bin/env bash
# Hub-mode benchmarks (not tests):
#  1. JMH, one thread (= one core): handshakes/s (hub side with and without its per-client
#     static-static DH cache, and both ends), unknown-key refusals/s,
#     bad-mac1 refusals/s (target > 200,000/s). Class: dev.psk.tunnel.hub.bench.HubBench.
#  Throughput through the hub beside wireguard-go: scripts/bench-hub-iperf.sh (root).
# Usage: scripts/bench-hub.sh [extra JMH args]       Results: docs/benchmarks.md, section hub.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/jdk.sh
find_jdk25
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
work=$(mktemp -d /tmp/psk-bench-hub.XXXXXX)
trap 'rm -rf "$work"' EXIT

mvn -B -ntp -o -q -pl tunnel -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp="tunnel/target/test-classes:tunnel/target/classes:$(cat "$work/cp.txt")"
echo "$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" org.openjdk.jmh.Main \
    'dev.psk.tunnel.hub.bench.HubBench' -t 1 -rf json -rff "$work/jmh.json" "$@" | tee "$work/jmh.txt" | grep -E '^(Benchmark|HubBench)'

python3 - "$work/jmh.json" <<'PY'
import json, sys
runs = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"] for r in json.load(open(sys.argv[1]))}
print()
for k, m in runs.items():
    err = m['scoreError'] if isinstance(m['scoreError'], (int, float)) else float('nan')
    print(f"{k:<18} {m['score']:>12,.0f} ops/s per core  (± {err:,.0f})")
bad = runs.get("badMac1Refused", {}).get("score", 0)
print(f"\nbad-mac1 refusals per core: {bad:,.0f}/s, target 200,000/s: {'met' if bad > 200_000 else 'NOT met'}")
PY
