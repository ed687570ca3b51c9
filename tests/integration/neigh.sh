#!/usr/bin/env bash
# vpcprobe neigh against the real kernel: a crowded VPC segment with planted problems.
source "$(dirname "$0")/lib.sh"
noadmin() { in_node setpriv --bounding-set=-net_admin -- "$VPCPROBE" "$@"; }
noraw() { in_node setpriv --bounding-set=-net_raw -- "$VPCPROBE" "$@"; }
ips_of() { jq -r --arg c "$1" '[.entries[] | select(.class == $c) | .ip] | sort | join(" ")' <<<"$out"; }
lab up
crowd=$("$LAB" crowd)
cmac=$(awk '{print $3}' <<<"$crowd" | tr -d ,)
# Put the planted wrong MACs back: answers to our own probes can re-teach kernel-managed and
# REACHABLE extern_learn entries (the kernel takes an ARP reply once an entry is older than its
# 1 s locktime), so each case starts from the planted state.
replant() {
  "$LAB" exec node ip -batch - <<'EOB'
neigh replace 10.124.1.201 lladdr 02:de:ad:00:02:01 dev vpc0 nud permanent
neigh replace 10.124.1.202 lladdr 02:de:ad:00:02:02 dev vpc0 nud reachable extern_learn
neigh replace 10.124.1.203 lladdr 02:de:ad:00:02:03 dev vpc0 nud stale
EOB
}

# --- listing, without any probe
run vp neigh -I vpc0
ok "list: exit 0, a row per entry" bash -c '[ "$0" = 0 ] && grep -q "^vpc0 .*10.124.1.201 .*PERMANENT" <<<"$1"' "$rc" "$out"
ok "list: pinned and unresolved markers" bash -c 'grep -q "10.124.1.201 .*pinned" <<<"$0"' "$out"

# --- verify finds exactly what was planted
run vp neigh -I vpc0 --verify --rate 2000 --json
ok "verify: exit 2 (stale and conflict present)" rc_is 2
ok "verify: stale = the three planted" test "$(ips_of stale)" = "10.124.1.201 10.124.1.202 10.124.1.203"
ok "verify: silent = the three dead" test "$(ips_of silent)" = "10.124.2.1 10.124.2.2 10.124.2.3"
ok "verify: conflict = the duplicate IP" test "$(ips_of conflict)" = "10.124.1.250"
ok "verify: not verifiable = the NOARP entry, with its reason" jq_is '[.entries[] | select(.class == "not_verifiable") | "\(.ip) \(.reason)"] | join(",")' "10.124.3.1 NOARP entry (no ARP on this address)"
ok "verify: everything else ok" jq_is '.summary.ok == (.summary.entries - 8)' true
ok "verify: stale entries name the MAC that answers" jq_is --arg m "$cmac" '[.entries[] | select(.class == "stale") | .answering_macs[0] == $m] | all' true
ok "verify: the 208-entry table took well under 3 s" jq_is '.duration_ms < 3000' true
# The broadcast alone shows stale and conflicting entries; only the unanswered ones are asked again,
# by broadcast and by unicast to the cached MAC.
# (A reply lost under load costs one more pair: a little slack, never the old two per entry.)
ok "verify: a unicast only for each silent entry, a second broadcast only for them" \
  jq_is '.summary as $s | .sweep.unicast_sent >= $s.silent and .sweep.unicast_sent <= $s.silent + 3 and
         .sweep.broadcast_sent <= ($s.entries - $s.not_verifiable + $s.silent + 3)' true

# --- dry run: the commands, no change by us
replant
"$LAB" exec node ip neigh show dev vpc0 | sort > /tmp/neigh-before.$$
run vp neigh -I vpc0 --fix --dry-run --json
"$LAB" exec node ip neigh show dev vpc0 | sort > /tmp/neigh-after.$$
ok "dry-run: would replace the kernel-managed stale entry" jq_is '.entries[] | select(.ip == "10.124.1.203") | .fix | "\(.applied) \(.skipped)"' "false false"
ok "dry-run: no change logged" bash -c '! grep -q "changed:" <<<"$0"' "$err"
relearned=$(jq -r '[.entries[] | select(.relearned_by_kernel) | .ip] | join("|")' <<<"$out")
changed=$(diff <(awk '{print $1, $3}' /tmp/neigh-before.$$) <(awk '{print $1, $3}' /tmp/neigh-after.$$) | grep '^[<>]' | awk '{print $2}' | sort -u | tr '\n' ' ')
ok "dry-run: only entries the kernel itself re-learned from our probes changed (changed: '${changed}' relearned: '${relearned}')" \
  bash -c 'for ip in $0; do grep -qE "(^|\|)$ip(\||$)" <<<"$1" || exit 1; done' "$changed" "$relearned"
ok "dry-run: the PERMANENT entry untouched" grep -q "10.124.1.201 lladdr 02:de:ad:00:02:01 PERMANENT" /tmp/neigh-after.$$
rm -f /tmp/neigh-before.$$ /tmp/neigh-after.$$

# --- fix without --force: kernel-managed only
replant
run vp neigh -I vpc0 --fix --rate 2000 --json
ok "fix: the kernel-managed stale entry is fixed" jq_is '.entries[] | select(.ip == "10.124.1.203") | .fix.applied' true
ok "fix: PERMANENT and extern_learn are left to their owner" jq_is '[.entries[] | select(.ip == "10.124.1.201" or .ip == "10.124.1.202") | .fix.skipped] | all' true
ok "fix: each change logged on stderr" bash -c 'grep -q "changed: ip neigh replace 10.124.1.203 lladdr" <<<"$0"' "$err"
ok "fix: pinned entries still hold the wrong MAC" bash -c '"$0" exec node ip neigh show 10.124.1.201 dev vpc0 | grep -q 02:de:ad:00:02:01' "$LAB"
ok "fix: entries that answered correctly were not touched" jq_is '[.entries[] | select(.class == "ok") | .fix] | all(. == null)' true
ok "fix: still exit 2 (pinned stale entries and a conflict remain)" rc_is 2

# --- fix --force: the pinned ones too, with the owner named
replant
run vp neigh -I vpc0 --fix --force --rate 2000 --json
ok "force: PERMANENT and extern_learn repaired" jq_is '[.entries[] | select(.ip == "10.124.1.201" or .ip == "10.124.1.202") | .fix.applied] | all' true
ok "force: the warning names the likely owner" bash -c 'grep -q "forced: .*CNI" <<<"$0"' "$err"
ok "force: table now holds the answering MAC" bash -c '"$0" exec node ip neigh show 10.124.1.202 dev vpc0 | grep -q "$1"' "$LAB" "$cmac"
ok "force: no stale left, the conflict remains (exit 2)" jq_is '"\(.summary.stale) \(.summary.conflict) \(.status)"' "0 1 failing"

# --- privileges
run noadmin neigh --fix
ok "--fix without CAP_NET_ADMIN: exit 3 naming it" bash -c '[ "$0" = 3 ] && grep -q CAP_NET_ADMIN <<<"$1" && [ "$(wc -l <<<"$1")" = 1 ]' "$rc" "$err"
run noadmin neigh --fix --dry-run -I vpc0 --rate 2000
# A whole report, not a crash or a refusal: the conflict planted above is still there (exit 2).
ok "--dry-run without CAP_NET_ADMIN works: a report, exit 2 for the conflict" \
  bash -c '[ "$0" = 2 ] && grep -q "^[0-9]* entries: .* 1 conflict" <<<"$1"' "$rc" "$out"
run noraw neigh --verify
ok "--verify without CAP_NET_RAW: exit 3 naming it" bash -c '[ "$0" = 3 ] && grep -q CAP_NET_RAW <<<"$1"' "$rc" "$err"

# --- the incident's private path: a kernel-managed stale entry, fixed, and TCP works again
lab heal
lab fault stale-kernel
run in_node timeout 2 bash -c 'echo >/dev/tcp/10.124.0.5/5432'
ok "stale-kernel: private TCP dead before" test "$rc" != 0
run vp neigh --fix -I vpc0
ok "stale-kernel: fixed, exit 0" bash -c '[ "$0" = 0 ] && grep -q "fixed: ip neigh replace 10.124.0.5" <<<"$1"' "$rc" "$out"
run in_node timeout 2 bash -c 'echo >/dev/tcp/10.124.0.5/5432'
ok "stale-kernel: private TCP works after --fix" rc_is 0

# --- watch: JSON Lines, clean stop on SIGTERM, flat memory and descriptors over 1000 rounds
run vp neigh -I vpc0 --watch 0.05 --rounds 3 --json --timeout 0.2
ok "watch --json: one JSON Lines record per round" bash -c '[ "$(wc -l <<<"$0")" = 3 ] && [ "$(jq -s "[.[].round] == [1,2,3]" <<<"$0")" = true ]' "$out"
in_node env ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=4" "$VPCPROBE" neigh -I vpc0 --watch 0.01 --rounds 1000 --timeout 0.05 >/dev/null 2>&1 &
wpid=$!
sample() { awk '/VmRSS/ {print $2}' /proc/"$1"/status 2>/dev/null; }
fds() { ls /proc/"$1"/fd 2>/dev/null | wc -l; }
pid=""
for _ in $(seq 50); do pid=$(pgrep -f "^$VPCPROBE neigh -I vpc0 --watch 0.01 --rounds 1000" | head -1); [ -n "$pid" ] && break; sleep 0.1; done
# (1000 rounds last about 14 s in a release build, longer under the sanitizers: sample inside that)
sleep 3
rss1=$(sample "$pid"); fd1=$(fds "$pid")
sleep 8
rss2=$(sample "$pid"); fd2=$(fds "$pid")
wait "$wpid"
wrc=$?
ok "watch 1000 rounds: finished with exit 0" test "$wrc" = 0
ok "watch: descriptors flat ($fd1 -> $fd2)" test -n "$fd1" -a "$fd1" = "$fd2"
ok "watch: RSS flat within 2 MiB ($rss1 -> $rss2 KiB)" test -n "$rss1" -a -n "$rss2" -a $(( rss2 - rss1 )) -lt 2048
in_node "$VPCPROBE" neigh -I vpc0 --watch 0.2 >/tmp/watch.$$ 2>&1 &
wpid=$!
sleep 1.2
# Only this test's own watcher: the one in this lab's node namespace (another suite running beside
# this one may run the same command line in its own lab).
for p in $(ip netns pids "$VPCLAB_PREFIX-node"); do
  [ "$(tr '\0' ' ' </proc/"$p"/cmdline 2>/dev/null)" = "$VPCPROBE neigh -I vpc0 --watch 0.2 " ] && kill -TERM "$p"
done
wait "$wpid"
wrc=$?
out=$(cat /tmp/watch.$$)
rm -f /tmp/watch.$$
ok "watch: SIGTERM ends it with a summary" bash -c 'grep -q "^watch: .* rounds (interrupted)" <<<"$0"' "$out"
ok "watch: SIGTERM exit code is the last round's (0)" test "$wrc" = 0

# --- the textfile for node_exporter, rewritten atomically every round
tdir=$(mktemp -d)
chmod 777 "$tdir"
run vp neigh -4 -I vpc0 --watch 0.1 --rounds 3 --timeout 0.2 --textfile-dir "$tdir"  # -4: the two IPv4 entries
ok "textfile: vpcprobe-neigh.prom passes promtool and counts the entries" \
  bash -c 'promtool check metrics < "$0/vpcprobe-neigh.prom" && grep -q "^vpcprobe_neigh_findings{interface=\"vpc0\",class=\"ok\"} 2$" "$0/vpcprobe-neigh.prom"' "$tdir"
ok "textfile: no temporary file left" test "$(ls -A "$tdir" | wc -l)" = 1
rm -rf "$tdir"

# --- bad input
for args in "--fix=sometimes" "--rate 0" "--rate nan" "--timeout 0" "--watch -1" "--rounds 5" "--force" "-I averyveryverylongifname" "-I nosuchif0" "--watch 1 --rounds -2"; do
  # shellcheck disable=SC2086
  run vp neigh $args
  ok "bad input '$args': exit 3, one stderr line" bash -c '[ "$0" = 3 ] && [ "$(wc -l <<<"$1")" = 1 ] && [ -z "$2" ]' "$rc" "$err" "$out"
done

finish
