#!/usr/bin/env bash
# Demo step: the authenticated handshake between two network namespaces (bin/psk-tunnel at both
# ends): a pad-keyed handshake, SoftHSM2 identities checked against pinned keys, a replay from
# another address that changes nothing, an unpinned identity refused, a different pad named.
set -euo pipefail
cd "$PSK_ROOT"
echo "== Authenticated handshake: psk-tunnel --handshake psk|signed in two namespaces"
if [ "$(id -u)" -ne 0 ]; then
  echo "(skipped: network namespaces and TUN devices need root)"
  exit 0
fi
bash tests/netns/handshake.sh --only psk,signed,replay,unpinned,pad
