# Sourced by the launchers and scripts. Two finders:
#   find_java25  sets JAVA_HOME to any Java 25+ runtime: a JDK, a JRE (openjdk-25-jre-headless) or
#                a jlink image. The launchers use it: running the tools needs no compiler.
#   find_jdk25   sets JAVA_HOME to a Java 25+ JDK (has javac): the build, tests and benchmarks.
# Order: PSK_JAVA_HOME, JAVA_HOME, `java` on PATH, the newest under /usr/lib/jvm. A candidate that is
# named explicitly (PSK_JAVA_HOME) and is not 25+ is an error, not skipped. The version is read from
# the runtime's `release` file (no JVM start: a launcher must start fast); only a runtime without
# one is asked with `java -XshowSettings`. On failure: one line on stderr naming what was found.

# _psk_major HOME: sets _psk_v to the feature version of the Java runtime at HOME; fails when unknown.
# No subshell: the launcher calls it for each candidate on every start.
_psk_major() {
  local line
  _psk_v=""
  if [ -r "$1/release" ]; then
    while IFS= read -r line; do
      case $line in
        JAVA_VERSION=*) _psk_v=${line#JAVA_VERSION=}; _psk_v=${_psk_v//\"/}; _psk_v=${_psk_v%%[.+-]*}; break ;;
      esac
    done < "$1/release"
  fi
  if [ -z "$_psk_v" ] && [ -x "$1/bin/java" ]; then
    _psk_v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -1)
  fi
  case $_psk_v in ''|*[!0-9]*) return 1 ;; esac
}

java_home_major() { # prints the feature version of the Java runtime at $1
  _psk_major "$1" && printf '%s\n' "$_psk_v"
}

java_major() { # prints the feature version of the java binary $1 (kept for callers of the old name)
  local j; j=$(readlink -f "$1") || return 1
  java_home_major "${j%/bin/java}"
}

# _psk_find_java NEED_JAVAC: the search behind both finders; appends what it rejected to _psk_seen.
_psk_find_java() {
  local need_javac=$1 v d j best="" bestv=0
  _psk_seen=()
  _psk_ok() { # $1 = candidate home, $2 = label; succeeds when it is usable
    [ -x "$1/bin/java" ] || { _psk_seen+=("$2: no bin/java"); return 1; }
    if _psk_major "$1"; then v=$_psk_v; else v="?"; fi
    if [ "$need_javac" = 1 ] && [ ! -x "$1/bin/javac" ]; then
      _psk_seen+=("$2: Java $v without javac"); return 1
    fi
    [ "$v" != "?" ] && [ "$v" -ge 25 ] && return 0
    _psk_seen+=("$2: Java $v"); return 1
  }
  if [ -n "${PSK_JAVA_HOME:-}" ]; then
    if _psk_ok "$PSK_JAVA_HOME" "PSK_JAVA_HOME=$PSK_JAVA_HOME"; then JAVA_HOME=$PSK_JAVA_HOME; export JAVA_HOME; return 0; fi
    return 1
  fi
  if [ -n "${_PSK_BUNDLED_JAVA:-}" ] && [ -x "$_PSK_BUNDLED_JAVA/bin/java" ] && [ "$need_javac" = 0 ]; then
    JAVA_HOME=$_PSK_BUNDLED_JAVA; export JAVA_HOME; return 0
  fi
  if [ -n "${JAVA_HOME:-}" ]; then
    if _psk_ok "$JAVA_HOME" "JAVA_HOME=$JAVA_HOME"; then export JAVA_HOME; return 0; fi
  fi
  # `java` on PATH, found without a fork (as `command -v` would) and resolved only if a symlink.
  j=""
  local IFS=:
  for d in $PATH; do
    if [ -f "${d:-.}/java" ] && [ -x "${d:-.}/java" ]; then j=${d:-.}/java; break; fi
  done
  IFS=$' \t\n'
  if [ -n "$j" ]; then
    [ -L "$j" ] && j=$(readlink -f "$j")
    if _psk_ok "${j%/bin/java}" "java on PATH (${j%/bin/java})"; then JAVA_HOME=${j%/bin/java}; export JAVA_HOME; return 0; fi
  fi
  for d in /usr/lib/jvm/*/; do
    d=${d%/}
    [ -L "$d" ] && continue   # java-1.17.0-openjdk-amd64 style aliases: the real directory is listed too
    [ -x "$d/bin/java" ] || continue
    _psk_ok "$d" "$d" || continue
    if [ "$v" -gt "$bestv" ]; then best=$d; bestv=$v; fi
  done
  [ -n "$best" ] || { [ -d /usr/lib/jvm ] || _psk_seen+=("no /usr/lib/jvm"); return 1; }
  JAVA_HOME=$best; export JAVA_HOME
}

_psk_not_found() { # $1 = what is needed, $2 = what to install
  local seen="nothing"
  if [ ${#_psk_seen[@]} -gt 0 ]; then seen=$(IFS=';'; printf '%s' "${_psk_seen[*]}"); seen=${seen//;/, }; fi
  echo "error: no $1 25 or newer (found: $seen); $2" >&2
}

find_java25() {
  _psk_find_java 0 && return 0
  _psk_not_found "Java runtime" "install openjdk-25-jre-headless (Debian 13) or the psk-toolkit-bundled package, or set PSK_JAVA_HOME"
  return 1
}

find_jdk25() {
  _psk_find_java 1 && return 0
  _psk_not_found "JDK (with javac)" "install a JDK 25, e.g. openjdk-25-jdk-headless or Temurin 25, or set PSK_JAVA_HOME"
  return 1
}

# The JVM flags of the tools whose every command is short (verify a quote, provision a key, edit a
# hub config), and of any tool's help request: Serial GC, C1 only and no perf-data file start them
# 20-30 % faster (docs/benchmarks.md, "Cold start and footprint"). Not psk-keygen's or psk-tunnel's
# real commands (pad generation is long SHA-256 work that C2 does several times faster; the tunnel is
# a daemon). bin/_launch starts the tools with them and aot_train trains the AOT caches with them: a
# cache is made for one setting.
# short_jvm_opts MODULE [KIND]: sets the array PSK_SHORT_OPTS for Maven module MODULE and KIND (run, the
# default, or help); empty for the other modules' runs or with PSK_SHORT_JVM=0.
short_jvm_opts() {
  PSK_SHORT_OPTS=()
  [ "${PSK_SHORT_JVM:-1}" = 0 ] && return 0
  case $1:${2:-run} in
    attestation:*|provisioning:*|*:help) PSK_SHORT_OPTS=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData) ;;
  esac
}

# request_kind ARGS...: sets PSK_KIND to help when the last argument asks for help or the version
# (-h, --help, -V, --version: text made at build time, PrerenderedHelp), else to run. Each kind has
# its own flags and AOT cache.
request_kind() {
  PSK_KIND=run
  [ $# -gt 0 ] || return 0
  case ${!#} in -h|--help|-V|--version) PSK_KIND=help ;; esac
}

# aot_cache DIR MODULE KIND: prints nothing; sets PSK_AOT_FILE to the AOT cache of MODULE for KIND in DIR.
aot_cache() {
  if [ "$3" = help ]; then PSK_AOT_FILE=$1/psk-$2-help.aot; else PSK_AOT_FILE=$1/psk-$2.aot; fi
}

# aot_train JAVA MODULE MAIN CLASSPATH DIR: makes both AOT caches (JEP 483/514/515) of a tool in DIR,
# each trained with the flags it is used with. run: `--help` through picocli (the pre-rendered help
# off), which loads the command model and CLI classes, most of a real short command's start; help:
# `--help` as a user runs it. Each is written to a temporary file and renamed into place; a stale
# or foreign cache is ignored by the JVM, so a failure costs speed, never correctness. Returns
# non-zero when either was not made.
aot_train() {
  local java=$1 module=$2 main=$3 cp=$4 dir=$5 kind tmp rc=0 extra
  for kind in run help; do
    short_jvm_opts "$module" "$kind"
    aot_cache "$dir" "$module" "$kind"
    tmp="$dir/.psk-$module-$kind.aot.$$"
    extra=()
    [ "$kind" = run ] && extra=(-Dpsk.help.prerendered=false)
    if "$java" --enable-native-access=ALL-UNNAMED "${PSK_SHORT_OPTS[@]}" "${extra[@]}" \
         -XX:AOTCacheOutput="$tmp" -Xlog:aot=off -Xlog:cds=off -cp "$cp" "$main" --help >/dev/null 2>&1 \
         && [ -s "$tmp" ]; then
      chmod 0644 "$tmp" && mv -f "$tmp" "$PSK_AOT_FILE" || rc=1
    else
      rm -f "$tmp" "$tmp.config"
      rc=1
    fi
  done
  return $rc
}
