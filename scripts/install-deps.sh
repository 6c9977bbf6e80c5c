#!/usr/bin/env bash
# Installs the Debian packages the build, tests and demo need, only those missing.
# Needs root (or sudo). Safe to run repeatedly.
set -euo pipefail
PKGS=(maven softhsm2 opensc gnutls-bin swtpm swtpm-tools tpm2-tools tpm2-abrmd libtpm2-pkcs11-1
      libtpm2-pkcs11-tools libtss2-tcti-tabrmd0 libtss2-tcti-swtpm0 dbus iproute2 iperf3 nftables
      tcpdump wireguard-tools python3 python3-cryptography openssl jq procps psmisc
      util-linux coreutils hyperfine iputils-ping ethtool)
# The packages and their tests (scripts/package.sh, tests/package/): chroot, lintian, arm64 emulation.
PKGS+=(mmdebstrap lintian qemu-user-static file systemd binutils)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# wireguard-go is the benchmark's anchor (scripts/bench-tunnel.sh), so it must be a current one:
# bookworm's 0.0.20220316 predates wireguard-go's TUN and UDP offloads; bookworm-backports carries
# 0.0.20231211. On bookworm the backports suite is added with the URI and keyring of the bookworm
# entry already configured; elsewhere the distribution's package is taken as it is.
WG_MIN=0.0.20231211
wg_current() { dpkg --compare-versions "$(dpkg-query -W -f='${Version}' wireguard-go 2>/dev/null || echo 0)" ge "$WG_MIN"; }
if ! wg_current; then
  . /etc/os-release
  if [ "${VERSION_CODENAME:-}" = bookworm ]; then
    if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
      # The deb822 stanza whose Suites include "bookworm": its URIs and Signed-By.
      read -r uri key < <(awk 'BEGIN { RS = "" } /(^|\n)Suites:[^\n]*[ ]bookworm( |\n|$)/ {
          u = ""; k = ""
          n = split($0, l, "\n")
          for (i = 1; i <= n; i++) {
            if (l[i] ~ /^URIs:/) { sub(/^URIs:[ ]*/, "", l[i]); split(l[i], f, " "); u = f[1] }
            if (l[i] ~ /^Signed-By:/) { sub(/^Signed-By:[ ]*/, "", l[i]); k = l[i] }
          }
          print u, k; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
      uri=${uri:-http://deb.debian.org/debian} key=${key:-/usr/share/keyrings/debian-archive-keyring.gpg}
      printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: %s\n' "$uri" "$key" \
        | $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
    fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends -t bookworm-backports wireguard-go >/dev/null
  else
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends wireguard-go >/dev/null
  fi
  wg_current || echo "install-deps.sh: wireguard-go is older than $WG_MIN: benchmarks against it understate it" >&2
fi
