#!/usr/bin/env bash
# Writes a troff man page for one tool from its picocli --help output, the tool's own words: the
# top-level help, then one section per subcommand (found in the help's "Commands:" list, recursively).
# Usage: manpage.sh TOOL SECTION VERSION OUTFILE   (TOOL is a command that runs the tool)
set -euo pipefail
tool=$1 section=$2 version=$3 out=$4
name=$(basename "${tool%% *}")

esc() { sed -e 's/\\/\\e/g' -e 's/^\([.'"'"']\)/\\\&\1/'; }
subcommands() { # prints the subcommand names listed in a picocli help text on stdin
  awk '/^Commands:/ {c=1; next} c && /^  [a-z]/ {print $1} c && /^[^ ]/ {c=0}'
}
section_for() { # $@ = command words after the tool
  local help
  help=$($tool "$@" --help 2>&1)
  printf '.SH "%s"\n.nf\n' "$(echo "$name $*" | tr '[:lower:]' '[:upper:]' | sed 's/ *$//')"
  printf '%s\n' "$help" | esc
  printf '.fi\n'
  local s
  for s in $(printf '%s\n' "$help" | subcommands); do
    [ "$s" = help ] && continue
    section_for "$@" "$s"
  done
}
top=$($tool --help 2>&1)
summary=$(printf '%s\n' "$top" | sed -n '2,$p' | sed '/^ *-\|^$\|^Commands:/,$d' | tr '\n' ' ' \
  | sed 's/  */ /g; s/\. .*//; s/[ .]*$//')
{
  printf '.TH %s %s "" "psk-toolkit %s" "psk toolkit"\n' "$(echo "$name" | tr '[:lower:]' '[:upper:]')" "$section" "$version"
  printf '.SH NAME\n%s \\- %s\n' "$name" "$(printf '%s' "$summary" | esc)"
  printf '.SH SYNOPSIS\n.nf\n%s\n.fi\n' "$(printf '%s\n' "$top" | head -1 | sed 's/^Usage: //' | esc)"
  section_for
  printf '.SH "EXIT STATUS"\n0 success (a verifier: accepted), 1 failure (a verifier: rejected), 2 usage error,\n3 a daemon stopped on something only a person can fix (bad configuration, pad exhausted).\n'
  printf '.SH "SEE ALSO"\n'
  printf '/usr/share/doc/psk-toolkit/ (deployment.md, README.md)\n'
} > "$out"
