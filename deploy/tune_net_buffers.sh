#!/usr/bin/env bash
# Raises the kernel's socket-buffer ceilings so psk-tunnel's 8 MiB UDP buffers take effect
# (without this the kernel silently grants net.core.rmem_max, often 208 KiB: bursts then overflow
# the receive queue and show up as TCP retransmits inside the tunnel).
# Usage: sudo bash deploy/tune_net_buffers.sh [--runtime-only] [BYTES]   (default 8388608)
#   writes /etc/sysctl.d/60-psk-tunnel.conf (persistent) and applies it, unless --runtime-only.
set -euo pipefail
persist=1
if [ "${1:-}" = --runtime-only ]; then persist=0; shift; fi
BYTES=${1:-8388608}
[[ $BYTES =~ ^[0-9]+$ ]] && [ "$BYTES" -ge 262144 ] || { echo "tune_net_buffers.sh: BYTES must be a number >= 262144, not '$BYTES'" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "tune_net_buffers.sh: run as root" >&2; exit 1; }
settings=(
  "net.core.rmem_max=$BYTES"
  "net.core.wmem_max=$BYTES"
  # Queue of packets between the NIC and the stack: bursts of a fast sender need room.
  "net.core.netdev_max_backlog=5000"
)
if [ $persist -eq 1 ]; then
  { echo "# psk-tunnel: room for its $BYTES-byte UDP socket buffers (deploy/tune_net_buffers.sh)"
    printf '%s\n' "${settings[@]}"; } >/etc/sysctl.d/60-psk-tunnel.conf
fi
sysctl -q -w "${settings[@]}"
echo "net.core.rmem_max=$(sysctl -n net.core.rmem_max) net.core.wmem_max=$(sysctl -n net.core.wmem_max) net.core.netdev_max_backlog=$(sysctl -n net.core.netdev_max_backlog)$([ $persist -eq 1 ] && echo ' (persisted in /etc/sysctl.d/60-psk-tunnel.conf)')"
