#!/usr/bin/env bash
# Demo step: psk-tunnel talks PSK2 with an independent implementation (tests/peers/psk2_peer.py,
# written from the wire specification): vectors first, then a Java initiator and a Python responder
# in two namespaces, ping and 64 MiB with sha256.
set -euo pipefail
cd "$PSK_ROOT"
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
echo "== PSK2 interop: the independent Python peer against the shared vectors"
"$PY" tests/peers/psk2_peer.py --self-test
if [ "$(id -u)" != 0 ]; then
  echo "== PSK2 interop in namespaces skipped: needs root"
  exit 0
fi
echo "== PSK2 interop: Java initiator <-> Python responder, two namespaces"
bash tests/netns/p2p.sh --ends java:python --only ping,transfer 2>&1 | grep -E 'PASS|FAIL|passed'
