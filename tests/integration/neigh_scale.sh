#!/usr/bin/env bash
# vpcprobe neigh --verify at scale: 4096 PERMANENT entries on vpc0, all answered by one proxy-ARP
# host (lab.sh big), every one classified ok, in bounded time and memory. Bounds are generous: this
# is a correctness test at scale, bench/neigh.sh measures the speed.
source "$(dirname "$0")/lib.sh"
N=4096
ntable() { ip -s ntable show name arp_cache | grep -o 'thresh[123] [0-9]*' | paste -sd' '; }
thresh_before=$(ntable)

lab up
run "$LAB" big "$N"
ok "lab.sh big $N: one line naming the range and the MAC" \
  bash -c '[ "$0" = 0 ] && grep -qE "^big: $1 entries 10\.128\.0\.1-10\.128\.16\.0 mac ([0-9a-f]{2}:){5}[0-9a-f]{2}$" <<<"$2"' "$rc" "$N" "$out"
bmac=$(awk '{print $NF}' <<<"$out")
ok "node holds $N PERMANENT entries with big's MAC" \
  test "$(in_node ip -4 neigh show dev vpc0 nud permanent | grep -c " lladdr $bmac PERMANENT")" = "$N"
ok "the host's neighbor gc thresholds untouched ($thresh_before)" test "$(ntable)" = "$thresh_before"
ok "big answers ARP for the range (first and last entry)" \
  bash -c 'for ip in 10.128.0.1 10.128.16.0; do "$0" exec node arping -q -c 1 -w 1 -I vpc0 "$ip" || exit 1; done' "$LAB"

# the expected addresses: 10.128.0.0 + 1 .. + N
awk -v n="$N" 'BEGIN { for (i = 1; i <= n; i++) printf "10.%d.%d.%d\n", 128 + int(i / 65536), int(i / 256) % 256, i % 256 }' |
  sort >"/tmp/neigh-scale-want.$$"

# --- verify the whole table; peak RSS from GNU time when it is there (inside node, around vpcprobe alone)
rssfile=$(mktemp)
if [ -x /usr/bin/time ]; then
  run in_node /usr/bin/time -f %M -o "$rssfile" "$VPCPROBE" neigh -I vpc0 --verify --rate 4000 --timeout 1 --json
else
  run vp neigh -I vpc0 --verify --rate 4000 --timeout 1 --json
fi
rss=$(tail -n 1 "$rssfile" 2>/dev/null)  # GNU time writes "Command exited with non-zero status N" first
[[ $rss =~ ^[0-9]+$ ]] || rss=""
echo "# verify: rc=$rc $(jq -c '{duration_ms, summary}' <<<"$out" 2>/dev/null) peak RSS ${rss:-?} KiB"
jq -r '.entries[] | select(.ip | startswith("10.128.")) | select(.class == "ok") | .ip' <<<"$out" 2>/dev/null | sort >"/tmp/neigh-scale-ok.$$"
# From here on $out is a digest (a failed assertion prints it): the 4098 entries would drown it.
out=$(jq -c '{status, duration_ms, summary, sweep, json_entries: (.entries | length),
           not_ok: ([.entries[] | select(.class != "ok") | {ip, class, reason}] | .[:20])}' <<<"$out" 2>/dev/null || echo "$out")
ok "verify: exit 0" rc_is 0
ok "verify: at least $N entries" jq_is ".summary.entries >= $N" true
ok "verify: one JSON entry per summary entry" jq_is '.json_entries == .summary.entries' true
ok "verify: every one of the $N big entries present once and ok ($(wc -l <"/tmp/neigh-scale-ok.$$") ok)" \
  cmp -s "/tmp/neigh-scale-want.$$" "/tmp/neigh-scale-ok.$$"
# the plain lab's own entries on vpc0 (db 10.124.0.5, the VPC router 10.124.0.1) answer too
ok "verify: every entry on vpc0 ok, nothing else classified" \
  jq_is '.summary | .ok == .entries and .stale == 0 and .silent == 0 and .conflict == 0 and .not_verifiable == 0 and (.unchecked // 0) == 0' true
ok "verify: status ok" jq_is '.status' ok
# Every entry answered its broadcast: no second request, no unicast (the cached MAC answered).
# (At most 1 % asked again: a reply lost under a loaded test machine is not this test's business.)
ok "verify: one request per entry, no unicast needed" \
  jq_is '.sweep.broadcast_sent <= .summary.entries * 1.01 and .sweep.unicast_sent <= .summary.entries * 0.01' true
ok "verify: the asked rate held (within 5 %), no back-off" jq_is '.sweep.backoffs == 0 and .sweep.achieved_pps <= 4000 * 1.05' true
ok "verify: the $N-entry table took under 5 s (a generous bound; the bench measures)" jq_is '.duration_ms < 5000' true
if [ -n "$rss" ] && grep -qa __asan_init "$VPCPROBE"; then
  echo "# skip: peak RSS bound (sanitizer build: $rss KiB)"
elif [ -n "$rss" ]; then
  ok "verify: peak RSS under 64 MiB for $N entries ($rss KiB)" test "$rss" -lt 65536
else
  echo "# skip: peak RSS bound (no GNU time at /usr/bin/time)"
fi
ok "verify changed nothing: still $N PERMANENT entries with big's MAC" \
  test "$(in_node ip -4 neigh show dev vpc0 nud permanent | grep -c " lladdr $bmac PERMANENT")" = "$N"
rm -f "$rssfile" "/tmp/neigh-scale-want.$$" "/tmp/neigh-scale-ok.$$"

# --- a device queue that cannot keep up (a token bucket of 2 Mbit/s on vpc0): the sweep pauses
# instead of losing requests, says so, and still classifies every entry
if in_node tc qdisc add dev vpc0 root tbf rate 2mbit burst 4kb limit 3000 2>/dev/null; then
  run vp neigh -I vpc0 --verify --rate 20000 --json
  ok "full device queue: exit 0, every entry still ok" jq_is '.summary.ok == .summary.entries and .summary.entries >= 4096' true
  ok "full device queue: the pauses are counted, the rate got is below the one asked" \
    jq_is '.sweep.backoffs > 0 and .sweep.achieved_pps < 20000 and .sweep.send_failures == 0' true
  run vp neigh -I vpc0 --verify --rate 20000
  ok "full device queue (text): one line says so and names --rate" has "the kernel's buffers were full: paused"
  in_node tc qdisc del dev vpc0 root
else
  echo "# skip: no tbf queueing discipline in this kernel"
fi

finish
