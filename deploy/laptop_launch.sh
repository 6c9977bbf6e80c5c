#!/usr/bin/env bash
# Site A (laptop, initiator): starts psk-tunnel in the foreground. Edit the values below (or export
# them) first; start the Raspberry Pi (responder, rpi5_launch.sh) first. Stop with Ctrl+C: state is
# saved and the TUN device removed. For a service instead, see deploy/systemd and docs/deployment.md.
set -euo pipefail
PSK_FILE=${PSK_FILE:-/mnt/secure/psk.bin}
REMOTE_HOST=${REMOTE_HOST:-169.254.10.3}   # the Pi's address on the cable
LOCAL_PORT=${LOCAL_PORT:-51820}
REMOTE_PORT=${REMOTE_PORT:-51820}
LOCAL_IP=${LOCAL_IP:-10.0.0.1}             # this end inside the tunnel
REMOTE_IP=${REMOTE_IP:-10.0.0.2}
TUN_NAME=${TUN_NAME:-psk0}
MTU=${MTU:-1420}
STATE_FILE=${STATE_FILE:-/var/lib/psk-tunnel/state_laptop.json}
PSK_TUNNEL=${PSK_TUNNEL:-$(command -v psk-tunnel || echo /opt/psk-tunnel/bin/psk-tunnel)}

[ "$(id -u)" -eq 0 ] || { echo "laptop_launch.sh: run as root (TUN device, addresses, route)" >&2; exit 1; }
[ -r "$PSK_FILE" ] || { echo "laptop_launch.sh: pad $PSK_FILE not readable: mount /mnt/secure first (docs/deployment.md)" >&2; exit 1; }
[ -x "$PSK_TUNNEL" ] || { echo "laptop_launch.sh: psk-tunnel not installed: run deploy/rpi5_deployment.sh (works on any Debian)" >&2; exit 1; }
if [ -f "$PSK_FILE.sha256" ] && [ ! -f "$STATE_FILE" ]; then
  # First start with this pad: check it against the generator's sidecar (before any slot is erased).
  (cd "$(dirname "$PSK_FILE")" && sha256sum --quiet -c "$(basename "$PSK_FILE").sha256") \
    || { echo "laptop_launch.sh: $PSK_FILE does not match its .sha256: copy it again" >&2; exit 1; }
fi
install -d -m 0700 "$(dirname "$STATE_FILE")"
exec "$PSK_TUNNEL" --psk "$PSK_FILE" --local-port "$LOCAL_PORT" --remote-host "$REMOTE_HOST" \
  --remote-port "$REMOTE_PORT" --initiator --local-ip "$LOCAL_IP" --remote-ip "$REMOTE_IP" \
  --state "$STATE_FILE" --tun "$TUN_NAME" --mtu "$MTU" "$@"
