# Sourced by the launchers and scripts. Two finders:
#   find_java25  sets JAVA_HOME to any Java 25+ runtime: a JDK, a JRE (openjdk-25-jre-headless) or
#                a jlink image. The launchers use it: running the tools needs no compiler.
#   find_jdk25   sets JAVA_HOME to a Java 25+ JDK (has javac): the build, tests and benchmarks.
# Order: PSK_JAVA_HOME, JAVA_HOME, `java` on PATH, the newest under /usr/lib/jvm. A candidate that is
# named explicitly (PSK_JAVA_HOME) and is not 25+ is an error, not skipped. The version is read from
# the runtime's `release` file (no JVM start: a launcher must start fast); only a runtime without
# one is asked with `java -XshowSettings`. On failure: one line on stderr naming what was found.

java_home_major() { # prints the feature version of the Java runtime at $1
  local line v=""
  if [ -r "$1/release" ]; then
    while IFS= read -r line; do
      case $line in
        JAVA_VERSION=*) v=${line#JAVA_VERSION=}; v=${v//\"/}; v=${v%%[.+-]*}; break ;;
      esac
    done < "$1/release"
  fi
  if [ -z "$v" ] && [ -x "$1/bin/java" ]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -1)
  fi
  case $v in ''|*[!0-9]*) return 1 ;; esac
  printf '%s\n' "$v"
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
    v=$(java_home_major "$1") || v="?"
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
  if command -v java >/dev/null 2>&1; then
    j=$(readlink -f "$(command -v java)")
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
# hub config): Serial GC, C1 only and no perf-data file start them 20-30 % faster (docs/benchmarks.md,
# "Cold start and footprint"). Not psk-keygen (pad generation is long SHA-256 work that C2 does
# several times faster) nor psk-tunnel (a daemon). bin/_launch starts the tools with them and
# packaging/aot-train trains their AOT caches with them: a cache is made for one setting.
# Sets the array PSK_SHORT_OPTS for Maven module $1; empty for other modules or with PSK_SHORT_JVM=0.
short_jvm_opts() {
  PSK_SHORT_OPTS=()
  case $1 in
    attestation|provisioning)
      [ "${PSK_SHORT_JVM:-1}" = 0 ] || PSK_SHORT_OPTS=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData) ;;
  esac
}
