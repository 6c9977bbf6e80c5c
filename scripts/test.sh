#!/usr/bin/env bash
# The one test command (README, CI): installs what is missing, then builds and runs every suite:
# unit tests, vectors, fuzz regressions, and the integration suites with SoftHSM2, swtpm +
# tpm2-abrmd, TUN devices in network namespaces (needs root). Extra arguments go to Maven,
# e.g. scripts/test.sh -pl tunnel -am, or -Dpsk.quick=true to skip root/token/TPM suites.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh
. scripts/lib/jdk.sh
find_jdk25
echo "using JDK: $JAVA_HOME" >&2
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
exec mvn -B -ntp verify "$@"
