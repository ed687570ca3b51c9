#!/usr/bin/env bash
# The shipped Prometheus rules: promtool checks them, runs their unit tests, and the tests must
# catch a broken rule (a copy whose node-local alert forgot "while other nodes reach it").
# Usage: run.sh SOURCE_DIR
set -uo pipefail
src=${1:?usage: $0 SOURCE_DIR}
passed=0 failed=0
ok() {
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok - $name"
  else failed=$((failed + 1)); echo "FAIL - $name"; fi
}
command -v promtool >/dev/null || { echo "FAIL - promtool not installed (scripts/install-deps.sh: prometheus)"; echo "0 passed, 1 failed"; exit 1; }
rules=$src/deploy/prometheus/vpcprobe-rules.yml
ok "promtool check rules deploy/prometheus/vpcprobe-rules.yml" promtool check rules "$rules"
ok "promtool test rules tests/prometheus/vpcprobe-rules.test.yml" bash -c 'cd "$0" && promtool test rules vpcprobe-rules.test.yml' "$src/tests/prometheus"

# The tests bite: the same tests against broken copies of the rules must fail.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/deploy/prometheus" "$tmp/tests/prometheus"
cp "$src/tests/prometheus/vpcprobe-rules.test.yml" "$tmp/tests/prometheus/"
broken() {  # broken NAME PYTHON_REPLACEMENT_FROM PYTHON_REPLACEMENT_TO
  python3 - "$rules" "$tmp/deploy/prometheus/vpcprobe-rules.yml" "$2" "$3" <<'PY'
import sys
s = open(sys.argv[1]).read()
assert sys.argv[3] in s, sys.argv[3]
open(sys.argv[2], "w").write(s.replace(sys.argv[3], sys.argv[4], 1))
PY
  ok "a broken copy fails the tests: $1" bash -c '! (cd "$0" && promtool test rules vpcprobe-rules.test.yml >/dev/null 2>&1)' "$tmp/tests/prometheus"
}
broken "node-local alert without the other nodes' condition" \
  '(count by (target) (vpcprobe_layer_success{path="private", layer="neighbor"} == 1) > 0)' \
  '(count by (target) (vpcprobe_layer_success{path="private", layer="neighbor"}) > 0)'
broken "private-path alert without the public path" '(vpcprobe_path_success{path="public"} == 1)' '(vpcprobe_path_success{path="public"} >= 0)'
broken "stale-nodes recording by interface instead of address" 'count by (ip, class) (vpcprobe_neigh_problem)' 'count by (interface, class) (vpcprobe_neigh_problem)'
broken "metrics-too-old threshold an hour" '> 600' '> 3600'
broken "table-limit alert counting PERMANENT entries" 'vpcprobe_neigh_table_entries{scope="counted"}' 'sum without (scope) (vpcprobe_neigh_table_entries)'
broken "overflow alert on the counter since boot" 'increase(vpcprobe_neigh_table_events_total{event="table_fulls"}[15m]) > 0' 'vpcprobe_neigh_table_events_total{event="table_fulls"} > 0'
broken "certificate alert on notBefore-like arithmetic (a sign flipped)" '- time() < 14 * 86400' '- time() > 14 * 86400'
broken "certificate alert at a day instead of two weeks" '< 14 * 86400' '< 86400'
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
