#!/usr/bin/env bash
# Installs the Debian packages the build, tests and demo need, only those missing.
# Needs root (or sudo). Safe to run repeatedly.
set -euo pipefail
PKGS=(maven softhsm2 opensc gnutls-bin swtpm swtpm-tools tpm2-tools tpm2-abrmd libtpm2-pkcs11-1
      libtpm2-pkcs11-tools libtss2-tcti-tabrmd0 libtss2-tcti-swtpm0 dbus iproute2 iperf3 nftables
      tcpdump wireguard-go wireguard-tools python3 python3-cryptography openssl jq procps psmisc
      util-linux coreutils hyperfine iputils-ping ethtool)
# The packages and their tests (scripts/package.sh, tests/package/): chroot, lintian, arm64 emulation.
PKGS+=(mmdebstrap lintian qemu-user-static file systemd)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}" >&2
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
