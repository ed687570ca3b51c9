# Sourced by every lab test: a private lab per run (own namespace prefix), torn down on any exit.
# Usage inside a test: run CMD...  (sets $out $err $rc), then ok "name" CONDITION...
set -uo pipefail
VPCPROBE=${1:?usage: $0 PATH_TO_VPCPROBE}
VPCPROBE=$(readlink -f "$VPCPROBE")
LAB=$(cd "$(dirname "${BASH_SOURCE[0]}")/../lab" && pwd)/lab.sh
export VPCLAB_PREFIX="vpt$$"
passed=0
failed=0
out="" err="" rc=0

lab() { "$LAB" "$@" >/dev/null; }
trap '"$LAB" down' EXIT
trap 'exit 130' INT TERM HUP

in_node() { "$LAB" exec node "$@"; }
vp() { in_node "$VPCPROBE" "$@"; }

run() {
  local errfile
  errfile=$(mktemp)
  out=$("$@" 2>"$errfile")
  rc=$?
  err=$(cat "$errfile")
  rm -f "$errfile"
}

ok() {
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "ok - $name"
  else
    failed=$((failed + 1))
    echo "FAIL - $name"
    echo "  rc=$rc"
    # a diagnosis: its verdict and every layer's cell first, the raw output (cut) after
    jq -c '{verdict: (.verdict | {status, layer, path, summary}), private: (.paths.private.layers | map_values(.summary)),
            public: ((.paths.public.layers // {}) | map_values(.summary))}' <<<"$out" 2>/dev/null | sed 's/^/  report: /'
    echo "  stdout: ${out:0:3000}"
    echo "  stderr: ${err:0:2000}"
  fi
}

has() { grep -qF -- "$1" <<<"$out"; }
err_has() { grep -qF -- "$1" <<<"$err"; }
rc_is() { [ "$rc" = "$1" ]; }
one_err_line() { [ -n "$err" ] && [ "$(wc -l <<<"$err")" = 1 ]; }
jq_is() {  # jq_is [jq options...] FILTER EXPECTED: fails on output that is not JSON, too
  local expected=${*: -1} got
  got=$(jq -r "${@:1:$#-1}" <<<"$out" 2>/dev/null) || return 1
  [ -n "$out" ] && [ "$got" = "$expected" ]
}

finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" = 0 ]
}
