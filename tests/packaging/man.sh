#!/usr/bin/env bash
# The man pages: `mandoc -T lint` finds nothing at level WARNING or above in man/*.1 (STYLE
# messages, such as input lines longer than 80 bytes, are ignored on purpose: -W warning), and
# every subcommand that `vpcprobe --help` lists has its page man/vpcprobe-SUBCOMMAND.1 that names
# every option `vpcprobe SUBCOMMAND --help` shows (long and short), is listed in vpcprobe(1), and
# no page is left for a subcommand that is gone. New subcommands are picked up from --help.
# Usage: man.sh PATH_TO_VPCPROBE SOURCE_DIR
set -uo pipefail
VPCPROBE=${1:?usage: $0 PATH_TO_VPCPROBE SOURCE_DIR}
SRC=${2:?usage: $0 PATH_TO_VPCPROBE SOURCE_DIR}
MAN=$SRC/man
passed=0 failed=0
ok() {
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok - $name"
  else failed=$((failed + 1)); echo "FAIL - $name"; fi
}
# A page as plain text for matching: groff's \- is a hyphen, font escapes go.
plain() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(em/-/g' "$1"; }
mentions() { grep -qE -- "(^|[^A-Za-z0-9-])$2([^A-Za-z0-9-]|$)" <<<"$1"; }

lint=$(mandoc -T lint -W warning "$MAN"/*.1 2>&1)
lint_rc=$?
ok "mandoc -T lint -W warning: clean (rc $lint_rc)${lint:+: $lint}" test "$lint_rc" = 0 -a -z "$lint"

subs=$("$VPCPROBE" --help | awk '/^Subcommands:/ {on = 1; next} on && /^[^ ]/ {on = 0} on && /^  [a-z]/ {print $1}')
ok "vpcprobe --help lists subcommands" test -n "$subs"
main_page=$(plain "$MAN/vpcprobe.1")
for sub in $subs; do
  page="$MAN/vpcprobe-$sub.1"
  if [ ! -f "$page" ]; then
    ok "$sub: man/vpcprobe-$sub.1 exists" false
    continue
  fi
  text=$(plain "$page")
  ok "$sub: page title is VPCPROBE-${sub^^}" grep -q "^\.TH VPCPROBE-${sub^^} 1 " "$page"
  ok "$sub: listed in vpcprobe(1) with its page" bash -c 'grep -qx "\.B $1" <<<"$0" && grep -q "vpcprobe-$1 (1)" <<<"$0"' "$main_page" "$sub"
  opts=$("$VPCPROBE" "$sub" --help | awk '/^Options:/ {on = 1; next} on && /^[^ ]/ {on = 0}
    on && /^  -/ {n = split($1, a, ","); for (i = 1; i <= n; i++) print a[i]}')
  missing=""
  for o in $opts; do
    mentions "$text" "$o" || missing+=" $o"
  done
  ok "$sub: every option of --help ($(echo $opts)) is in the page${missing:+; missing:$missing}" test -z "$missing"
done
for page in "$MAN"/vpcprobe-*.1; do
  sub=$(basename "$page" .1); sub=${sub#vpcprobe-}
  ok "man/$(basename "$page") belongs to a subcommand" grep -qx -- "$sub" <<<"$subs"
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
