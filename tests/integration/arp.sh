#!/usr/bin/env bash
# vpcprobe arp against the real kernel in the incident lab.
source "$(dirname "$0")/lib.sh"
lab up

run vp arp 10.124.0.5 --json
ok "healthy: exit 0" rc_is 0
ok "healthy: cached MAC is the answering MAC" jq_is '.cache.before.mac == .answering_macs[0]' true
ok "healthy: consistent" jq_is .verdict.finding consistent
ok "healthy: unicast to the cached MAC answered" jq_is '[.replies[] | select(.request == "unicast")] | length > 0' true

run vp arp db.vpc.internal -c 2
ok "name resolves; text report" has "ARP 10.124.0.5 on vpc0 from 10.124.0.2"
ok "text healthy: OK line" has "OK: CONSISTENT"

for fault in stale-neighbor stale-neighbor-extern; do
  lab heal
  macs=$("$LAB" fault "$fault")
  old=$(awk '{print $3}' <<<"$macs" | tr -d ,)
  new=$(awk '{print $6}' <<<"$macs")
  run in_node timeout 2 bash -c 'echo >/dev/tcp/10.124.0.5/5432'
  ok "$fault: private TCP is dead (the incident)" test "$rc" != 0
  run in_node timeout 2 bash -c 'echo >/dev/tcp/198.51.100.10/5432'
  ok "$fault: public TCP still works (the incident)" rc_is 0
  run vp arp 10.124.0.5
  ok "$fault: exit 2" rc_is 2
  ok "$fault: says STALE NEIGHBOR ENTRY" has "STALE NEIGHBOR ENTRY"
  ok "$fault: names the cached (old) MAC $old" has "$old"
  ok "$fault: names the answering (new) MAC $new" has "reply from 10.124.0.5 at $new"
  ok "$fault: says the kernel will not heal it" has "will not heal this entry"
  # pin the old MAC again, as its owner would (a REACHABLE extern entry takes our probe's answer)
  [ "$fault" = stale-neighbor-extern ] && in_node ip neigh replace 10.124.0.5 lladdr "$old" dev vpc0 nud reachable extern_learn
  run vp arp 10.124.0.5 --json -c 1
  ok "$fault: JSON finding stale_entry" jq_is .verdict.finding stale_entry
  ok "$fault: JSON cache before holds old MAC" jq_is .cache.before.mac "$old"
  ok "$fault: JSON answering MAC is new" jq_is '.answering_macs[0]' "$new"
  if [ "$fault" = stale-neighbor ]; then
    ok "$fault: PERMANENT entry still stale afterwards" jq_is .cache.after.mac "$old"
  else
    # A managed extern_learn entry is REACHABLE, not PERMANENT: the kernel takes the answer to our
    # own request, and the report must say the entry changed under us.
    # Whether the kernel takes it depends on its locktime (1 s since the last update); either way
    # the report must tell the truth about the entry afterwards.
    ok "$fault: after-state reported truthfully" jq_is --arg old "$old" --arg new "$new" \
      '(.cache.after.mac == $old) or (.cache.after.mac == $new and ([.verdict.details[] | select(test("changed to"))] | length) == 1)' true
    in_node ip neigh replace 10.124.0.5 lladdr "$old" dev vpc0 nud reachable extern_learn
  fi
  # The printed fix really repairs the private path.
  fix=$(jq -r '.verdict.fix' <<<"$out" | sed 's/   (or:.*//')
  run in_node $fix
  ok "$fault: fix command runs" rc_is 0
  run in_node timeout 2 bash -c 'echo >/dev/tcp/10.124.0.5/5432'
  ok "$fault: private TCP works after the fix" rc_is 0
  run vp arp 10.124.0.5 -c 1
  ok "$fault: consistent after the fix" rc_is 0
done

lab heal
lab fault stale-neighbor-extern
run vp arp 10.124.0.5 --json -c 1
ok "extern entry: flags include extern_learn" jq_is '.cache.before.flags | index("extern_learn") != null' true

lab heal
lab fault dead-host
run vp arp 10.124.0.5 -c 2 -i 0.1 -w 0.5
ok "dead-host: exit 2" rc_is 2
ok "dead-host: NO ARP REPLY" has "NO ARP REPLY"
ok "dead-host: no reply lines" bash -c '! grep -q "^reply from" <<<"$0"' "$out"
run vp arp 10.124.0.5 -c 1 -w 0.3 --json
ok "dead-host: JSON silent, 100% loss" jq_is '"\(.verdict.finding) \(.summary.loss_percent)"' "silent 100"

lab heal
# Off-link target: ARP goes out, nobody on the segment holds it, and the report says why.
run vp arp 10.125.0.5 -c 1 -w 0.3
ok "off-link target: exit 2 and not on-link explained" bash -c '[ "$1" = 2 ] && grep -q "not on-link" <<<"$0"' "$out" "$rc"

# Privilege: without CAP_NET_RAW -> exit 3, one line naming the capability and how to get it.
run in_node setpriv --bounding-set=-net_raw -- "$VPCPROBE" arp 10.124.0.5
ok "no CAP_NET_RAW: exit 3" rc_is 3
ok "no CAP_NET_RAW: names the capability" err_has "CAP_NET_RAW"
ok "no CAP_NET_RAW: says how to get it" err_has "setcap cap_net_raw+ep"
ok "no CAP_NET_RAW: one stderr line, nothing on stdout" bash -c '[ -z "$0" ] && [ "$(wc -l <<<"$1")" = 1 ]' "$out" "$err"
run in_node setpriv --reuid=65534 --regid=65534 --clear-groups -- "$VPCPROBE" arp 10.124.0.5
ok "non-root user: exit 3 naming CAP_NET_RAW" bash -c '[ "$0" = 3 ] && grep -q CAP_NET_RAW <<<"$1"' "$rc" "$err"

# Bad input: one line on stderr, exit 3, no stack trace.
long=$(printf 'a%.0s' $(seq 300))
for args in "999.1.1.1" "10.124.0.5 -I nosuchif0" "10.124.0.5 -I averyveryverylongifname" "10.124.0.5 -c 0" \
            "10.124.0.5 -w -1" "$long" "10.124.0.5 -c abc" "10.124.0.5 -i nan" "fe80::1" "-4 fd00:7c::5" "10.124.0.5 --bogus" ""; do
  # shellcheck disable=SC2086
  run vp arp $args
  ok "bad input '${args:0:40}': exit 3, one stderr line, no stdout" bash -c '[ "$0" = 3 ] && [ -n "$1" ] && [ "$(wc -l <<<"$1")" = 1 ] && [ -z "$2" ]' "$rc" "$err" "$out"
done

run vp arp no-such-host.invalid
ok "unresolvable name: exit 2 and says so" bash -c '[ "$0" = 2 ] && grep -q "does not resolve" <<<"$1"' "$rc" "$err"

finish
