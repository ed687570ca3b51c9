#!/usr/bin/env bash
# vpcprobe ping and vpcprobe tcp against the real kernel: every lab fault, raw and unprivileged.
source "$(dirname "$0")/lib.sh"
INJECT=$(cd "$(dirname "$0")/../lab" && pwd)/inject.py
noraw() { in_node setpriv --bounding-set=-net_raw -- "$VPCPROBE" "$@"; }  # root without CAP_NET_RAW
nobody() { in_node setpriv --reuid=65534 --regid=65534 --clear-groups -- "$VPCPROBE" "$@"; }
lab up

# --- healthy
run vp ping -c 3 -i 0.1 10.124.0.5 --json
ok "ping healthy: exit 0" rc_is 0
ok "ping healthy: raw method, 3/3" jq_is '"\(.method) \(.summary.sent) \(.summary.received)"' "raw 3 3"
ok "ping healthy: rtt and ttl per reply" jq_is '[.probes[] | select(.rtt_ms > 0 and .ttl == 64)] | length' 3
run noraw ping -c 2 -i 0.1 db.vpc.internal --json
ok "ping without CAP_NET_RAW: ping socket, exit 0" jq_is '"\(.method) \(.summary.received) \(.target.resolved)"' "ping-socket 2 true"
run nobody ping -c 1 10.124.0.5
ok "ping as nobody: ping socket works" bash -c '[ "$0" = 0 ] && grep -q "unprivileged ping socket" <<<"$1"' "$rc" "$out"
in_node sysctl -qw net.ipv4.ping_group_range="1 0"
run noraw ping -c 1 10.124.0.5
ok "ping with neither CAP_NET_RAW nor ping_group_range: exit 3" rc_is 3
ok "... naming both ways in" bash -c 'grep -q CAP_NET_RAW <<<"$0" && grep -q ping_group_range <<<"$0" && [ "$(wc -l <<<"$0")" = 1 ]' "$err"
in_node sysctl -qw net.ipv4.ping_group_range="0 2147483647"
run vp tcp db.vpc.internal:5432 --json
ok "tcp healthy: open via raw SYN, exit 0" jq_is '"\(.method) \(.probes[0].state) \(.probes[0].detail)"' "raw open SYN-ACK"
run noraw tcp 10.124.0.5 -p 5432 --json
ok "tcp without CAP_NET_RAW: connect, open" jq_is '"\(.method) \(.probes[0].state)"' "connect open"
run vp tcp 10.124.0.5 -p 5432,5433
ok "tcp one open one closed: exit 1 (partial)" rc_is 1
ok "tcp: 5433 closed by RST" has "5433/tcp  closed"

# --- faults
lab fault icmp-blocked
run vp ping -c 2 -i 0.1 -w 0.3 10.124.0.5
ok "icmp-blocked: ping exit 2, no replies" bash -c '[ "$0" = 2 ] && grep -q "0 received" <<<"$1"' "$rc" "$out"
run vp tcp 10.124.0.5:5432
ok "icmp-blocked: tcp still open (exit 0)" rc_is 0

lab heal; lab fault port-closed
for m in raw connect; do
  if [ $m = raw ]; then run vp tcp 10.124.0.5:5432 --json; else run noraw tcp 10.124.0.5:5432 --json; fi
  ok "port-closed ($m): closed, exit 2" bash -c '[ "$0" = 2 ] && [ "$(jq -r ".probes[0].state" <<<"$1")" = closed ]' "$rc" "$out"
done
run vp tcp 198.51.100.10:5432
ok "port-closed: public path still open" rc_is 0

lab heal; lab fault port-dropped
for m in raw connect; do
  start=$(date +%s%N)
  if [ $m = raw ]; then run vp tcp 10.124.0.5:5432 -w 0.5 --json; else run noraw tcp 10.124.0.5:5432 -w 0.5 --json; fi
  took=$(( ($(date +%s%N) - start) / 1000000 ))
  ok "port-dropped ($m): filtered, exit 2" bash -c '[ "$0" = 2 ] && [ "$(jq -r ".probes[0].state" <<<"$1")" = filtered ]' "$rc" "$out"
  ok "port-dropped ($m): ends after the timeout, not later (${took} ms)" test "$took" -lt 3000
done

lab heal; lab fault port-rejected
for m in raw connect; do
  if [ $m = raw ]; then run vp tcp 10.124.0.5:5432 --json; else run noraw tcp 10.124.0.5:5432 --json; fi
  ok "port-rejected ($m): rejected with ICMP 3/13 from the db" jq_is '.probes[0] | "\(.state) \(.icmp_error.type)/\(.icmp_error.code) \(.icmp_error.from)"' "rejected 3/13 10.124.0.5"
  ok "port-rejected ($m): exit 2" rc_is 2
done
run vp tcp 10.124.0.5:5432
ok "port-rejected: text names the meaning" has "administratively prohibited"

lab heal; lab fault router-unreachable
for m in raw unpriv; do
  if [ $m = raw ]; then run vp ping -c 2 -i 0.1 10.125.0.5 --json; else run noraw ping -c 2 -i 0.1 10.125.0.5 --json; fi
  ok "router-unreachable ping ($m): host unreachable from the VPC router" jq_is '[.probes[] | select(.outcome == "icmp_error" and .icmp_error.code == 1 and .icmp_error.from == "10.124.0.1")] | length' 2
  ok "router-unreachable ping ($m): exit 2" rc_is 2
  if [ $m = raw ]; then run vp tcp 10.125.0.5:5432 --json; else run noraw tcp 10.125.0.5:5432 --json; fi
  ok "router-unreachable tcp ($m): rejected, 3/1 from 10.124.0.1" jq_is '.probes[0] | "\(.state) \(.icmp_error.type)/\(.icmp_error.code) \(.icmp_error.from)"' "rejected 3/1 10.124.0.1"
done
run vp ping -c 1 10.125.0.5
ok "router-unreachable: ping text says From the router" has "From 10.124.0.1 icmp_seq=1 host unreachable (ICMP type 3 code 1)"

lab heal
run vp ping -c 1 --ttl 1 10.125.0.5 --json
ok "--ttl 1 through the VPC router: time exceeded from it" jq_is '.probes[0] | "\(.icmp_error.type) \(.icmp_error.from)"' "11 10.124.0.1"
run vp ping -c 1 --df -s 2000 10.124.0.5 --json
ok "--df with a size over the MTU: not sent, says why, exit 2" bash -c '[ "$0" = 2 ] && [ "$(jq -r ".probes[0].outcome" <<<"$1")" = send_error ]' "$rc" "$out"
run vp ping -c 1 -s 2000 10.124.0.5 --json
ok "size 2000 without --df fragments and is answered" jq_is '.probes[0].bytes' 2008

# --- forged answers are never counted (the real ones are blocked)
lab heal
in_node true
"$LAB" exec db nft add table inet inj
"$LAB" exec db nft add chain inet inj in '{ type filter hook input priority 0; }'
"$LAB" exec db nft add rule inet inj in iifname eth0 icmp type echo-request drop
"$LAB" exec db nft add rule inet inj in iifname eth0 tcp dport 5432 drop
"$LAB" exec db python3 "$INJECT" eth0 icmp 4 >/dev/null &
inj=$!
sleep 0.5
run vp ping -c 3 -i 0.2 -w 0.5 10.124.0.5 --json
ok "forged ICMP: nothing counted as a reply or error" jq_is '"\(.summary.received) \(.summary.errors)"' "0 0"
ok "forged ICMP: forgeries counted as ignored (>= 24)" jq_is '.summary.ignored_packets >= 24' true
wait $inj
"$LAB" exec db python3 "$INJECT" eth0 tcp 4 >/dev/null &
inj=$!
sleep 0.5
run vp tcp 10.124.0.5:5432 -c 2 -i 0.2 -w 0.5 --json
ok "forged TCP: still filtered" jq_is '[.probes[] | select(.state == "filtered")] | length' 2
ok "forged TCP: forgeries counted as ignored (>= 10)" jq_is '.summary.ignored_packets >= 10' true
wait $inj

# --- SIGINT prints the summary so far
lab heal
run in_node timeout --preserve-status -s INT 0.75 "$VPCPROBE" ping -c 100 -i 0.2 10.124.0.5
ok "SIGINT: summary printed, marked interrupted" bash -c 'grep -q "ping statistics" <<<"$0" && grep -q interrupted <<<"$0"' "$out"
ok "SIGINT: exit 0 (everything sent so far was answered)" rc_is 0

# --- bad input
long=$(printf 'a%.0s' $(seq 300))
for args in "ping 999.1.1.1" "ping -c 0 10.124.0.5" "ping -c -3 10.124.0.5" "ping -i nan 10.124.0.5" "ping -w 0 10.124.0.5" \
            "ping -s 70000 10.124.0.5" "ping --ttl 0 10.124.0.5" "ping --ttl 256 10.124.0.5" "ping -I averyveryverylongifname 10.124.0.5" \
            "ping -I nosuchif0 10.124.0.5" "ping $long" "ping ::ffff:10.0.0.1" "ping a;b" \
            "tcp 10.124.0.5" "tcp 10.124.0.5:0" "tcp 10.124.0.5:70000" "tcp 10.124.0.5 -p 1,x" "tcp 10.124.0.5:5432 -p 5432" \
            "tcp 10.124.0.5:5432 -c 0" "tcp 10.124.0.5:5432 -w -1" "tcp 10.124.0.5 -p 5-3"; do
  # shellcheck disable=SC2086
  run vp $args
  ok "bad input '${args:0:50}': exit 3, one stderr line, no stdout" bash -c '[ "$0" = 3 ] && [ -n "$1" ] && [ "$(wc -l <<<"$1")" = 1 ] && [ -z "$2" ]' "$rc" "$err" "$out"
done
run vp ping -c 1 no-such-host.invalid
ok "ping unresolvable name: exit 2" rc_is 2
run vp tcp no-such-host.invalid:5432
ok "tcp unresolvable name: exit 2" rc_is 2

finish
