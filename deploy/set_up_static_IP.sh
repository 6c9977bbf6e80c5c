#!/usr/bin/env bash
# Gives the cable interface a static IPv4 address for a direct laptop <-> Raspberry Pi link (no
# DHCP, no gateway, IPv6 off on that link). Uses NetworkManager when it runs, else plain `ip`
# (not persistent across reboots: say so).
# Usage: sudo bash deploy/set_up_static_IP.sh [ADDRESS/PREFIX] [INTERFACE]
#   defaults: 169.254.10.3/24 on eth0 (the Pi); on the laptop use 169.254.10.2/24 and its cable NIC.
set -euo pipefail
STATIC_IP=${1:-${STATIC_IP:-169.254.10.3/24}}
IFACE=${2:-${IFACE:-eth0}}
CONNECTION_NAME=${CONNECTION_NAME:-psk-link-$IFACE}
[ "$(id -u)" -eq 0 ] || { echo "set_up_static_IP.sh: run as root" >&2; exit 1; }
[[ $STATIC_IP =~ ^([0-9]{1,3}\.){3}[0-9]{1,3}/[0-9]{1,2}$ ]] || { echo "set_up_static_IP.sh: expected ADDRESS/PREFIX like 169.254.10.3/24, not '$STATIC_IP'" >&2; exit 2; }
ip link show "$IFACE" >/dev/null 2>&1 || { echo "set_up_static_IP.sh: no interface '$IFACE' (see: ip -br link)" >&2; exit 1; }

if command -v nmcli >/dev/null && nmcli -t -f RUNNING general 2>/dev/null | grep -q running; then
  if ! nmcli -t -f NAME connection show | grep -qx "$CONNECTION_NAME"; then
    nmcli connection add type ethernet ifname "$IFACE" con-name "$CONNECTION_NAME" >/dev/null
  fi
  nmcli connection modify "$CONNECTION_NAME" ipv4.method manual ipv4.addresses "$STATIC_IP" \
    ipv4.gateway "" ipv4.dns "" ipv4.never-default yes ipv6.method disabled connection.autoconnect yes
  nmcli connection up "$CONNECTION_NAME" >/dev/null
  echo "NetworkManager connection '$CONNECTION_NAME': $STATIC_IP on $IFACE (persistent)"
else
  ip addr replace "$STATIC_IP" dev "$IFACE"
  ip link set "$IFACE" up
  sysctl -q -w "net.ipv6.conf.$IFACE.disable_ipv6=1" || true
  echo "$STATIC_IP on $IFACE set with ip (NOT persistent: NetworkManager is not running; use your distribution's network config to keep it)"
fi
ip -br addr show "$IFACE"
