#!/usr/bin/env bash
# vpcprobe check: many targets and audits under one deadline, in every output format.
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
chmod 755 "$work"
trap '"$LAB" down; rm -rf "$work"' EXIT
cat >"$work/targets.toml" <<'TOML'
port = 5432
[[target]]
name = "orders-db"
private = "db.vpc.internal"
public = "db.public.example"
[[target]]
name = "app"
private = "app.vpc.internal:5432"
[[neigh]]
interface = "vpc0"
TOML
lab up

run vp check -f "$work/targets.toml" -o json
ok "healthy: exit 0, both targets ok, audit ok" jq_is '"\(.status) \([.targets[].verdict.status] | join(",")) \(.neigh[0].status)"' "ok ok,ok ok"

lab fault stale-neighbor
run vp check -f "$work/targets.toml"
ok "stale: text names the target, layer and fix; exit 2" bash -c '[ "$0" = 2 ] && grep -q "^orders-db .*failing .*(neighbor layer, private path)" <<<"$1" && grep -q "fix: ip neigh replace 10.124.0.5" <<<"$1"' "$rc" "$out"
ok "stale: the other target is unaffected" bash -c 'grep -q "^app .*ok" <<<"$0"' "$out"
ok "stale: the audit finds the same stale entry" bash -c 'grep -q "stale 10.124.0.5 on vpc0" <<<"$0"' "$out"
run vp check -f "$work/targets.toml" -o jsonl
ok "jsonl: a record per target, per audit, and a summary" bash -c '[ "$(jq -r .schema <<<"$0" | tr "\n" " ")" = "vpcprobe.check.target/1 vpcprobe.check.target/1 vpcprobe.check.neigh/1 vpcprobe.check.summary/1 " ]' "$out"
run vp check -f "$work/targets.toml" -o prometheus
ok "prometheus: exit 2 still" rc_is 2
ok "prometheus: promtool check metrics is clean" bash -c 'promtool check metrics <<<"$0"' "$out"
ok "prometheus: probe_success says which target is down" bash -c 'grep -qx "probe_success{target=\"orders-db\"} 0" <<<"$0" && grep -qx "probe_success{target=\"app\"} 1" <<<"$0"' "$out"
ok "prometheus: the failing layer as a label" bash -c 'grep -q "vpcprobe_verdict_info{target=\"orders-db\",status=\"failing\",layer=\"neighbor\",path=\"private\"} 1" <<<"$0"' "$out"
ok "prometheus: stale count for the interface" bash -c 'grep -qx "vpcprobe_neigh_findings{interface=\"vpc0\",class=\"stale\"} 1" <<<"$0"' "$out"
run vp check -f "$work/targets.toml" -o nagios -w 100 -c 500
ok "nagios: CRITICAL line with perfdata, exit 2" bash -c '[ "$0" = 2 ] && grep -qE "^VPCPROBE CRITICAL - orders-db: failing \(neighbor layer, private path\).* \| .*app_rtt.=[0-9.]+ms;100;500;0;" <<<"$1"' "$rc" "$out"
lab heal
run vp check -f "$work/targets.toml" -o nagios -c 0.000001
ok "nagios: an RTT beyond -c is CRITICAL even when the paths work" bash -c '[ "$0" = 2 ] && grep -q "^VPCPROBE CRITICAL - .*RTT" <<<"$1"' "$rc" "$out"

# --textfile-dir: atomic, readable, nothing half-written left behind
tf="$work/textfile"
mkdir -p "$tf"
chmod 777 "$tf"
run vp check -f "$work/targets.toml" -o json --textfile-dir "$tf"
ok "textfile: written, complete and valid" bash -c 'promtool check metrics < "$0/vpcprobe.prom" && grep -q "^vpcprobe_check_status 0$" "$0/vpcprobe.prom"' "$tf"
ok "textfile: world-readable, no temporary files left" bash -c '[ "$(stat -c %a "$0/vpcprobe.prom")" = 644 ] && [ "$(ls -A "$0" | wc -l)" = 1 ]' "$tf"
printf 'previous complete file\n' >"$tf/vpcprobe.prom"
cat >"$work/slow.toml" <<'TOML'
[[target]]
name = "dead"
private = "10.124.9.9:5432"
TOML
in_node "$VPCPROBE" check -f "$work/slow.toml" --textfile-dir "$tf" --deadline 5 >/dev/null 2>&1 &
sleep 0.4
pkill -TERM -f "^$VPCPROBE check -f $work/slow.toml" || true
wait
ok "SIGTERM mid-run: the textfile is the previous whole file or a whole new one" \
  bash -c 'c=$(cat "$0/vpcprobe.prom"); [ "$c" = "previous complete file" ] || promtool check metrics < "$0/vpcprobe.prom"' "$tf"
ok "SIGTERM mid-run: no temporary file left" test "$(ls -A "$tf" | wc -l)" = 1

# --deadline is always honoured: 40 silent targets, each would wait its timeout
{
  echo "timeout = 3"
  for i in $(seq 1 40); do printf '[[target]]\nname = "dead%d"\nprivate = "10.124.9.%d:5432"\n' "$i" "$i"; done
} >"$work/dead.toml"
start=$(date +%s%N)
run vp check -f "$work/dead.toml" --deadline 1.5 -o json
took=$(( ($(date +%s%N) - start) / 1000000 ))
ok "deadline: 40 dead targets with 3 s timeouts end within the 1.5 s deadline (+0.6 s) (${took} ms)" test "$took" -lt 2100
ok "deadline: says it was hit, every target failing or unknown" jq_is '.deadline_hit and ([.targets[].verdict.status] | all(. == "failing" or . == "unknown"))' true

# errors in machine formats are machine-readable, exit 3
printf 'bogus = 1\n' >"$work/bad.toml"
run vp check -f "$work/bad.toml" -o json
ok "bad file, json: an error object on stdout, exit 3" bash -c '[ "$0" = 3 ] && [ "$(jq -r .status <<<"$1")" = unknown ] && jq -e .error <<<"$1" >/dev/null' "$rc" "$out"
run vp check -f "$work/bad.toml" -o prometheus
ok "bad file, prometheus: valid exposition saying so, exit 3" bash -c '[ "$0" = 3 ] && promtool check metrics <<<"$1" && grep -qx "vpcprobe_check_config_error 1" <<<"$1"' "$rc" "$out"
run vp check -f "$work/bad.toml" -o nagios
ok "bad file, nagios: UNKNOWN line, exit 3" bash -c '[ "$0" = 3 ] && grep -q "^VPCPROBE UNKNOWN - .*unknown key" <<<"$1"' "$rc" "$out"
for args in "-f /dev/zero" "-f /nonexistent.toml" "-f $work/targets.toml -o xml" "-f $work/targets.toml --deadline 0" "-f $work/targets.toml --rate nan" \
            "-f $work/targets.toml -o nagios -w 20:10" "-f $work/targets.toml --textfile-dir /nonexistent-dir" \
            "-f $work/targets.toml --rounds 2" "-f $work/targets.toml --watch 0"; do
  # shellcheck disable=SC2086
  run vp check $args
  ok "bad input 'check ${args:0:50}': exit 3, one stderr line" bash -c '[ "$0" = 3 ] && [ "$(wc -l <<<"$1")" = 1 ]' "$rc" "$err"
done

# --watch: a node agent. Rounds on the same sockets, each reported and written to the textfile.
lab heal
tw=$(mktemp -d)
chmod 777 "$tw"
run vp check -f "$work/targets.toml" -o jsonl --watch 0.2 --rounds 3 --textfile-dir "$tw"
summaries=$(jq -c 'select(.schema == "vpcprobe.check.summary/1")' <<<"$out" 2>/dev/null)
ok "--watch 0.2 --rounds 3: three rounds (summary lines), every one ok, exit 0" \
  bash -c '[ "$0" = 0 ] && [ "$(grep -c . <<<"$1")" = 3 ] && [ "$(jq -r .status <<<"$1" | sort -u)" = ok ]' "$rc" "$summaries"
ok "--watch: the textfile holds the last round" bash -c 'promtool check metrics < "$0/vpcprobe.prom" && grep -qx "vpcprobe_check_status 0" "$0/vpcprobe.prom"' "$tw"
# The fleet view: a stale entry is a series of its own, with the cached and the answering MAC
lab fault stale-neighbor
run vp check -f "$work/targets.toml" -o prometheus --textfile-dir "$tw"
ok "stale entry: vpcprobe_neigh_problem names the address, class and both MACs" \
  bash -c 'grep -qE "^vpcprobe_neigh_problem\{interface=\"vpc0\",ip=\"10.124.0.5\",class=\"stale\",cached_mac=\"[0-9a-f:]{17}\",answering_mac=\"[0-9a-f:]{17}\"\} 1$" "$0/vpcprobe.prom"' "$tw"
# (db's new NIC leaves node's kernel-managed IPv6 entry for fd00:7c::5 stale too, until it expires:
# a problem series of its own)
ok "stale entry: healthy entries are counted, not listed (one problem series per stale address)" \
  bash -c '[ "$(grep -c "^vpcprobe_neigh_problem{.*ip=\"10\." "$0/vpcprobe.prom")" = 1 ] &&
           [ "$(grep "^vpcprobe_neigh_problem{" "$0/vpcprobe.prom" | grep -vc "ip=\"10.124.0.5\"\|ip=\"fd00:7c::5\"")" = 0 ]' "$tw"
# SIGINT during a watch: the round in progress is reported, and the exit code is its status
lab heal
in_node timeout --preserve-status -s INT 1.5 "$VPCPROBE" check -f "$work/targets.toml" -o jsonl --watch 0.5 >"$tw/out" 2>/dev/null
rc=$?
ok "--watch then SIGINT: exit 0 and at least one complete round" \
  bash -c '[ "$0" = 0 ] && [ "$(jq -r "select(.schema == \"vpcprobe.check.summary/1\") | .status" < "$1" | head -1)" = ok ]' "$rc" "$tw/out"
rm -rf "$tw"

finish
