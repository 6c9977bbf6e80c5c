#!/usr/bin/env bash
# The demo command (README): the toolkit's main job end to end, as far as it has been built.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh
. scripts/lib/jdk.sh
find_jdk25
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
mvn -q -B -ntp -DskipTests package
work=$(mktemp -d /tmp/psk-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
export PSK_DEMO_WORK="$work" PSK_ROOT="$root"
# Each step is a script of its own, run in name order: 10-keygen, 20-tunnel, 30-identity, ...
for step in scripts/demo.d/*.sh; do
  [ -e "$step" ] || continue
  bash "$step"
  # every JVM a step starts names a file under $work: none may outlive its step (the launcher's
  # background AOT-cache training is a shell plus a `--help` JVM, and may)
  if survivors=$(pgrep -af -- "$work" | awk '$2 ~ /\/java$/' | grep .); then
    echo "demo: $step left processes running:" >&2
    echo "$survivors" >&2
    exit 1
  fi
done
echo "== demo complete"
