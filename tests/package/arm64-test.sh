#!/usr/bin/env bash
# arm64 as far as this amd64 machine can go: Debian 13's arm64 openjdk-25-jre-headless (unpacked
# from the archive with mmdebstrap --variant=extract, not installed: no maintainer scripts run)
# under qemu-user-static, driving the .deb's own launcher and jars (dpkg-deb -x). Exercised:
# `java -version`, psk-keygen generate and verify (the launcher's Java detection, the jars, the
# SHA-256 and health-test code on an arm64 JIT). Not exercised: TUN, the tunnel's data path,
# PKCS#11, systemd, the package's maintainer scripts on arm64 (see docs/deployment.md).
# Cached like chroot-test.sh. Prints PASS/FAIL lines.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
deb=${1:-$(ls -t "$root"/dist/psk-toolkit_*_all.deb 2>/dev/null | head -1)}
[ -f "$deb" ] || { echo "arm64-test.sh: no dist/psk-toolkit_*_all.deb: run scripts/package.sh first" >&2; exit 1; }
qemu=$(command -v qemu-aarch64-static) || { echo "arm64-test.sh: qemu-user-static missing" >&2; exit 1; }
cache=${PSK_CHROOT_CACHE:-/var/cache/psk-toolkit-test}
mirror=${PSK_DEBIAN_MIRROR:-http://deb.debian.org/debian}
tarball="$cache/trixie-arm64-jre-$(date +%G-W%V).tar"

install -d -m 0755 "$cache"
exec 9>"$cache/.lock-arm64"
flock 9
if [ ! -s "$tarball" ]; then
  echo "unpacking Debian 13 arm64 openjdk-25-jre-headless ($tarball)" >&2
  mmdebstrap --mode=root --format=tar --variant=extract --arch=arm64 --include=openjdk-25-jre-headless \
    trixie "$tarball.tmp" "$mirror" >&2
  mv -f "$tarball.tmp" "$tarball"
  find "$cache" -maxdepth 1 -name 'trixie-arm64-jre-*.tar' ! -name "$(basename "$tarball")" -delete
fi
flock -u 9

work=$(mktemp -d "/tmp/psk-pkg-arm64.$$.XXXXXX")
trap 'rm -rf --one-file-system "$work"' EXIT
mkdir "$work/sysroot" "$work/pkg" "$work/java/bin" -p
tar -C "$work/sysroot" -xf "$tarball"
dpkg-deb -x "$deb" "$work/pkg"
# --variant=extract leaves the merged-/usr links to the maintainer scripts it does not run.
for d in lib bin sbin; do [ -e "$work/sysroot/$d" ] || ln -s "usr/$d" "$work/sysroot/$d"; done
jre=$(ls -d "$work"/sysroot/usr/lib/jvm/java-25-openjdk-arm64)
# Debian's JRE links its conf/ and lib/ files to /etc/java-25-openjdk and /usr/share/...: point
# those absolute links into the sysroot (qemu's -L covers the loader and libraries, not symlinks).
find "$jre" -type l -lname '/*' | while IFS= read -r l; do ln -sfn "$work/sysroot$(readlink "$l")" "$l"; done
# A JAVA_HOME whose bin/java runs the arm64 binary under qemu; the launcher reads its release file.
cp "$jre/release" "$work/java/release"
cat >"$work/java/bin/java" <<EOF
#!/bin/sh
exec $qemu -L $work/sysroot $jre/bin/java "\$@"
EOF
chmod +x "$work/java/bin/java"

fails=0
run() { # NAME COMMAND...
  local name=$1 out; shift
  if out=$("$@" 2>&1); then echo "PASS $name"; else echo "FAIL $name"; printf '%s\n' "$out" | tail -10 | sed 's/^/    /'; fails=$((fails + 1)); fi
}
file -L "$jre/bin/java" | grep -q 'ARM aarch64' && echo "PASS the runtime is arm64 ($(file -bL "$jre/bin/java" | cut -d, -f1-2))"
run "arm64 java -version" sh -c "'$work/java/bin/java' -version 2>&1 | tee /dev/stderr | grep -q 'version \"25'"
run "arm64 os.arch" sh -c "'$work/java/bin/java' -XshowSettings:properties -version 2>&1 | grep -q 'os.arch = aarch64'"
# C1 only: under emulation the C2 compiler's work costs more than it returns in a short run.
export PSK_JAVA_HOME="$work/java" PSK_AOT=0 PSK_JAVA_OPTS="-XX:TieredStopAtLevel=1 -Xshare:auto"
kg="$work/pkg/usr/lib/psk-toolkit/bin/psk-keygen"
t0=$(date +%s)
run "arm64 psk-keygen generate" "$kg" generate "$work/pad.bin" --size 64KiB
run "arm64 psk-keygen verify" "$kg" verify "$work/pad.bin"
run "arm64 psk-keygen verify rejects a changed pad" sh -c \
  "printf x | dd of='$work/pad.bin' bs=1 seek=7 conv=notrunc 2>/dev/null; '$kg' verify '$work/pad.bin' >'$work/v.out' 2>&1; test \$? -eq 1 && grep -qi 'mismatch\\|does not match\\|reject' '$work/v.out'"
echo "arm64 keygen runs took $(( $(date +%s) - t0 )) s under qemu"
echo "arm64 test: $fails failure(s)"
[ "$fails" -eq 0 ]
