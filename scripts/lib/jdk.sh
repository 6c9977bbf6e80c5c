# Sourced by the launchers and scripts: sets JAVA_HOME to a JDK 25 or newer.
# Order: JAVA_HOME if it is 25+, else `java` on PATH if 25+, else the newest JDK under /usr/lib/jvm.
java_major() { # prints the feature version of the java binary $1
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -1
}
find_jdk25() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(java_major "$JAVA_HOME/bin/java")" -ge 25 ] 2>/dev/null; then
    return 0
  fi
  if command -v java >/dev/null 2>&1; then
    local j; j=$(readlink -f "$(command -v java)")
    if [ "$(java_major "$j")" -ge 25 ] 2>/dev/null; then
      JAVA_HOME=$(dirname "$(dirname "$j")"); export JAVA_HOME; return 0
    fi
  fi
  local best="" bestv=0 d v
  for d in /usr/lib/jvm/*/; do
    d=${d%/}
    [ -x "$d/bin/java" ] && [ -x "$d/bin/javac" ] || continue
    v=$(java_major "$d/bin/java"); [ -n "$v" ] || continue
    if [ "$v" -ge 25 ] && [ "$v" -gt "$bestv" ]; then best=$d; bestv=$v; fi
  done
  if [ -z "$best" ]; then
    echo "error: no JDK 25 or newer found (checked JAVA_HOME, java on PATH, /usr/lib/jvm/*); install one, e.g. Temurin 25" >&2
    return 1
  fi
  JAVA_HOME=$best; export JAVA_HOME
}
