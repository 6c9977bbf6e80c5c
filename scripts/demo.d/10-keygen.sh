#!/usr/bin/env bash
# Demo step: a pad from the OS CSPRNG, checked and sized.
set -euo pipefail
cd "$PSK_ROOT"
echo "== A pad of 12 MiB from the OS CSPRNG, checked and sized"
bin/psk-keygen generate "$PSK_DEMO_WORK/pad.bin" --size 12MiB
bin/psk-keygen verify "$PSK_DEMO_WORK/pad.bin"
bin/psk-keygen info "$PSK_DEMO_WORK/pad.bin"
