#!/usr/bin/env bash
# Benchmark (not a test): cold start of the tools next to the C tools they stand beside, in one
# hyperfine run: `wg --help`, `java -version` (the JVM's floor), `tpm2_checkquote` of a recorded quote,
# the `--help` of every tool (text rendered at build time, the short-command JVM flags and the help
# AOT cache: the defaults) and `psk-attest verify` of the same quote, through the launchers, with
# their AOT caches (default) and without (PSK_AOT=0); psk-keygen --help also through picocli
# (-Dpsk.help.prerendered=false), the path before build-time help; verify also without the
# short-command JVM flags (PSK_SHORT_JVM=0). Median of BENCH_RUNS (default 10)
# after 2 warm-ups; CPU time (user+sys) printed too, the steadier figure on a shared machine.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
command -v hyperfine >/dev/null || bash scripts/install-deps.sh
. scripts/lib/jdk.sh
find_java25
runs=${BENCH_RUNS:-10}
q=attestation/src/test/resources/dev/psk/attest/tools54
work=$(mktemp -d /tmp/psk-bench-coldstart.XXXXXX)
trap 'rm -rf "$work"' EXIT
# First starts build the jars and train the AOT caches (background); wait for them.
for t in keygen attest provision tunnel; do bin/psk-$t --help >/dev/null; done
for _ in $(seq 1 240); do
  ls ./*/target/.psk-*.aot.lock >/dev/null 2>&1 || break
  sleep 1
done
verify="verify --ak $q/ak.pem -m $q/q.msg -s $q/q.sig -q 0102030405060708 -l sha256:0-7 -f $q/q.pcrs"
cmds=(-n "wg --help" "sh -c 'wg --help; true'"
      -n "java -version (the JVM alone)" "$JAVA_HOME/bin/java -version"
      -n "tpm2_checkquote" "tpm2_checkquote -u $q/ak.pem -m $q/q.msg -s $q/q.sig -f $q/q.pcrs -g sha256 -q 0102030405060708"
      -n "psk-keygen --help" "bin/psk-keygen --help"
      -n "psk-attest --help" "bin/psk-attest --help"
      -n "psk-provision --help" "bin/psk-provision --help"
      -n "psk-tunnel --help" "bin/psk-tunnel --help"
      -n "psk-tunnel hub client --help" "bin/psk-tunnel hub client --help"
      -n "psk-tunnel --version" "bin/psk-tunnel --version"
      -n "psk-keygen --help (no AOT)" "env PSK_AOT=0 bin/psk-keygen --help"
      -n "psk-keygen --help (picocli, no AOT)" "env PSK_AOT=0 'PSK_JAVA_OPTS=-Dpsk.help.prerendered=false' bin/psk-keygen --help"
      -n "psk-attest verify (AOT + short flags)" "bin/psk-attest $verify"
      -n "psk-attest verify (short flags, no AOT)" "env PSK_AOT=0 bin/psk-attest $verify"
      -n "psk-attest verify (JVM defaults, no AOT)" "env PSK_AOT=0 PSK_SHORT_JVM=0 bin/psk-attest $verify")
echo "cold start, $runs runs each, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine -N -i --warmup 2 --runs "$runs" --export-json "$work/r.json" "${cmds[@]}" >/dev/null 2>&1
python3 - "$work/r.json" <<'PY'
import json, sys
print(f"| {'command':<40} | median wall | min wall | CPU (user+sys) |")
print(f"|{'-'*42}|-------------|----------|----------------|")
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"| {r['command']:<40} | {r['median']*1000:8.1f} ms | {r['min']*1000:5.1f} ms | {(r['user']+r['system'])*1000:8.1f} ms |")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
