#!/usr/bin/env bash
# Runs deploy/rpi5_deployment.sh for real, inside a private mount namespace whose /etc, /usr/local/bin,
# /var/lib, /mnt and /dev/net are throw-away copies, with modprobe, sysctl and systemctl stubbed
# (each logs its call). Checks (issue 15):
#   1. /dev/net/tun present: modprobe is NOT run (a built-in TUN driver has no module to load);
#   2. /dev/net/tun absent: modprobe tun runs, and the script goes on once the device exists;
#   3. /dev/net/tun absent and modprobe creates nothing: one line naming the fix, exit 1;
#   4. all four tools are installed and run from the installed copy (--version).
# Needs root (unshare -m) and built jars (mvn -DskipTests package). Usage: bash tests/deploy/rpi5-deployment.sh
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "rpi5-deployment.sh: needs root (unshare -m)" >&2; exit 1; }
tmp=$(mktemp -d "/tmp/rpi5dep$$.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0
pass() { echo "PASS: $*"; }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# scenario NAME TUN(present|absent) MODPROBE(creates|nothing): runs the script, leaves its output and
# the stub log in $tmp/NAME.{out,calls}, its exit code in $tmp/NAME.rc
scenario() {
  local name=$1 tun=$2 mp=$3 d="$tmp/$1"
  mkdir -p "$d/stubs" "$d/etc" "$d/opt"
  cat >"$d/stubs/modprobe" <<EOF
#!/bin/sh
echo "modprobe \$*" >>"$d/calls"
[ "$mp" = creates ] && mknod /dev/net/tun c 10 200
exit 0
EOF
  printf '#!/bin/sh\necho "sysctl $*" >>"%s/calls"\n[ "$1" = -n ] && echo 8388608\nexit 0\n' "$d" >"$d/stubs/sysctl"
  printf '#!/bin/sh\necho "systemctl $*" >>"%s/calls"\n' "$d" >"$d/stubs/systemctl"
  chmod +x "$d/stubs/"*
  : >"$d/calls"
  set +e
  unshare -m --propagation private bash -c '
    set -e
    d=$1 tun=$2 root=$3
    cp -a /etc/. "$d/etc/"
    mount --bind "$d/etc" /etc
    for m in /usr/local/bin /var/lib /mnt; do mount -t tmpfs tmpfs "$m"; done
    if [ "$tun" = absent ]; then mount -t tmpfs tmpfs /dev/net; fi
    PATH="$d/stubs:$PATH" PREFIX="$d/opt" bash "$root/deploy/rpi5_deployment.sh"
    for t in psk-tunnel psk-keygen psk-provision psk-attest; do
      /usr/local/bin/$t --version | head -1
    done
    [ -d /var/lib/psk-tunnel ] && echo "state dir $(stat -c %a /var/lib/psk-tunnel)"
    cat /etc/modules-load.d/psk-tunnel.conf
  ' _ "$d" "$tun" "$root" >"$d.out" 2>&1
  echo $? >"$d.rc"
  set -e
}

scenario present present nothing
if [ "$(cat "$tmp/present.rc")" = 0 ]; then pass "with /dev/net/tun: the script succeeds"; else bad "with /dev/net/tun: exit $(cat "$tmp/present.rc")"; cat "$tmp/present.out"; fi
if grep -q '^modprobe' "$tmp/present/calls"; then bad "modprobe ran although /dev/net/tun exists"; else pass "no modprobe when /dev/net/tun exists"; fi
for t in psk-tunnel psk-keygen psk-provision psk-attest; do
  if grep -q "^$t 0" "$tmp/present.out"; then pass "$t installed and runs"; else bad "$t not installed or does not run"; fi
done
grep -q '^state dir 700$' "$tmp/present.out" && pass "state directory 0700" || bad "state directory mode"
grep -qx 'tun' "$tmp/present.out" && pass "tun loaded at boot (modules-load.d)" || bad "no modules-load.d entry"

scenario loads absent creates
if [ "$(cat "$tmp/loads.rc")" = 0 ] && grep -qx 'modprobe tun' "$tmp/loads/calls"; then
  pass "without /dev/net/tun: modprobe tun, then on"
else
  bad "without /dev/net/tun: exit $(cat "$tmp/loads.rc"), calls: $(tr '\n' ';' <"$tmp/loads/calls")"
fi

scenario nodriver absent nothing
if [ "$(cat "$tmp/nodriver.rc")" = 1 ] && grep -q '/dev/net/tun still missing after modprobe tun' "$tmp/nodriver.out"; then
  pass "no TUN driver: one line, exit 1"
else
  bad "no TUN driver: exit $(cat "$tmp/nodriver.rc")"
  tail -3 "$tmp/nodriver.out"
fi

echo "rpi5-deployment: $fail failed"
[ "$fail" -eq 0 ]
