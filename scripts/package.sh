#!/usr/bin/env bash
# Builds the Debian packages into dist/:
#   psk-toolkit_VERSION_all.deb            Debian 13+: depends on openjdk-25-jre-headless
#   psk-toolkit-bundled_VERSION_amd64.deb  hosts without a Java 25 package (Debian 12): a jlink
#                                          runtime under /usr/lib/psk-toolkit/runtime
# Usage: scripts/package.sh [--no-build] [--no-bundled]
#   --no-build    use the jars already in */target (the test suite, after `mvn package`)
# VERSION is the Maven project version; a -SNAPSHOT build becomes VERSION~gitYYYYMMDD.HASH.
# The bundled runtime is linked from the build JDK (a JDK 25 whose jlink can link its own runtime,
# like Temurin 25, or one with jmods/): amd64 only. See docs/deployment.md for arm64.
# lintian runs on every package when installed; its overrides are in packaging/lintian/.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
build=1 bundled=1
for a in "$@"; do
  case $a in
    --no-build) build=0 ;;
    --no-bundled) bundled=0 ;;
    *) echo "usage: scripts/package.sh [--no-build] [--no-bundled]" >&2; exit 2 ;;
  esac
done
. scripts/lib/jdk.sh
find_jdk25
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
command -v dpkg-deb >/dev/null || { echo "package.sh: dpkg-deb missing (apt-get install dpkg)" >&2; exit 1; }

# tool:module:main class:man section
TOOLS=(psk-keygen:keygen:dev.psk.keygen.cli.PskKeygen:1
       psk-attest:attestation:dev.psk.attest.cli.PskAttest:1
       psk-provision:provisioning:dev.psk.provision.cli.PskProvision:1
       psk-tunnel:tunnel:dev.psk.tunnel.cli.PskTunnel:8)
# The JDK modules the tools use (jdeps over every jar, plus the two loaded by name: JNDI for
# LDAP-free X.509 helpers, SunPKCS11 for the tokens), and the locale/charset providers.
JMODS=java.base,java.desktop,java.logging,java.naming,java.sql,jdk.crypto.cryptoki,jdk.crypto.ec,jdk.httpserver,jdk.unsupported,jdk.charsets,jdk.localedata

if [ "$build" = 1 ]; then
  echo "package.sh: building the jars" >&2
  mvn -q -B -ntp -DskipTests -pl keygen,attestation,tunnel,provisioning -am package
fi

pom_version=$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' pom.xml)
version=${pom_version%-SNAPSHOT}
if [ "$version" != "$pom_version" ]; then
  stamp=$(git log -1 --format=%cd --date=format:%Y%m%d 2>/dev/null || date -u +%Y%m%d)
  hash=$(git rev-parse --short=8 HEAD 2>/dev/null || echo 0)
  version="$version~git$stamp.$hash"
fi
debversion="$version-1"

work=$(mktemp -d /tmp/psk-package.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p dist

# --- the common tree: launchers, jars, man pages, completions, units, docs -------------------
stage=$work/tree
lib=$stage/usr/lib/psk-toolkit
share=$stage/usr/share/psk-toolkit
# Jars are architecture-independent: /usr/share/psk-toolkit/lib, reached as /usr/lib/psk-toolkit/lib.
install -d -m 0755 "$lib/bin" "$lib/scripts/lib" "$share/lib" "$stage/usr/bin" \
  "$stage/usr/share/man/man1" "$stage/usr/share/man/man8" "$stage/usr/share/bash-completion/completions" \
  "$stage/usr/lib/systemd/system" "$stage/usr/share/doc/psk-toolkit/examples" "$stage/usr/share/lintian/overrides"
ln -s ../../share/psk-toolkit/lib "$lib/lib"
install -m 0755 bin/_launch packaging/aot-train "$lib/bin/"
install -m 0644 scripts/lib/jdk.sh "$lib/scripts/lib/"
for spec in "${TOOLS[@]}"; do
  IFS=: read -r tool module main section <<<"$spec"
  install -m 0755 "bin/$tool" "$lib/bin/"
  ln -s "../lib/psk-toolkit/bin/$tool" "$stage/usr/bin/$tool"
  jar=$(ls "$module"/target/psk-"$module"-*.jar | grep -v -e '-tests.jar' -e '-sources.jar' | head -1)
  [ -f "$jar" ] || { echo "package.sh: no jar in $module/target (build first)" >&2; exit 1; }
  : >"$share/lib/$module.classpath"
  for j in "$jar" "$module"/target/lib/*.jar; do
    b=$(basename "$j")
    b=${b/-SNAPSHOT/}
    install -m 0644 "$j" "$share/lib/$b"
    echo "$b" >>"$share/lib/$module.classpath"
  done
done
# Man pages and completions come from the tools themselves, run from the staged tree.
for spec in "${TOOLS[@]}"; do
  IFS=: read -r tool module main section <<<"$spec"
  cp=$(sed "s:^:$lib/lib/:" "$lib/lib/$module.classpath" | paste -sd:)
  bash packaging/manpage.sh "$JAVA_HOME/bin/java" "$cp" "$main" "$tool" "$section" "$version" "$work/$tool.$section"
  gzip -9n <"$work/$tool.$section" >"$stage/usr/share/man/man$section/$tool.$section.gz"
  "$JAVA_HOME/bin/java" -cp "$cp" picocli.AutoComplete --force -n "$tool" -o "$work/$tool.bash" "$main" >/dev/null
  # A completion file is sourced, not run: no #! line (lintian: bash-completion-with-hashbang).
  sed '1{/^#!/d}' "$work/$tool.bash" >"$stage/usr/share/bash-completion/completions/$tool"
  chmod 0644 "$stage/usr/share/bash-completion/completions/$tool"
done
chmod 0644 "$stage"/usr/share/man/man*/*.gz
install -m 0644 deploy/systemd/*.service "$stage/usr/lib/systemd/system/"
install -m 0644 deploy/psk-tunnel.env.example "$stage/usr/share/doc/psk-toolkit/examples/psk-tunnel.env"
install -m 0644 packaging/examples/* "$stage/usr/share/doc/psk-toolkit/examples/"
for d in README.md docs/deployment.md docs/hub.md docs/keygen.md docs/attestation.md docs/threat-model.md; do
  install -m 0644 "$d" "$stage/usr/share/doc/psk-toolkit/"
done
install -m 0644 packaging/copyright "$stage/usr/share/doc/psk-toolkit/copyright"
sed "s/@VERSION@/$debversion/; s/@DATE@/$(date -u -R -d "@$(git log -1 --format=%ct 2>/dev/null || date +%s)")/" \
  packaging/changelog | gzip -9n >"$stage/usr/share/doc/psk-toolkit/changelog.Debian.gz"

# control.tar: maintainer scripts are the same for both packages.
control_common() { # $1 = DEBIAN dir
  install -d -m 0755 "$1"
  install -m 0755 packaging/postinst packaging/postrm "$1/"
  install -m 0644 packaging/triggers "$1/"
}

build_deb() { # $1 = tree, $2 = package, $3 = arch, $4 = Depends, $5 = extra control lines
  local tree=$1 pkg=$2 arch=$3 deps=$4 extra=$5 size
  control_common "$tree/DEBIAN"
  { sed "s/^psk-toolkit:/$pkg:/" packaging/lintian/psk-toolkit
    [ "$pkg" = psk-toolkit ] || cat "packaging/lintian/$pkg"; } >"$tree/usr/share/lintian/overrides/$pkg"
  chmod 0644 "$tree/usr/share/lintian/overrides/$pkg"
  if [ "$pkg" != psk-toolkit ]; then mv "$tree/usr/share/doc/psk-toolkit" "$tree/usr/share/doc/$pkg"; fi
  (cd "$tree" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) >"$tree/DEBIAN/md5sums"
  chmod 0644 "$tree/DEBIAN/md5sums"
  size=$(du -sk --exclude=DEBIAN "$tree" | cut -f1)
  {
    echo "Package: $pkg"
    echo "Version: $debversion"
    echo "Architecture: $arch"
    echo "Maintainer: psk toolkit developers <psk-toolkit@users.noreply.github.com>"
    echo "Installed-Size: $size"
    echo "Depends: $deps"
    echo "Recommends: iproute2, bash-completion"
    echo "Suggests: softhsm2, tpm2-tools"
    [ -n "$extra" ] && echo "$extra"
    echo "Section: net"
    echo "Priority: optional"
    echo "Homepage: https://github.com/psk-toolkit/psk-toolkit"
    cat packaging/description
  } >"$tree/DEBIAN/control"
  local out="dist/${pkg}_${debversion}_${arch}.deb"
  dpkg-deb --root-owner-group -Zgzip -z6 --build "$tree" "$out" >/dev/null
  echo "$out"
}

debs=()
debs+=("$(build_deb "$stage" psk-toolkit all 'openjdk-25-jre-headless | java25-runtime-headless' '')")

if [ "$bundled" = 1 ]; then
  arch=$(dpkg --print-architecture)
  bstage=$work/bundled
  cp -a "$stage" "$bstage"
  rm -rf "$bstage/DEBIAN"
  echo "package.sh: linking the $arch runtime from $JAVA_HOME" >&2
  "$JAVA_HOME/bin/jlink" --add-modules "$JMODS" --output "$bstage/usr/lib/psk-toolkit/runtime" \
    --strip-debug --no-header-files --no-man-pages --compress=zip-6 \
    --generate-cds-archive 2>&1 | grep -v '^Warning: The default' >&2 || true
  [ -x "$bstage/usr/lib/psk-toolkit/runtime/bin/java" ] || { echo "package.sh: jlink failed" >&2; exit 1; }
  # Debian ships stripped objects (lintian: unstripped-binary-or-object); some JDK builds (Temurin)
  # carry symbol tables in their native libraries and launchers, which jlink copies as they are.
  # strip refuses (and leaves alone) what is not an object file: only the ELF files change.
  find "$bstage/usr/lib/psk-toolkit/runtime" -type f ! -name '*.jar' ! -name '*.jsa' ! -name modules \
    -exec chmod u+w {} + -exec strip --strip-unneeded {} + 2>/dev/null || true
  # jlink writes read-only files; a package's files are 0644, its programs 0755.
  find "$bstage/usr/lib/psk-toolkit/runtime" -type d -exec chmod 0755 {} +
  find "$bstage/usr/lib/psk-toolkit/runtime" -type f -perm -u+x -exec chmod 0755 {} +
  find "$bstage/usr/lib/psk-toolkit/runtime" -type f ! -perm -u+x -exec chmod 0644 {} +
  # The runtime's own legal notices stay with it (lintian: see the override file).
  debs+=("$(build_deb "$bstage" psk-toolkit-bundled "$arch" 'libc6 (>= 2.31), zlib1g' \
    "$(printf 'Conflicts: psk-toolkit\nReplaces: psk-toolkit\nProvides: psk-toolkit (= %s)' "$debversion")")")
fi

for d in "${debs[@]}"; do
  echo "built $d ($(du -h "$d" | cut -f1))"
  if command -v lintian >/dev/null; then
    lintian --fail-on error,warning --suppress-tags-from-file /dev/null "$d" || { echo "package.sh: lintian rejected $d" >&2; exit 1; }
  fi
done
