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
echo "== 1. A pad of 12 MiB from the OS CSPRNG, checked and sized"
bin/psk-keygen generate "$work/pad.bin" --size 12MiB
bin/psk-keygen verify "$work/pad.bin"
bin/psk-keygen info "$work/pad.bin"
