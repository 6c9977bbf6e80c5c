#!/usr/bin/env bash
# The package as a user gets it (root; run by PackageChrootTest, or by hand after
# scripts/package.sh): a Debian 13 chroot from the Debian archive (mmdebstrap), the .deb installed
# with apt, every tool used, the units checked with trixie's systemd-analyze, then the package
# removed and purged with nothing of it left.
# The chroot is cached as a tarball in $PSK_CHROOT_CACHE (default /var/cache/psk-toolkit-test),
# keyed by suite, ISO week and package list: a week-old base is still a valid Debian 13 and apt
# installs the .deb's dependencies from the archive if the base lacks any. Prints PASS/FAIL lines
# and "SCORE unit exposure" lines (systemd-analyze security).
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "chroot-test.sh: needs root" >&2; exit 1; }
deb=${1:-$(ls -t "$root"/dist/psk-toolkit_*_all.deb 2>/dev/null | head -1)}
[ -f "$deb" ] || { echo "chroot-test.sh: no dist/psk-toolkit_*_all.deb: run scripts/package.sh first" >&2; exit 1; }
cache=${PSK_CHROOT_CACHE:-/var/cache/psk-toolkit-test}
mirror=${PSK_DEBIAN_MIRROR:-http://deb.debian.org/debian}
INC="openjdk-25-jre-headless,softhsm2,man-db,systemd,iproute2,procps,ca-certificates,bash-completion"
key=$(printf '%s' "$INC" | sha256sum | cut -c1-8)
tarball="$cache/trixie-amd64-$(date +%G-W%V)-$key.tar"

fails=0
pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
check() { # check NAME COMMAND...: runs COMMAND in the chroot
  local name=$1; shift
  local out
  if out=$(chroot "$ch" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@" 2>&1); then
    pass "$name"
  else
    fail "$name"; printf '%s\n' "$out" | tail -15 | sed 's/^/    /'
  fi
}

install -d -m 0755 "$cache"
exec 9>"$cache/.lock"
flock 9
if [ ! -s "$tarball" ]; then
  echo "making the Debian 13 base ($tarball; a few minutes, once a week)" >&2
  t0=$(date +%s)
  mmdebstrap --mode=root --format=tar --variant=apt --include="$INC" --skip=cleanup/apt/lists \
    trixie "$tarball.tmp" "$mirror" >&2
  mv -f "$tarball.tmp" "$tarball"
  echo "base made in $(( $(date +%s) - t0 )) s" >&2
  find "$cache" -maxdepth 1 -name 'trixie-amd64-*.tar' ! -name "$(basename "$tarball")" -delete
fi
flock -u 9

ch=$(mktemp -d "/tmp/psk-pkg-chroot.$$.XXXXXX")
cleanup() {
  for m in dev/pts dev proc; do umount -l "$ch/$m" 2>/dev/null || true; done
  rm -rf --one-file-system "$ch"
}
trap cleanup EXIT
tar -C "$ch" -xf "$tarball"
mount -t proc proc "$ch/proc"
mount --bind /dev "$ch/dev"
cp "$deb" "$ch/tmp/"
install -d "$ch/tmp/quote"
cp "$root"/attestation/src/test/resources/dev/psk/attest/tools54/{ak.pem,q.msg,q.sig,q.pcrs} "$ch/tmp/quote/"
cp "$root/deploy/psk-tunnel.env.example" "$ch/tmp/site.env"

t0=$(date +%s)
check "apt installs $(basename "$deb")" \
  sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends /tmp/$(basename "$deb") >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; exit 1; }"
echo "install took $(( $(date +%s) - t0 )) s"

check "four launchers in /usr/bin" sh -c 'for t in psk-keygen psk-tunnel psk-provision psk-attest; do test -x /usr/bin/$t || exit 1; done'
check "/var/lib/psk-tunnel is 0700 root" sh -c 'test "$(stat -c %a:%U /var/lib/psk-tunnel)" = 700:root'
check "AOT caches made at install" sh -c 'ls /var/cache/psk-toolkit/psk-keygen.aot /var/cache/psk-toolkit/psk-tunnel.aot'
check "the launcher takes the JRE (no javac)" sh -c 'test ! -e /usr/lib/jvm/java-25-openjdk-amd64/bin/javac && psk-keygen --version | grep -q "Java 25"'
check "a Java that is too old is named in one line" sh -c '
  mkdir -p /tmp/old17/bin && ln -sf /bin/true /tmp/old17/bin/java && echo "JAVA_VERSION=\"17.0.9\"" > /tmp/old17/release
  out=$(PSK_JAVA_HOME=/tmp/old17 psk-keygen --version 2>&1) && exit 1
  test "$(printf "%s\n" "$out" | wc -l)" -eq 1 && printf "%s" "$out" | grep -q "PSK_JAVA_HOME=/tmp/old17: Java 17"'
check "psk-keygen generate" psk-keygen generate /tmp/pad.bin --size 1MiB
check "psk-keygen verify" psk-keygen verify /tmp/pad.bin
check "psk-keygen verify rejects a changed pad" sh -c 'printf x | dd of=/tmp/pad.bin bs=1 seek=100 conv=notrunc 2>/dev/null; ! psk-keygen verify /tmp/pad.bin'
check "psk-provision token init (SoftHSM2)" sh -c '
  set -e; umask 077; mkdir -p /tmp/hsm/tokens
  printf "directories.tokendir = /tmp/hsm/tokens\nobjectstore.backend = file\n" > /tmp/hsm/softhsm2.conf
  printf "12345678\n" > /tmp/hsm/so.pin; printf "1234\n" > /tmp/hsm/user.pin
  SOFTHSM2_CONF=/tmp/hsm/softhsm2.conf psk-provision token init --module /usr/lib/softhsm/libsofthsm2.so \
    --label device --so-pin-file /tmp/hsm/so.pin --pin-file /tmp/hsm/user.pin'
check "psk-provision identity create + sign + verify (SoftHSM2)" sh -c '
  set -e; export SOFTHSM2_CONF=/tmp/hsm/softhsm2.conf; M=/usr/lib/softhsm/libsofthsm2.so; mkdir -p /tmp/id
  psk-provision identity create --token "pkcs11:token=device?module-path=$M" --pin-file /tmp/hsm/user.pin \
    --label site-a --out /tmp/id
  key=$(sed -n "s/.*\"key_uri\" *: *\"\([^\"]*\)\".*/\1/p" /tmp/id/site-a.identity.json)
  echo hello > /tmp/id/msg.bin
  psk-provision identity sign --key "$key" --pin-file /tmp/hsm/user.pin --in /tmp/id/msg.bin --out /tmp/id/msg.sig
  psk-provision identity verify --pub /tmp/id/site-a.pub.pem --in /tmp/id/msg.bin --sig /tmp/id/msg.sig'
check "psk-attest verify accepts the committed quote" sh -c \
  'cd /tmp/quote && psk-attest verify --ak ak.pem -m q.msg -s q.sig -q 0102030405060708 -l sha256:0-7 -f q.pcrs | grep -q ACCEPT'
check "psk-attest verify rejects another nonce" sh -c \
  'cd /tmp/quote && ! psk-attest verify --ak ak.pem -m q.msg -s q.sig -q 0102030405060709 -l sha256:0-7 -f q.pcrs'
check "man psk-tunnel" sh -c 'man -P cat psk-tunnel 2>/dev/null | grep -q "PSK-TUNNEL HUB SERVER"'
check "man psk-keygen" sh -c 'man -P cat 1 psk-keygen 2>/dev/null | grep -q "PSK-KEYGEN GENERATE"'
check "bash completion" bash -c '. /usr/share/bash-completion/completions/psk-keygen && complete -p psk-keygen | grep -q _complete_psk-keygen'
for u in psk-tunnel@site-a psk-hub@hub0 psk-hub-client@alice; do
  check "systemd-analyze verify $u" sh -c \
    "cp /usr/lib/systemd/system/${u%@*}@.service /tmp/$u.service && cd /tmp && systemd-analyze verify --man=no /tmp/$u.service"
  score=$(chroot "$ch" sh -c "cd /tmp && systemd-analyze security --offline=yes /tmp/$u.service 2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) \([A-Z]*\).*/\1 \2/p'")
  if [ -n "$score" ]; then echo "SCORE ${u%@*}@.service $score"; pass "systemd-analyze security $u: $score"; else fail "systemd-analyze security $u"; fi
done
check "the daemon's usage error exits 2 (no restart)" sh -c 'psk-tunnel --psk /tmp/pad.bin >/dev/null 2>&1; test $? -eq 2'

check "apt removes it" sh -c 'DEBIAN_FRONTEND=noninteractive apt-get remove -y psk-toolkit >/tmp/rm.log 2>&1 || { cat /tmp/rm.log; exit 1; }'
check "nothing of it left but state and config" sh -c '
  for p in /usr/bin/psk-keygen /usr/lib/psk-toolkit /usr/share/man/man8/psk-tunnel.8.gz /var/cache/psk-toolkit \
           /usr/lib/systemd/system/psk-tunnel@.service /usr/share/bash-completion/completions/psk-tunnel; do
    test ! -e $p || { echo "left: $p"; exit 1; }
  done; test -d /var/lib/psk-tunnel'
check "apt purges it" sh -c 'DEBIAN_FRONTEND=noninteractive apt-get purge -y psk-toolkit >/dev/null 2>&1 && ! dpkg -s psk-toolkit >/dev/null 2>&1'

# --- the self-contained package on Debian 12, which has no Java 25 at all ----------------------
bundled=$(ls -t "$root"/dist/psk-toolkit-bundled_*_amd64.deb 2>/dev/null | head -1 || true)
if [ -n "$bundled" ] && [ "${PSK_SKIP_BUNDLED:-0}" != 1 ]; then
  bw="$cache/bookworm-amd64-$(date +%G-W%V).tar"
  flock 9
  if [ ! -s "$bw" ]; then
    echo "making the Debian 12 base ($bw)" >&2
    mmdebstrap --mode=root --format=tar --variant=apt --include=man-db,procps bookworm "$bw.tmp" "$mirror" >&2
    mv -f "$bw.tmp" "$bw"
    find "$cache" -maxdepth 1 -name 'bookworm-amd64-*.tar' ! -name "$(basename "$bw")" -delete
  fi
  flock -u 9
  cleanup
  ch=$(mktemp -d "/tmp/psk-pkg-chroot12.$$.XXXXXX")
  tar -C "$ch" -xf "$bw"
  mount -t proc proc "$ch/proc"
  mount --bind /dev "$ch/dev"
  cp "$bundled" "$ch/tmp/"
  install -d "$ch/tmp/quote"
  cp "$root"/attestation/src/test/resources/dev/psk/attest/tools54/{ak.pem,q.msg,q.sig,q.pcrs} "$ch/tmp/quote/"
  check "Debian 12 has no Java" sh -c '! command -v java && ! ls -d /usr/lib/jvm/* 2>/dev/null'
  check "apt installs $(basename "$bundled") on Debian 12" \
    sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends /tmp/$(basename "$bundled") >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; exit 1; }"
  check "Debian 12: the bundled runtime runs the tools" sh -c 'psk-keygen --version | grep -q "Java 25"'
  check "Debian 12: AOT caches made for the bundled runtime" ls /var/cache/psk-toolkit/psk-attestation.aot
  check "Debian 12: psk-keygen generate + verify" sh -c 'psk-keygen generate /tmp/pad.bin --size 1MiB && psk-keygen verify /tmp/pad.bin'
  check "Debian 12: psk-attest verify accepts the committed quote" sh -c \
    'cd /tmp/quote && psk-attest verify --ak ak.pem -m q.msg -s q.sig -q 0102030405060708 -l sha256:0-7 -f q.pcrs | grep -q ACCEPT'
  check "Debian 12: man psk-tunnel" sh -c 'man -P cat psk-tunnel 2>/dev/null | grep -q "PSK-TUNNEL SHOW"'
  check "Debian 12: apt purges it, runtime included" sh -c \
    'DEBIAN_FRONTEND=noninteractive apt-get purge -y psk-toolkit-bundled >/dev/null 2>&1 && test ! -e /usr/lib/psk-toolkit && test ! -e /usr/bin/psk-tunnel'
fi

echo "chroot test: $fails failure(s)"
[ "$fails" -eq 0 ]
