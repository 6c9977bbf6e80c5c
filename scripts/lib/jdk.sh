# Sourced by the launchers and scripts: sets JAVA_HOME to a JDK 25 or newer.
# Order: JAVA_HOME if it is 25+, else `java` on PATH if 25+, else the newest JDK under /usr/lib/jvm.
# A JDK's version is read from its `release` file (no JVM start: a launcher must start fast); only a
# JDK without one is asked with `java -XshowSettings`.

java_home_major() { # prints the feature version of the JDK at $1
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

find_jdk25() {
  local v
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    v=$(java_home_major "$JAVA_HOME") || v=0
    if [ "$v" -ge 25 ]; then export JAVA_HOME; return 0; fi
  fi
  if command -v java >/dev/null 2>&1; then
    local j; j=$(readlink -f "$(command -v java)")
    v=$(java_home_major "${j%/bin/java}") || v=0
    if [ "$v" -ge 25 ]; then JAVA_HOME=${j%/bin/java}; export JAVA_HOME; return 0; fi
  fi
  local best="" bestv=0 d
  for d in /usr/lib/jvm/*/; do
    d=${d%/}
    [ -x "$d/bin/java" ] && [ -x "$d/bin/javac" ] || continue
    [ -L "$d" ] && continue   # java-1.17.0-openjdk-amd64 style aliases: the real directory is listed too
    v=$(java_home_major "$d") || continue
    if [ "$v" -ge 25 ] && [ "$v" -gt "$bestv" ]; then best=$d; bestv=$v; fi
  done
  if [ -z "$best" ]; then
    echo "error: no JDK 25 or newer found (checked JAVA_HOME, java on PATH, /usr/lib/jvm/*); install one, e.g. Temurin 25" >&2
    return 1
  fi
  JAVA_HOME=$best; export JAVA_HOME
}
