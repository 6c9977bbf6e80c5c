#!/usr/bin/env bash
# Benchmark (not a test): cold start of bin/psk-keygen `--version` and `info PAD`, through the
# launcher, with JDK 25's AOT cache (the launcher's default) and without it (PSK_AOT=0: the JDK's
# default CDS archive only), plus the bare JVM with sharing off for reference. hyperfine, median
# of BENCH_RUNS (default 20) after 3 warm-ups. Wall times on a shared machine are noisy: CPU time
# (user + sys) is printed too.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
command -v hyperfine >/dev/null || bash scripts/install-deps.sh
. scripts/lib/jdk.sh
find_jdk25
runs=${BENCH_RUNS:-20}
work=$(mktemp -d /tmp/psk-bench-startup.XXXXXX)
trap 'rm -rf "$work"' EXIT
bin/psk-keygen generate "$work/pad.bin" --size 1MiB >/dev/null
# Wait for the launcher's background AOT training run to finish (first start after a build).
for _ in $(seq 1 120); do
  [ -e keygen/target/.psk-keygen.aot.lock ] || break
  sleep 1
done
bin/psk-keygen --version >/dev/null
[ -s keygen/target/psk-keygen.aot ] || { echo "no AOT cache was created" >&2; exit 1; }
jar=$(ls keygen/target/psk-keygen-*.jar | grep -v -- -tests | head -1)
raw="$JAVA_HOME/bin/java -Xshare:off --enable-native-access=ALL-UNNAMED -cp $jar:keygen/target/lib/* dev.psk.keygen.cli.PskKeygen"
echo "cold start, $runs runs each, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
for args in "--version" "info $work/pad.bin"; do
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/r.json" \
    -n "launcher + AOT cache" "bin/psk-keygen $args" \
    -n "launcher, PSK_AOT=0 (default CDS)" "env PSK_AOT=0 bin/psk-keygen $args" \
    -n "bare java -Xshare:off" "$raw $args" >/dev/null
  echo "== psk-keygen ${args/$work\//}"
  python3 - "$work/r.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"  {r['command']:<36} median {r['median']*1000:6.0f} ms  min {r['min']*1000:6.0f} ms  cpu {(r['user']+r['system'])*1000:6.0f} ms")
PY
done
