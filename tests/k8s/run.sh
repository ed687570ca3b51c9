#!/usr/bin/env bash
# The Kubernetes manifests in deploy/k8s, validated against the API schemas (npm's
# kubernetes-models, installed here on first use), not only parsed; and the validation must catch
# broken copies: a misspelled key, a wrong field type, an unknown top-level field.
# Usage: run.sh SOURCE_DIR   (needs node and npm: scripts/install-deps.sh; network to the npm registry once)
set -uo pipefail
src=${1:?usage: $0 SOURCE_DIR}
passed=0 failed=0
ok() {
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok - $name"
  else failed=$((failed + 1)); echo "FAIL - $name"; fi
}
for t in node npm; do
  command -v "$t" >/dev/null || { echo "FAIL - $t not installed (scripts/install-deps.sh)"; echo "0 passed, 1 failed"; exit 1; }
done
# The validator's packages: installed once per package.json into a cache outside the tree.
cache=${VPCPROBE_K8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vpcprobe-k8s-validate}
mkdir -p "$cache"
if ! cmp -s "$src/tests/k8s/package.json" "$cache/package.json" || [ ! -d "$cache/node_modules/kubernetes-models" ]; then
  cp "$src/tests/k8s/package.json" "$cache/package.json"
  (cd "$cache" && npm install --no-audit --no-fund --loglevel=error >npm-install.log 2>&1) || { cat "$cache/npm-install.log"; cp /dev/null "$cache/package.json"; }
fi
ok "kubernetes-models installed" test -d "$cache/node_modules/kubernetes-models"
cp "$src/tests/k8s/validate.mjs" "$cache/validate.mjs"
validate() { node "$cache/validate.mjs" "$@"; }

mapfile -t manifests < <(ls "$src"/deploy/k8s/*.yaml)
out=$(validate "${manifests[@]}")
echo "$out" | sed 's/^/  /'
ok "every deploy/k8s manifest is valid against its API schema" test "$(grep -c '^FAIL' <<<"$out")" = 0
ok "... and every kind was checked (Namespace, ConfigMap, CronJob, DaemonSet)" \
  bash -c 'for k in Namespace ConfigMap CronJob DaemonSet; do grep -q "^ok .*: $k " <<<"$0" || exit 1; done' "$out"

# The validation bites: broken copies must fail.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
broken() {  # broken NAME FILE FROM TO
  python3 - "$src/deploy/k8s/$2" "$tmp/$2" "$3" "$4" <<'PY'
import sys
s = open(sys.argv[1]).read()
assert sys.argv[3] in s, sys.argv[3]
open(sys.argv[2], "w").write(s.replace(sys.argv[3], sys.argv[4], 1))
PY
  local res
  res=$(validate "$tmp/$2")
  ok "a broken copy is refused: $1 ($(grep -m1 '^FAIL' <<<"$res" | sed 's/.*: //' | cut -c1-70))" bash -c 'grep -q "^FAIL" <<<"$0"' "$res"
}
broken "misspelled key hostNetwrok" daemonset-neigh.yaml "hostNetwork: true" "hostNetwrok: true"
broken "wrong type: priorityClassName 42" daemonset-neigh.yaml "priorityClassName: system-node-critical" "priorityClassName: 42"
broken "misspelled key restartPolcy" cronjob-diagnose.yaml "restartPolicy:" "restartPolcy:"
broken "wrong type: backoffLimit \"none\"" cronjob-diagnose.yaml "backoffLimit: 0" 'backoffLimit: "none"'
broken "unknown top-level field" namespace.yaml "metadata:" "metdata: {}
metadata:"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
