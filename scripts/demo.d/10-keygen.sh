#!/usr/bin/env bash
# Demo step: a pad from the OS CSPRNG, checked with sha256sum and psk-keygen, sized; then a stuck
# source caught by the SP 800-90B health tests, leaving no pad behind.
set -euo pipefail
cd "$PSK_ROOT"
echo "== A pad of 12 MiB from the OS CSPRNG, checked and sized"
bin/psk-keygen generate "$PSK_DEMO_WORK/pad.bin" --size 12MiB
(cd "$PSK_DEMO_WORK" && sha256sum -c pad.bin.sha256)
bin/psk-keygen verify "$PSK_DEMO_WORK/pad.bin"
bin/psk-keygen info "$PSK_DEMO_WORK/pad.bin"
echo "== A stuck source (/dev/zero) fails the repetition count test; no pad is written"
if bin/psk-keygen generate "$PSK_DEMO_WORK/stuck.bin" --size 1MiB --source /dev/zero; then
  echo "demo: a stuck source was accepted" >&2
  exit 1
fi
if ls -A "$PSK_DEMO_WORK" | grep -q stuck; then
  echo "demo: a failed generation left a file behind" >&2
  exit 1
fi
echo "(nothing left behind)"
