#!/usr/bin/env bash
# Benchmark (not a test): psk-keygen generate vs `head -c SIZE /dev/urandom > f`, same run, same
# filesystem (the project's target/ directory unless BENCH_DIR is set), after a warm-up of each.
# Runs alternate between the two tools; `sync` runs untimed between runs so one run's write-back
# never lands in the next; files are removed afterwards. Prints every run, the medians and the
# ratio keygen/head (target: <= 1.10). `head` does not fsync while psk-keygen does (it must, for
# atomicity), so `head + sync FILE` is printed too, for reference.
#   BENCH_SIZE=1G BENCH_RUNS=3 BENCH_DIR=... KEYGEN_ARGS="--readers 2" scripts/bench-keygen.sh
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$root/scripts/lib/jdk.sh"
find_jdk25
size=${BENCH_SIZE:-1G}
runs=${BENCH_RUNS:-3}
dir=${BENCH_DIR:-$root/target/bench-keygen}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
work=$(mktemp -d "$dir/run.XXXXXX")
trap 'rm -rf "$work"' EXIT
keygen=("$root/bin/psk-keygen" generate "$work/kg.bin" --size "$size" --force ${KEYGEN_ARGS:-})

now() { date +%s%N; }
secs() { awk -v n="$1" 'BEGIN { printf "%.3f", n / 1e9 }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

run_head() { local t0; t0=$(now); head -c "$size" /dev/urandom > "$work/head.bin"; echo $(( $(now) - t0 )); }
run_head_sync() { local t0; t0=$(now); head -c "$size" /dev/urandom > "$work/head.bin"; sync "$work/head.bin"; echo $(( $(now) - t0 )); }
run_keygen() { local t0; t0=$(now); "${keygen[@]}" > "$work/kg.out"; echo $(( $(now) - t0 )); }
settle() { rm -f "$work"/*.bin "$work"/*.bin.sha256 "$work"/.kg.bin.tmp-*; sync; }

echo "psk-keygen vs head, size $size, $runs runs, in $dir ($(df -T "$dir" | awk 'NR==2 { print $2 }')), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$root/bin/psk-keygen" --version >/dev/null   # builds the jars and the class-data archive if needed
echo "warm-up…"
BENCH_WARM=$size
size=64M; run_head >/dev/null; run_keygen >/dev/null; settle; size=$BENCH_WARM
keygen=("$root/bin/psk-keygen" generate "$work/kg.bin" --size "$size" --force ${KEYGEN_ARGS:-})
h=() k=() s=()
for i in $(seq 1 "$runs"); do
  if [ $((i % 2)) -eq 1 ]; then
    a=$(run_head); settle; b=$(run_keygen); settle
  else
    b=$(run_keygen); settle; a=$(run_head); settle
  fi
  c=$(run_head_sync); settle
  h+=("$a") k+=("$b") s+=("$c")
  echo "run $i: head $(secs "$a") s   psk-keygen $(secs "$b") s   head+sync $(secs "$c") s"
done
mh=$(printf '%s\n' "${h[@]}" | median)
mk=$(printf '%s\n' "${k[@]}" | median)
ms=$(printf '%s\n' "${s[@]}" | median)
echo "median: head $(secs "$mh") s   psk-keygen $(secs "$mk") s   head+sync $(secs "$ms") s"
awk -v k="$mk" -v h="$mh" -v s="$ms" 'BEGIN { printf "ratio psk-keygen/head = %.2f (target <= 1.10); psk-keygen/(head+sync) = %.2f\n", k / h, k / s }'
grep -E '^(source|throughput):' "$work/kg.out" | sed 's/^/last psk-keygen run: /' || true
