#!/usr/bin/env bash
# Writes a troff man page for one tool from its picocli usage help, the tool's own words: the
# top-level help, then one section per subcommand, all from one JVM (packaging/HelpDump.java).
# Usage: manpage.sh JAVA CLASSPATH MAIN_CLASS TOOL SECTION VERSION OUTFILE
set -euo pipefail
java=$1 cp=$2 main=$3 name=$4 section=$5 version=$6 out=$7
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
dump=$("$java" -cp "$cp" "$here/HelpDump.java" "$main")

esc() { sed -e 's/\\/\\e/g' -e 's/^\([.'"'"']\)/\\\&\1/'; }
top=$(printf '%s\n' "$dump" | awk 'NR > 1 && /^@@@ / {exit} NR > 1 {print}')
summary=$(printf '%s\n' "$top" | sed -n '2,$p' | sed '/^ *-\|^$\|^Commands:/,$d' | tr '\n' ' ' \
  | sed 's/  */ /g; s/\. .*//; s/[ .]*$//')
{
  printf '.TH %s %s "" "psk-toolkit %s" "psk toolkit"\n' "$(echo "$name" | tr '[:lower:]' '[:upper:]')" "$section" "$version"
  printf '.SH NAME\n%s \\- %s\n' "$name" "$(printf '%s' "$summary" | esc)"
  printf '.SH SYNOPSIS\n.nf\n%s\n.fi\n' "$(printf '%s\n' "$top" | head -1 | sed 's/^Usage: //' | esc)"
  printf '%s\n' "$dump" | esc | awk -v tool="$name" '
    /^@@@/ { if (open) print ".fi"; sub(/^@@@ ?/, ""); t = toupper(tool (length($0) ? " " $0 : ""));
             printf ".SH \"%s\"\n.nf\n", t; open = 1; next }
    { print }
    END { if (open) print ".fi" }'
  printf '.SH "EXIT STATUS"\n0 success (a verifier: accepted), 1 failure (a verifier: rejected), 2 usage error,\n3 a daemon stopped on something only a person can fix (bad configuration, pad exhausted).\n'
  printf '.SH "SEE ALSO"\n/usr/share/doc/psk-toolkit/ (deployment.md, README.md)\n'
} > "$out"
