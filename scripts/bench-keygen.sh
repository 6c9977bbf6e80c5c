#!/usr/bin/env bash
# Benchmark (not a test): psk-keygen generate vs `head -c SIZE /dev/urandom > f`, same run, same
# filesystem (the project's target/ directory unless BENCH_DIR is set), after a warm-up of each.
# Runs alternate between the two tools; `sync` runs untimed between runs so one run's write-back
# never lands in the next; files are removed afterwards. Prints every run, the medians and the
# ratio keygen/head (target: <= 1.10). `head` does not fsync while psk-keygen does (it must, for
# atomicity), so `head + sync FILE` is printed too, for reference. CPU time (user + sys) is printed
# beside wall time: on a loaded machine wall time measures the scheduler as much as the tools.
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

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# Each run prints "WALL CPU" in seconds (GNU time: elapsed, user + system of the command and its children).
timed() { /usr/bin/time -f '%e %U %S' -o "$work/time" "$@"; awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$work/time"; }
run_head() { timed sh -c 'head -c "$1" /dev/urandom > "$2"' _ "$size" "$work/head.bin"; }
run_head_sync() { timed sh -c 'head -c "$1" /dev/urandom > "$2" && sync "$2"' _ "$size" "$work/head.bin"; }
run_keygen() { timed sh -c '"$@" > "$0"' "$work/kg.out" "${keygen[@]}"; }
settle() { rm -f "$work"/*.bin "$work"/*.bin.sha256 "$work"/.kg.bin.tmp-*; sync; }

echo "psk-keygen vs head, size $size, $runs runs, in $dir ($(df -T "$dir" | awk 'NR==2 { print $2 }')), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$root/bin/psk-keygen" --version >/dev/null   # builds the jars and the class-data archive if needed
echo "warm-up…"
BENCH_WARM=$size
size=64M; run_head >/dev/null; run_keygen >/dev/null; settle; size=$BENCH_WARM
keygen=("$root/bin/psk-keygen" generate "$work/kg.bin" --size "$size" --force ${KEYGEN_ARGS:-})
h=() k=() s=() hc=() kc=()
for i in $(seq 1 "$runs"); do
  if [ $((i % 2)) -eq 1 ]; then
    a=$(run_head); settle; b=$(run_keygen); settle
  else
    b=$(run_keygen); settle; a=$(run_head); settle
  fi
  c=$(run_head_sync); settle
  h+=("${a% *}") k+=("${b% *}") s+=("${c% *}") hc+=("${a#* }") kc+=("${b#* }")
  echo "run $i: head ${a% *} s (cpu ${a#* } s)   psk-keygen ${b% *} s (cpu ${b#* } s)   head+sync ${c% *} s"
done
mh=$(printf '%s\n' "${h[@]}" | median)
mk=$(printf '%s\n' "${k[@]}" | median)
ms=$(printf '%s\n' "${s[@]}" | median)
mhc=$(printf '%s\n' "${hc[@]}" | median)
mkc=$(printf '%s\n' "${kc[@]}" | median)
echo "median wall: head $mh s   psk-keygen $mk s   head+sync $ms s;  median cpu: head $mhc s   psk-keygen $mkc s"
awk -v k="$mk" -v h="$mh" -v s="$ms" -v kc="$mkc" -v hc="$mhc" 'BEGIN {
  printf "ratio psk-keygen/head = %.2f (target <= 1.10); psk-keygen/(head+sync) = %.2f; cpu ratio %.2f\n", k / h, k / s, kc / hc }'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -E '^(source|throughput):' "$work/kg.out" | sed 's/^/last psk-keygen run: /' || true
