#!/usr/bin/env bash
# Least privilege, observed on running probes: /proc/PID/status after start-up shows every
# capability gone (CAP_NET_ADMIN kept only by neigh --fix), the real uid back for setuid and
# file-capability installs, and self-check explaining what is missing.
source "$(dirname "$0")/lib.sh"
lab up
status_of() { cat /proc/"$1"/status 2>/dev/null; }
field() { awk -v k="$1:" '$1 == k {print $2}' <<<"$2"; }
# Starts vpcprobe (as the given wrapper) in node, waits for it, prints its pid. Only processes in
# this test's node namespace count: other lab tests run the same commands beside it.
node_pgrep() {  # node_pgrep PATTERN: the pids in node's namespace whose command line matches
  local p
  for p in $(ip netns pids "$("$LAB" ns node)" 2>/dev/null); do
    tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qE -- "$1" && echo "$p"
  done
}
start_probe() {
  local pattern=$1
  shift
  in_node "$@" >/dev/null 2>&1 &
  for _ in $(seq 100); do
    pid=$(node_pgrep "$pattern" | head -1)
    [ -n "$pid" ] && { sleep 0.3; echo "$pid"; return 0; }
    sleep 0.05
  done
  return 1
}

pid=$(start_probe "^$VPCPROBE ping -c 30" "$VPCPROBE" ping -c 30 -i 0.1 10.124.0.5)
st=$(status_of "$pid")
ok "root ping: CapEff empty after start-up" test "$(field CapEff "$st")" = 0000000000000000
ok "root ping: CapPrm empty" test "$(field CapPrm "$st")" = 0000000000000000
ok "root ping: CapAmb empty" test "$(field CapAmb "$st")" = 0000000000000000
ok "root ping: NoNewPrivs set" test "$(field NoNewPrivs "$st")" = 1
kill "$pid" 2>/dev/null; wait

pid=$(start_probe "^$VPCPROBE diagnose" "$VPCPROBE" diagnose --private 10.124.0.99:5432 --timeout 2)
st=$(status_of "$pid")
ok "root diagnose: CapEff empty while probing" test "$(field CapEff "$st")" = 0000000000000000
wait

pid=$(start_probe "^$VPCPROBE neigh --fix --watch" "$VPCPROBE" neigh --fix --watch 0.2 --rounds 15 -I vpc0)
st=$(status_of "$pid")
ok "neigh --fix --watch: only CAP_NET_ADMIN left (bit 12)" test "$(field CapEff "$st")" = 0000000000001000
ok "neigh --fix --watch: permitted set is the same" test "$(field CapPrm "$st")" = 0000000000001000
kill "$pid" 2>/dev/null; wait
pid=$(start_probe "^$VPCPROBE neigh --watch" "$VPCPROBE" neigh --watch 0.2 --rounds 15 -I vpc0)
ok "neigh --watch without --fix: nothing kept" test "$(field CapEff "$(status_of "$pid")")" = 0000000000000000
kill "$pid" 2>/dev/null; wait

# A copy with file capabilities, run by an unprivileged user: raw sockets work, then nothing is left.
dir=$(mktemp -d /tmp/vpcprobe-caps.XXXXXX)
chmod 755 "$dir"
cp "$VPCPROBE" "$dir/vpcprobe-fcaps"
setcap cap_net_raw+ep "$dir/vpcprobe-fcaps"
run in_node setpriv --reuid=65534 --regid=65534 --clear-groups -- "$dir/vpcprobe-fcaps" ping -c 1 10.124.0.5 --json
ok "file caps + nobody: raw method works" jq_is .method raw
pid=$(start_probe "^$dir/vpcprobe-fcaps ping" setpriv --reuid=65534 --regid=65534 --clear-groups -- "$dir/vpcprobe-fcaps" ping -c 30 -i 0.1 10.124.0.5)
st=$(status_of "$pid")
ok "file caps + nobody: CapEff and CapPrm empty after start-up" test "$(field CapEff "$st")/$(field CapPrm "$st")" = 0000000000000000/0000000000000000
kill "$pid" 2>/dev/null; wait
# setuid root: back to the real uid before the first packet is read.
cp "$VPCPROBE" "$dir/vpcprobe-suid"
chmod 4755 "$dir/vpcprobe-suid"
pid=$(start_probe "^$dir/vpcprobe-suid ping" setpriv --reuid=65534 --regid=65534 --clear-groups -- "$dir/vpcprobe-suid" ping -c 30 -i 0.1 10.124.0.5)
st=$(status_of "$pid")
ok "setuid root: real, effective, saved uid all 65534" bash -c '[ "$(awk "\$1 == \"Uid:\" {print \$2,\$3,\$4}" <<<"$0")" = "65534 65534 65534" ]' "$st"
ok "setuid root: CapEff empty" test "$(field CapEff "$st")" = 0000000000000000
kill "$pid" 2>/dev/null; wait
rm -rf "$dir"

# self-check: one line per layer, saying what is missing and why.
run vp self-check
ok "self-check as root: full, exit 0" bash -c '[ "$0" = 0 ] && ! grep -q "NOT AVAILABLE" <<<"$1"' "$rc" "$out"
in_node sysctl -qw net.ipv4.ping_group_range="1 0"
run in_node setpriv --bounding-set=-net_raw,-net_admin -- "$VPCPROBE" self-check --json
ok "self-check without caps: exit 1 (degraded)" rc_is 1
ok "self-check: ARP not available, bounding set named" jq_is '.layers[] | select(.area == "neighbor (ARP)") | (.available == false and (.how | test("CapBnd")))' true
ok "self-check: ICMP not available, ping_group_range named" jq_is '.layers[] | select(.area == "network (ICMP echo)") | (.available == false and (.how | test("ping_group_range .1 0.")))' true
ok "self-check: TCP falls back to connect()" jq_is '.layers[] | select(.area == "transport (TCP)") | "\(.available) \(.full)"' "true false"
in_node sysctl -qw net.ipv4.ping_group_range="0 2147483647"
run in_node setpriv --bounding-set=-net_raw -- "$VPCPROBE" diagnose --private 10.124.0.5:5432 --json
ok "degraded diagnose is a whole report" jq_is '.schema' "vpcprobe.diagnose/1"
ok "degraded diagnose lists exactly the checks that did not run (none: the target's answers prove them)" \
  jq_is '[.not_tested[] | "\(.path)/\(.layer)"] | join(",")' ""
run in_node setpriv --bounding-set=-net_raw -- "$VPCPROBE" diagnose --private 10.124.0.5:5432
ok "degraded diagnose (healthy): ok with the neighbor proven by the target's answers" rc_is 0
lab fault stale-neighbor
run in_node setpriv --bounding-set=-net_raw -- "$VPCPROBE" diagnose --private 10.124.0.5:5432 --json
ok "degraded diagnose (stale): the neighbor check is listed as not tested" jq_is '[.not_tested[] | "\(.path)/\(.layer)"] | join(",")' "private/neighbor"

finish
