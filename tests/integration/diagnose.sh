#!/usr/bin/env bash
# vpcprobe diagnose against the real kernel: each lab fault must be named with the right status,
# layer, path and exit code.
source "$(dirname "$0")/lib.sh"
PRIV=db.vpc.internal:5432
PUB=db.public.example:5432
noraw() { in_node setpriv --bounding-set=-net_raw -- "$VPCPROBE" "$@"; }
lab up

# expect FAULT PRIVATE EXIT STATUS LAYER PATH [extra jq check]
expect() {
  local fault=$1 priv=$2 code=$3 status=$4 layer=$5 path=$6
  lab heal
  [ "$fault" = healthy ] || lab fault "$fault"
  run vp diagnose --private "$priv" --public "$PUB" --json
  ok "$fault: exit $code" rc_is "$code"
  ok "$fault: $status / $layer / $path" jq_is '.verdict | "\(.status) \(.layer) \(.path)"' "$status $layer $path"
  if [ $# -ge 7 ]; then ok "$fault: $7" jq_is "$7" true; fi
}

expect healthy $PRIV 0 ok none none '.paths.private.layers | [.[] | .check] | all(. == "pass")'
expect stale-neighbor $PRIV 2 failing neighbor private '.verdict.fix | startswith("ip neigh replace 10.124.0.5 lladdr")'
expect stale-neighbor-extern $PRIV 2 failing neighbor private '.paths.private.details.neighbor.before.flags | index("extern_learn") != null'
expect stale-gateway app.vpc.internal:5432 2 failing neighbor private '.verdict.fix | startswith("ip neigh replace 10.124.0.1 lladdr")'
expect port-closed $PRIV 2 failing transport private '.paths.private.details.tcp.state == "closed"'
expect port-dropped $PRIV 2 failing transport private '.paths.private.details.tcp.state == "filtered"'
expect port-rejected $PRIV 2 failing transport private '.paths.private.details.tcp.icmp_error.code == 13'
expect icmp-blocked $PRIV 0 ok none none '.paths.private.layers.network.check == "warn"'
expect blackhole-route $PRIV 2 failing route private '.paths.private.details.route.type == "blackhole"'
expect vpc-down $PRIV 2 failing link private '.verdict.fix == "ip link set dev vpc0 up"'
expect router-unreachable app.vpc.internal:5432 2 failing network private '.paths.private.details.echo.icmp_error.from == "10.124.0.1"'
expect public-down $PRIV 1 degraded network public '.paths.private.layers.transport.check == "pass"'
expect mtu-blackhole app.vpc.internal:5432 2 failing mtu private '[.paths.private.details.mtu[] | select(.answered) | .size] | max == 1400'
expect ip-conflict $PRIV 2 failing neighbor private '.paths.private.details.neighbor.arp.answering_macs | length == 2'
# its neighbour: the conflict is on the gateway of the private path (the VPC router)
lab heal
lab fault ip-conflict 10.124.0.1
run vp diagnose --private app.vpc.internal:5432 --public $PUB --json
ok "ip-conflict on the gateway: failing / neighbor / private, exit 2" \
  bash -c '[ "$0" = 2 ] && [ "$1" = "failing neighbor private" ]' "$rc" "$(jq -r '.verdict | "\(.status) \(.layer) \(.path)"' <<<"$out")"
ok "ip-conflict on the gateway: two MACs answer for 10.124.0.1" \
  jq_is '.paths.private.details.neighbor | "\(.next_hop) \(.arp.answering_macs | length)"' "10.124.0.1 2"
# healthy: the conflict check says how long it listened for a second MAC
lab heal
run vp diagnose --private $PRIV --public $PUB --json
ok "healthy: the neighbor evidence names the window listened for a second MAC" \
  jq_is '[.paths[].layers.neighbor.evidence[] | select(test("No second MAC answered in the [0-9.]+ ms"))] | length == 2' true
ok "healthy: that window is at least diagnose's 4 ms floor on both paths" \
  jq_is '[.paths[].details.neighbor.arp.listened_after_answer_ms | . >= 4] | all' true

lab heal
run vp diagnose --private nosuch.vpc.internal:5432 --public $PUB --json
ok "unresolvable private name: exit 2, failing at dns" jq_is '"\(.verdict.status) \(.verdict.layer) \(.verdict.path)"' "failing dns private"
ok "unresolvable private name: exit code 2" rc_is 2

# A fully dead pair still finishes in about one timeout.
lab fault dead-pair
start=$(date +%s%N)
run vp diagnose --private $PRIV --public $PUB --timeout 1 --json
took=$(( ($(date +%s%N) - start) / 1000000 ))
ok "dead pair: failing on both paths" jq_is '"\(.verdict.status) \(.verdict.path)"' "failing both"
ok "dead pair: finished within timeout + 0.5 s (${took} ms)" test "$took" -le 1500

# Without CAP_NET_RAW the neighbor layer cannot be probed: never guessed.
lab heal
lab fault stale-neighbor
run noraw diagnose --private $PRIV --public $PUB --json
ok "no CAP_NET_RAW + stale entry: unknown, exit 3" bash -c '[ "$0" = 3 ] && [ "$(jq -r .verdict.status <<<"$1")" = unknown ]' "$rc" "$out"
ok "no CAP_NET_RAW: neighbor row says not tested" jq_is '.paths.private.layers.neighbor.check' not_tested
ok "no CAP_NET_RAW: evidence names the missing capability" jq_is '[.verdict.evidence[] | select(test("CAP_NET_RAW"))] | length > 0' true
lab heal
run noraw diagnose --private $PRIV --public $PUB --json
ok "no CAP_NET_RAW + healthy: still ok (ping socket + connect)" jq_is '"\(.verdict.status) \(.paths.private.details.echo.method) \(.paths.private.details.tcp.method)"' "ok ping-socket connect"

# Text output: the table, the verdict and the fix; colour only when asked.
lab fault stale-neighbor
run vp diagnose --private $PRIV --public $PUB
ok "text: a row per layer" bash -c 'for l in dns route link neighbor network transport mtu; do grep -q "^$l " <<<"$0" || exit 1; done' "$out"
ok "text: verdict line" has "FAILING (neighbor layer, private path)"
ok "text: fix line" has "fix: ip neigh replace 10.124.0.5"
ok "text: no colour when not a terminal" bash -c '! grep -q $'"'"'\033'"'"' <<<"$0"' "$out"
run vp diagnose --private $PRIV --public $PUB --color=always
ok "--color=always colours" bash -c 'grep -q $'"'"'\033\[31'"'"' <<<"$0"' "$out"

# --pcap: the evidence file holds what the diagnosis saw on the wire
lab heal
macs=$("$LAB" fault stale-neighbor)
new=$(awk '{print $6}' <<<"$macs")
pcap_dir=$(mktemp -d)
chmod 777 "$pcap_dir"
run vp diagnose --private $PRIV --public $PUB --pcap "$pcap_dir/ev.pcap"
ok "--pcap: diagnosis still exit 2 and says where it wrote" bash -c '[ "$0" = 2 ] && grep -q "wrote .* packets to" <<<"$1"' "$rc" "$err"
dump=$(tcpdump -nr "$pcap_dir/ev.pcap" 2>/dev/null)
ok "--pcap: the new MAC's ARP reply is in the file" grep -q "ARP, Reply 10.124.0.5 is-at $new" <<<"$dump"
ok "--pcap: the unanswered private SYN is in the file" grep -qE "10.124.0.2.[0-9]+ > 10.124.0.5.5432: Flags \[S\]" <<<"$dump"
ok "--pcap: the public SYN-ACK is in the file" grep -qE "198.51.100.10.5432 > 192.0.2.2.[0-9]+: Flags \[S.\]" <<<"$dump"
run vp ping -c 3 -i 0.1 10.124.0.1 --pcap "$pcap_dir/ping.pcap"
ok "ping --pcap: 3 requests and 3 replies" test "$(tcpdump -nr "$pcap_dir/ping.pcap" icmp 2>/dev/null | wc -l)" = 6
run noraw diagnose --private $PRIV --pcap "$pcap_dir/x.pcap"
ok "--pcap without CAP_NET_RAW: exit 3 naming it" bash -c '[ "$0" = 3 ] && grep -q CAP_NET_RAW <<<"$1"' "$rc" "$err"
run vp tcp 10.124.0.5:5432 --pcap /nonexistent-dir/x.pcap
ok "--pcap to an unwritable path: exit 3, one line" bash -c '[ "$0" = 3 ] && [ "$(wc -l <<<"$1")" = 1 ]' "$rc" "$err"
rm -rf "$pcap_dir"

# Bad input
for args in "--private 999.1.1.1:5432" "--private db.vpc.internal:0" "--private db.vpc.internal:99999" "--private a;b:5432" \
            "--private $PRIV --timeout 0" "--private $PRIV --timeout nan" "--private $PRIV --color=sometimes" \
            "--private $PRIV -p 70000" "--public $PUB" "--private [fe80::1%vpc0]:5432" "--private -6 10.124.0.5:5432" "--private [fd00:7c::5:5432"; do
  # shellcheck disable=SC2086
  run vp diagnose $args
  ok "bad input '${args:0:50}': exit 3, one stderr line" bash -c '[ "$0" = 3 ] && [ "$(wc -l <<<"$1")" = 1 ] && [ -z "$2" ]' "$rc" "$err" "$out"
done

finish
