#!/usr/bin/env bash
# From a source checkout (the Debian package is the usual way: docs/deployment.md section 4).
# Installs the toolkit on a Raspberry Pi 5 (Raspberry Pi OS / Debian, arm64) or any Debian host:
#   1. a JDK 25 (Debian package when the release has one; otherwise says what to install),
#   2. the jars and launchers under /opt/psk-tunnel (built here with Maven if missing), with
#      /usr/local/bin/psk-tunnel, psk-keygen, psk-provision and psk-attest (signed and attested
#      handshakes need the last two on the device: identity key, pins, TPM quotes),
#   3. the tun module at boot (loaded now only when /dev/net/tun is missing: a kernel with TUN built
#      in has no module to load), /var/lib/psk-tunnel (0700), /etc/psk-tunnel,
#   4. the systemd unit psk-tunnel@.service and an example instance file,
#   5. the socket-buffer limits (tune_net_buffers.sh).
# Run from a checkout of the project, as root: sudo bash deploy/rpi5_deployment.sh
# Re-running upgrades the installed files; state files and pads are never touched.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
PREFIX=${PREFIX:-/opt/psk-tunnel}
[ "$(id -u)" -eq 0 ] || { echo "rpi5_deployment.sh: run as root (sudo bash $0)" >&2; exit 1; }

say() { printf '==> %s\n' "$*"; }

# 1. JDK 25
. "$root/scripts/lib/jdk.sh"
if ! find_java25 2>/dev/null; then
  say "no JDK 25 found; looking for a Debian package"
  apt-get update -qq
  pkg=""
  for p in openjdk-25-jdk-headless openjdk-25-jre-headless temurin-25-jdk temurin-25-jre; do
    if apt-cache show "$p" >/dev/null 2>&1; then pkg=$p; break; fi
  done
  if [ -z "$pkg" ]; then
    cat >&2 <<'MSG'
rpi5_deployment.sh: this Debian release has no JDK 25 package. Install one, then re-run:
  - Eclipse Temurin 25 (arm64 and amd64): add the Adoptium apt repository
    (https://adoptium.net/installation/linux/) and `apt-get install temurin-25-jre`, or
  - unpack a JDK 25 tarball under /usr/lib/jvm/ (the launchers search there).
MSG
    exit 1
  fi
  say "installing $pkg"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" iproute2 >/dev/null
  find_java25
fi
say "Java: $JAVA_HOME"

# 2. jars and launchers: module directory and tool name of each
modules="tunnel keygen provisioning attestation"
tool() { case $1 in provisioning) echo psk-provision ;; attestation) echo psk-attest ;; *) echo "psk-$1" ;; esac; }
for m in $modules; do
  if ! ls "$root/$m/target/psk-$m-"*.jar >/dev/null 2>&1 || [ ! -d "$root/$m/target/lib" ]; then
    command -v mvn >/dev/null || { echo "rpi5_deployment.sh: $m/target has no jar and Maven is missing: build on another machine (mvn -DskipTests -pl tunnel,keygen,provisioning,attestation -am package) and copy the checkout" >&2; exit 1; }
    say "building $m"
    (cd "$root" && MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow" mvn -q -B -ntp -DskipTests -pl "$m" -am package)
  fi
done
say "installing into $PREFIX"
install -d -m 0755 "$PREFIX/bin" "$PREFIX/scripts/lib" "$PREFIX/docs"
install -m 0755 "$root/bin/_launch" "$PREFIX/bin/"
for m in $modules; do
  install -m 0755 "$root/bin/$(tool "$m")" "$PREFIX/bin/"
done
install -m 0644 "$root/scripts/lib/jdk.sh" "$PREFIX/scripts/lib/"
for m in $modules; do
  rm -rf "$PREFIX/$m"
  install -d -m 0755 "$PREFIX/$m/target/lib"
  jar=$(ls "$root/$m/target/psk-$m-"*.jar | grep -v -- '-tests.jar' | head -1)
  install -m 0644 "$jar" "$PREFIX/$m/target/"
  install -m 0644 "$root/$m/target/lib/"*.jar "$PREFIX/$m/target/lib/"
done
install -m 0644 "$root/docs/deployment.md" "$PREFIX/docs/" 2>/dev/null || true
for m in $modules; do
  ln -sf "$PREFIX/bin/$(tool "$m")" "/usr/local/bin/$(tool "$m")"
done
# Class-data sharing archive: create it now, as root, so the hardened service (read-only /opt) starts fast.
"$PREFIX/bin/psk-tunnel" --version >/dev/null

# 3. tun device, directories. Check the device first: with TUN built into the kernel (or the
# module already loaded) there is nothing to load, and modprobe would fail for a built-in driver.
echo tun >/etc/modules-load.d/psk-tunnel.conf
if [ ! -c /dev/net/tun ]; then
  modprobe tun || { echo "rpi5_deployment.sh: /dev/net/tun is missing and 'modprobe tun' failed: this kernel has no TUN driver (CONFIG_TUN)" >&2; exit 1; }
  [ -c /dev/net/tun ] || { echo "rpi5_deployment.sh: /dev/net/tun still missing after modprobe tun (create it: mknod /dev/net/tun c 10 200)" >&2; exit 1; }
fi
install -d -m 0700 /var/lib/psk-tunnel
install -d -m 0755 /etc/psk-tunnel /mnt/secure

# 4. systemd
if [ -d /etc/systemd/system ]; then
  sed "s#/usr/bin/psk-tunnel#$PREFIX/bin/psk-tunnel#" "$root/deploy/systemd/psk-tunnel@.service" \
    >/etc/systemd/system/psk-tunnel@.service
  install -m 0644 "$root/deploy/psk-tunnel.env.example" /etc/psk-tunnel/example.env.sample
  command -v systemctl >/dev/null && systemctl daemon-reload 2>/dev/null || true
  say "systemd unit installed: write /etc/psk-tunnel/NAME.env (see example.env.sample), then systemctl enable --now psk-tunnel@NAME"
fi

# 5. socket buffers
bash "$root/deploy/tune_net_buffers.sh"

say "done: $("$PREFIX/bin/psk-tunnel" --version | head -1)"
say "next: mount the pad at /mnt/secure (docs/deployment.md), then deploy/rpi5_launch.sh or the service"
