#!/usr/bin/env bash
# Hostile and noisy network, signals and limits, and bad input everywhere.
source "$(dirname "$0")/lib.sh"
INJECT=$(cd "$(dirname "$0")/../lab" && pwd)/inject.py
lab up

# --- forged ARP: replies for another IP, lying hlen/plen, VLAN framing, for another host
"$LAB" exec db python3 "$INJECT" eth0 arp 3 >/dev/null 2>&1 &
inj=$!
sleep 0.5
run vp arp 10.124.0.99 -I vpc0 -c 2 -i 0.2 -w 0.5 --json
ok "forged ARP: no reply counted for an address nobody holds" jq_is '"\(.summary.received) \(.verdict.finding)"' "0 silent"
ok "forged ARP: forgeries counted as ignored (>= 10)" jq_is '.summary.rejected >= 10' true
wait $inj

# --- a flood of unrelated ICMP: correct answers, bounded CPU
"$LAB" exec db python3 "$INJECT" eth0 flood 5 >/dev/null 2>&1 &
inj=$!
sleep 0.5
run in_node /usr/bin/time -f "cpu %U %S" "$VPCPROBE" ping -c 10 -i 0.1 10.124.0.5 --json
ok "flood: every echo answered" jq_is .summary.received 10
cpu=$(awk '/^cpu/ {print $2 + $3}' <<<"$err")
ok "flood: CPU for a 1 s run stays under 0.5 s (used ${cpu} s)" awk -v c="$cpu" 'BEGIN { exit !(c != "" && c < 0.5) }'
run vp diagnose --private 10.124.0.5:5432 --json
ok "flood: diagnose still says ok" jq_is .verdict.status ok
wait $inj

# --- SIGPIPE: `| head -1` ends quietly
run in_node bash -c '"$0" ping -c 5 -i 0.05 10.124.0.5 | head -1; echo "status=${PIPESTATUS[0]}"' "$VPCPROBE"
ok "SIGPIPE: vpcprobe exits 0, nothing on stderr" bash -c 'grep -q "^status=0$" <<<"$0" && [ -z "$1" ]' "$out" "$err"

# --- a reader that went away ends the writing, not the status: a failing run still exits 2
lab fault dead-host
run in_node bash -c '"$0" ping -c 2 -i 0.1 -w 0.2 10.124.0.5 | true; echo "status=${PIPESTATUS[0]}"' "$VPCPROBE"
ok "closed stdout: the failing status survives (exit 2, not 0)" grep -q "^status=2$" <<<"$out"
run in_node bash -c '"$0" diagnose --private 10.124.0.5:5432 --timeout 0.3 | true; echo "status=${PIPESTATUS[0]}"' "$VPCPROBE"
ok "closed stdout: diagnose still exits 2" grep -q "^status=2$" <<<"$out"
lab heal
# ... and a --watch that nobody reads any more ends by itself instead of probing on
run in_node bash -c 'timeout 10 "$0" neigh -I vpc0 --watch 0.2 | true; echo "status=${PIPESTATUS[0]}"' "$VPCPROBE"
ok "closed stdout: --watch ends by itself (not killed by timeout)" bash -c 'grep -q "^status=[0-2]$" <<<"$0"' "$out"

# --- a signal while the names still resolve (before any probe runs) is caught, not fatal: the
# report comes once the lookup ends (bounded by --timeout), and the exit code is the report's, not
# 143 (the private path's probes may or may not have answered before the signal was handled). A resolver on node's loopback that never answers keeps the public
# name's lookup busy; the private path (from the hosts file) has probes to cut.
in_node socat -u UDP4-RECV:53,bind=127.0.0.1,reuseaddr /dev/null &
sleep 0.2
tmp=$(mktemp)
# (ip netns exec execs vpcprobe itself, so $! is vpcprobe's pid)
ip netns exec "$("$LAB" ns node)" "$VPCPROBE" diagnose --private db.vpc.internal:5432 --public slow.example:5432 --timeout 2 --json \
  >"$tmp" 2>/dev/null &
dpid=$!
sleep 0.4
kill -TERM "$dpid"
wait "$dpid"
rc=$?
out=$(cat "$tmp")
rm -f "$tmp"
ok "SIGTERM during name resolution: a report's exit code, not death by signal (exit $rc)" bash -c '[ "$0" -ge 1 ] && [ "$0" -le 3 ]' "$rc"
ok "SIGTERM during name resolution: the whole report, the public name's lookup timed out" \
  jq_is '"\(.schema) \(.paths.public.layers.dns.check)"' "vpcprobe.diagnose/1 fail"

# --- ulimit -n 16 with many targets: works in batches, says so, never crashes
run in_node bash -c 'ulimit -n 16; exec "$0" tcp --connect 10.124.0.5 -p 5400-5440 -w 0.2 --json' "$VPCPROBE"
ok "ulimit -n 16: all 41 ports probed (1 open, 40 closed), exit 1" bash -c '[ "$0" = 1 ] && [ "$(jq -r "\"\(.summary.open) \(.summary.closed)\"" <<<"$1")" = "1 40" ]' "$rc" "$out"
ok "ulimit -n 16: one line says it works in batches" bash -c 'grep -q "probing in batches" <<<"$0" && [ "$(wc -l <<<"$0")" = 1 ]' "$err"

# --- send errors: a device queue that overflows (ENOBUFS) is backed off from, then reported
in_node tc qdisc add dev vpc0 root tbf rate 8kbit burst 1600 limit 3000
run in_node setpriv --bounding-set=-net_raw -- "$VPCPROBE" ping -c 40 -i 0.01 -w 0.2 -s 1400 10.124.0.5 --json
# Every failed send is reported as ENOBUFS; the back-off is bounded (a send right after one that
# failed after every try is tried once), so at least one, not every, says it was backed off from.
ok "ENOBUFS: reported per probe after the back-off, no crash, no hang" \
  jq_is '[.probes[] | select(.outcome == "send_error") | .send_error] | (length > 0 and all(test("No buffer space available")) and any(test("after 4 tries with back-off")))' true
ok "ENOBUFS: the retries are counted" jq_is '.summary.send_retries > 0' true
ok "ENOBUFS: exit 1 or 2, not 3" bash -c '[ "$0" = 1 ] || [ "$0" = 2 ]' "$rc"
in_node tc qdisc del dev vpc0 root

# --- the global deadline always ends the run
lab fault dead-pair
start=$(date +%s%N)
run vp diagnose --private 10.124.0.5:5432 --public 198.51.100.10:5432 --timeout 0.5
took=$(( ($(date +%s%N) - start) / 1000000 ))
ok "deadline: a dead pair with --timeout 0.5 ends within 1 s (${took} ms)" test "$took" -lt 1000
lab heal

# --- bad input: every subcommand, one line on stderr, exit 3, nothing on stdout, no hang
long=$(printf 'a%.0s' $(seq 1000))
bad=(
  "ping -c 0 10.124.0.5" "ping -c -1 10.124.0.5" "ping -c 99999999999 10.124.0.5" "ping -c nan 10.124.0.5" "ping -c x 10.124.0.5"
  "ping -i 0 10.124.0.5" "ping -i -1 10.124.0.5" "ping -i 1e9 10.124.0.5" "ping -i nan 10.124.0.5" "ping -w inf 10.124.0.5"
  "ping -s -1 10.124.0.5" "ping -s 65508 10.124.0.5" "ping -s 1e3 10.124.0.5" "ping --ttl 0 10.124.0.5" "ping --ttl 256 10.124.0.5"
  "ping --ttl -5 10.124.0.5" "ping $long" "ping a;id" "ping \$(id)" "ping bücher.example" "ping fe80::1" "ping ::ffff:10.124.0.5" "ping -6 10.124.0.5" "ping -4 -6 db.vpc.internal" "ping fe80::1%a/b"
  "ping -I 0123456789abcdefX 10.124.0.5" "ping 10.124.0.256" "ping 10.124.0"
  "tcp 10.124.0.5:0" "tcp 10.124.0.5:65536" "tcp 10.124.0.5:-1" "tcp 10.124.0.5:x" "tcp 10.124.0.5 -p 1-99999" "tcp 10.124.0.5 -p ,"
  "tcp 10.124.0.5:5432 -c 0" "tcp 10.124.0.5:5432 -c 1001" "tcp 10.124.0.5:5432 -w nan" "tcp 10.124.0.5:5432 -i -1" "tcp [fe80::1]:5432" "tcp [fd00:7c::5]:5432 -4" "tcp fd00:7c::5:5432"
  "tcp $long:5432" "tcp 10.124.0.5 -p 1-2000"
  "arp 10.124.0.5 -c 0" "arp 10.124.0.5 -w 0" "arp 10.124.0.5 -i nan" "arp $long" "arp fe80::1" "arp 10.124.0.5 -I a/b" "arp fe80::1%vpc0 -I pub0"
  "diagnose --private 10.124.0.5:0" "diagnose --private $long" "diagnose --private 10.124.0.5 --timeout -1"
  "diagnose --private 10.124.0.5 --timeout 1e9" "diagnose --private 10.124.0.5 -p x" "diagnose --private ::ffff:1.2.3.4"
  "neigh --rate -1" "neigh --rate 1e9" "neigh --watch 0" "neigh --watch nan" "neigh --rounds -1" "neigh --fix=everything"
  "neigh -I 0123456789abcdefX" "nosuchcommand" "" "--nosuchflag"
)
for args in "${bad[@]}"; do
  # shellcheck disable=SC2086
  run timeout 10 "$LAB" exec node "$VPCPROBE" $args
  ok "bad input '${args:0:48}': exit 3, one stderr line, no stdout" \
    bash -c '[ "$0" = 3 ] && [ -n "$1" ] && [ "$(wc -l <<<"$1")" = 1 ] && [ -z "$2" ] && ! grep -qi "terminate\|stack\|sanitizer" <<<"$1"' "$rc" "$err" "$out"
done

finish
