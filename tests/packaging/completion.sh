#!/usr/bin/env bash
# Bash completion (packaging/bash-completion/vpcprobe): sourcing it registers _vpcprobe for
# vpcprobe, and completing typical command lines gives the expected words. It reads subcommands
# and options from the vpcprobe under test (put first on PATH).
# Usage: completion.sh PATH_TO_VPCPROBE SOURCE_DIR
set -uo pipefail
VPCPROBE=${1:?usage: $0 PATH_TO_VPCPROBE SOURCE_DIR}
SRC=${2:?usage: $0 PATH_TO_VPCPROBE SOURCE_DIR}
bindir=$(mktemp -d)
trap 'rm -rf "$bindir"' EXIT
ln -s "$(readlink -f "$VPCPROBE")" "$bindir/vpcprobe"
export PATH="$bindir:$PATH"
passed=0 failed=0
ok() {
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok - $name"
  else failed=$((failed + 1)); echo "FAIL - $name"; echo "  got: $(tr '\n' ' ' <<<"$got")"; fi
}
# shellcheck source=/dev/null
source "$SRC/packaging/bash-completion/vpcprobe"
# comp WORD...: complete the last word of `WORD...` as bash would; the candidates, one a line.
comp() {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE="$*"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _vpcprobe vpcprobe "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}" | sort
}
is() { [ "$(tr '\n' ' ' <<<"$got" | sed 's/ $//')" = "$1" ]; }
has_all() { local w; for w in "$@"; do grep -qxF -- "$w" <<<"$got" || return 1; done; }
lacks() { local w; for w in "$@"; do ! grep -qxF -- "$w" <<<"$got" || return 1; done; }

got=$(complete -p vpcprobe)
ok "complete -p vpcprobe: registered with _vpcprobe" is "complete -F _vpcprobe vpcprobe"
got=$(comp vpcprobe "")
subs=$(vpcprobe --help | awk '/^Subcommands:/ {on = 1; next} on && /^[^ ]/ {on = 0} on && /^  [a-z]/ {print $1}' | sort)
ok "vpcprobe <TAB>: every subcommand of --help" test "$got" = "$subs"
ok "... among them arp diagnose neigh ping self-check tcp" has_all arp diagnose neigh ping self-check tcp
got=$(comp vpcprobe diagnose --app p)
ok "vpcprobe diagnose --app p<TAB>: postgres" is "postgres"
got=$(comp vpcprobe diagnose --ver)
ok "vpcprobe diagnose --ver<TAB>: --verify-cert" is "--verify-cert"
got=$(comp vpcprobe --netns x di)
ok "vpcprobe --netns x di<TAB>: diagnose (the namespace's value skipped)" is diagnose
got=$(comp vpcprobe --n)
ok "vpcprobe --n<TAB>: --netns" is --netns
got=$(comp vpcprobe di)
ok "vpcprobe di<TAB>: diagnose" is diagnose
got=$(comp vpcprobe --v)
ok "vpcprobe --v<TAB>: --version" is --version
got=$(comp vpcprobe diagnose --p)
ok "vpcprobe diagnose --p<TAB>: --pcap --port --private --public" is "--pcap --port --private --public"
got=$(comp vpcprobe neigh --)
ok "vpcprobe neigh --<TAB>: its options" has_all --verify --fix --force --dry-run --rate --timeout --watch --rounds --json --interface
got=$(comp vpcprobe diagnose --color a)
ok "vpcprobe diagnose --color a<TAB>: always auto" is "always auto"
got=$(comp vpcprobe neigh --fix "")
ok "vpcprobe neigh --fix <TAB>: delete replace" is "delete replace"
got=$(comp vpcprobe ping -I l)
ok "vpcprobe ping -I l<TAB>: interfaces, lo among them" has_all lo
got=$(comp vpcprobe tcp -c "")
ok "vpcprobe tcp -c <TAB>: a number, nothing offered" is ""
got=$(comp vpcprobe ping --pcap "$bindir/vpc")
ok "vpcprobe ping --pcap DIR/vpc<TAB>: a file name" is "$bindir/vpcprobe"
got=$(comp vpcprobe ping localh)
ok "vpcprobe ping localh<TAB>: host names (localhost)" has_all localhost
got=$(comp vpcprobe self-check --)
ok "vpcprobe self-check --<TAB>: --help --json" is "--help --json"
# IPv6: -4 and -6 (mutually exclusive, no value) on the commands that pick an address family.
for sub in arp ping tcp diagnose neigh; do
  got=$(comp vpcprobe "$sub" -)
  ok "vpcprobe $sub -<TAB>: -4 and -6 among its options" has_all -4 -6
done
got=$(comp vpcprobe check -)
ok "vpcprobe check -<TAB>: no -4 or -6 (check has none)" lacks -4 -6
got=$(comp vpcprobe ping -6 localh)
ok "vpcprobe ping -6 localh<TAB>: -6 takes no value, host names follow" has_all localhost
got=$(comp vpcprobe tcp -4 -c "")
ok "vpcprobe tcp -4 -c <TAB>: a number, nothing offered" is ""
got=$(comp vpcprobe arp fe80::1%l)
ok "vpcprobe arp fe80::1%l<TAB>: the zone is an interface (lo)" has_all "fe80::1%lo"
got=$(comp vpcprobe tcp "[fe80::1%l")
ok "vpcprobe tcp [fe80::1%l<TAB>: the zone inside brackets" has_all "[fe80::1%lo"
got=$(comp vpcprobe ping 1%l)
ok "vpcprobe ping 1%l<TAB>: bash split fe80::1 at the colons; the zone still completes" has_all "1%lo"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
