#!/usr/bin/env bash
# vpcprobe diagnose on the faults a single probe per layer cannot see: random loss, this host's own
# firewall, answers dropped on arrival, a "private" path that is not private, a host that answers
# ARP and nothing else, and runs without any privilege. Status, layer, path and exit code each.
source "$(dirname "$0")/lib.sh"
PRIV=db.vpc.internal:5432
PUB=db.public.example:5432
APP=app.vpc.internal:5432
noraw() { in_node setpriv --bounding-set=-net_raw -- "$VPCPROBE" "$@"; }
# No capability at all and no ping sockets: a plain user in a cron job, kubectl debug without netadmin.
nobody() { in_node setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all -- "$VPCPROBE" "$@"; }
lab up

verdict() { jq_is '.verdict | "\(.status) \(.layer) \(.path)"' "$1"; }
evidence_has() { jq_is --arg s "$1" '[.verdict.evidence[] | select(contains($s))] | length > 0' true; }
fix_has() { jq_is --arg s "$1" '.verdict.fix // "" | contains($s)' true; }

# check NAME EXIT "STATUS LAYER PATH" [jq filter that must be true]...: the last `run`'s report
check() {
  local name=$1 code=$2 want=$3
  shift 3
  ok "$name: exit $code" rc_is "$code"
  ok "$name: $want" verdict "$want"
  local f
  for f in "$@"; do ok "$name: $f" jq_is "$f" true; done
}

# --- intermittent loss: 70 % of the packets dropped at random; right on every run -----------------
lab heal
lab fault loss-private
for i in 1 2 3 4; do
  run vp diagnose --private $PRIV --public $PUB --json
  check "loss-private #$i" 1 "degraded network private" \
    '.paths.private.details.echo.series | .answered > 0 and .lost > 0 and .sent >= 5' \
    '.paths.private.layers.network.summary | startswith("intermittent:")' \
    '.paths.private.layers.mtu.check != "fail"' \
    '.paths.public.layers.transport.check == "pass"'
done
ok "loss-private: the fix looks for where packets are lost" fix_has "mtr"

lab heal
lab fault loss-private 40
for i in 1 2 3; do
  run vp diagnose --private $PRIV --public $PUB --json
  check "40 % loss #$i" 1 "degraded network private" '.paths.private.layers.transport.check != "fail"'
done

lab heal
lab fault loss-public
for i in 1 2 3; do
  run vp diagnose --private $PRIV --public $PUB --json
  check "loss-public #$i" 1 "degraded network public" '.paths.private.layers | [.[] | .check] | all(. == "pass")'
done

lab heal
lab fault loss-router
for i in 1 2; do
  run vp diagnose --private $APP --public $PUB --json
  check "loss behind the VPC router #$i" 1 "degraded network private" '.paths.private.details.route.gateway == "10.124.0.1"'
done

# A lossy path still ends within its timeout, and --count sets the series length.
start=$(date +%s%N)
run vp diagnose --private $APP --timeout 1 --json
took=$(( ($(date +%s%N) - start) / 1000000 ))
ok "lossy path: finished within timeout + 0.5 s (${took} ms)" test "$took" -le 1500
lab heal
run vp diagnose --private $PRIV --count 3 --json
check "--count 3 on a healthy path" 0 "ok none none" '.paths.private.details.echo.series.sent == 3' \
  '.paths.private.details.tcp.series.sent == 3' '.paths.private.details.echo.series.rtt_ms.median > 0'
for bad in 0 17 x -1; do
  run vp diagnose --private $PRIV --count "$bad"
  ok "--count $bad: exit 3, one stderr line" bash -c '[ "$0" = 3 ] && [ "$(wc -l <<<"$1")" = 1 ]' "$rc" "$err"
done

# --- this host's own firewall ---------------------------------------------------------------------
# The private SYN's send() fails with EPERM; the public path, probed at the same moment through
# the same raw socket, must still see its SYN-ACK. Several runs: the two share one channel.
lab heal
lab fault local-drop
for i in 1 2 3; do
  run vp diagnose --private $PRIV --public $PUB --json
  check "local-drop #$i" 2 "failing transport private" \
    '.paths.public.layers.transport.check == "pass"' \
    '.paths.public.details.tcp.series | .answered == .sent' \
    '.paths.private.layers.network.check == "pass"'
done
ok "local-drop: evidence says this host dropped it" evidence_has "dropped by this host before it left"
ok "local-drop: the fix is a local rule, not a security group" jq_is '.verdict.fix | contains("nft") and (contains("security group") | not)' true
run noraw diagnose --private $PRIV --public $PUB --json
check "local-drop without CAP_NET_RAW (connect)" 2 "failing transport private" '.paths.public.layers.transport.check == "pass"'
# connect() cannot tell: the kernel retransmits a SYN its own OUTPUT hook dropped, then times out
ok "local-drop without CAP_NET_RAW: says a local rule is possible" evidence_has "cannot see whether it left this host"
ok "local-drop without CAP_NET_RAW: the fix starts on this host" fix_has "check this host's rules"

lab heal
lab fault local-drop-icmp
run vp diagnose --private $PRIV --public $PUB --json
check "local-drop-icmp (TCP works)" 0 "ok none none" '.paths.private.layers.network.check == "warn"'

lab heal
lab fault local-drop-all
run vp diagnose --private $PRIV --public $PUB --json
check "local-drop-all" 2 "failing network private" '.paths.private.layers.transport.check == "fail"'
ok "local-drop-all: the fix names all traffic" fix_has "refuses traffic to 10.124.0.5"

# --- answers that arrive and are dropped here -------------------------------------------------------
lab heal
lab fault input-drop
run vp diagnose --private $PRIV --public $PUB --json
check "input-drop" 2 "failing network private" \
  '.paths.private.details.witness | .echo_out > 0 and .echo_in > 0 and .in_interface == "vpc0" and .out_interface == "vpc0"'
ok "input-drop: the evidence says this host dropped the replies" evidence_has "this host dropped them after they arrived"
ok "input-drop: no asymmetric path is claimed" jq_is '[.verdict.evidence[] | select(contains("asymmetric"))] | length == 0' true
ok "input-drop: the fix points at the INPUT rules" fix_has "INPUT"
# the same where the VPC interface is a bridge port (the packets pass vpc0 and brv): counted once,
# on the route's own device, and still not an asymmetric path
lab heal
in_node ip addr del 10.124.0.2/20 dev vpc0
in_node ip link add brv type bridge
in_node ip link set vpc0 master brv
in_node ip link set brv up
in_node ip addr add 10.124.0.2/20 dev brv
lab fault input-drop
run vp diagnose --private $PRIV --public $PUB --json
check "input-drop behind a bridge" 2 "failing network private" \
  '.paths.private.details.witness | .in_interface == "brv" and .out_interface == "brv" and .echo_in == .echo_out'
ok "input-drop behind a bridge: no asymmetric path is claimed" jq_is '[.verdict.evidence[] | select(contains("asymmetric"))] | length == 0' true

lab heal
lab fault asymmetric-return
run vp diagnose --private $PRIV --public $PUB --json
check "asymmetric-return" 2 "failing network private" \
  '.paths.private.details.witness | .in_interface == "pub0" and .out_interface == "vpc0" and .reverse_path_refused' \
  '.paths.public.layers.transport.check == "pass"'
ok "asymmetric-return: evidence names the asymmetric path and rp_filter" evidence_has "reverse-path filtering refuses (rp_filter=1 on pub0)"
ok "asymmetric-return: the fix is the return route or a loose rp_filter" fix_has "net.ipv4.conf.pub0.rp_filter=2"

# --- the target answers ARP and nothing above -------------------------------------------------------
lab heal
lab fault silent-host
run vp diagnose --private $PRIV --public $PUB --json
check "silent-host" 2 "failing network private" '.paths.private.layers.neighbor.check == "pass"'
ok "silent-host: evidence reads the pattern" evidence_has "answers ARP, so it is up on the segment"
ok "silent-host: the fix looks at the target" fix_has "check its host firewall"
ok "silent-host: probes left this host" jq_is '.paths.private.details.witness | .echo_out > 0 and .echo_in == 0' true

# --- a private path that is not private ---------------------------------------------------------------
lab heal
lab fault private-is-public
run vp diagnose --private $PRIV --public $PUB --json
check "private-is-public" 1 "degraded dns private" '.paths.private.layers.transport.check == "pass"'
ok "private-is-public: says it goes over the internet" jq_is '.verdict.summary | contains("resolves to 198.51.100.10, a public address")' true
run vp diagnose --private $PRIV --json
check "private-is-public without --public" 1 "degraded dns private"

lab heal
lab fault private-via-default
run vp diagnose --private $PRIV --public $PUB --json
check "private-via-default" 1 "degraded route private" '.paths.private.details.route.prefix_length == 0'
# the same, where the public side cannot carry it: the way is the cause, not the echo that failed
lab exec rtr ip route del 10.124.0.0/20
run vp diagnose --private $PRIV --public $PUB --json
check "private-via-default, dead end" 2 "failing route private" '.paths.private.layers.network.check == "fail"'
ok "private-via-default, dead end: summary names the wrong way" jq_is '.verdict.summary | contains("goes the wrong way at the route layer")' true

lab heal
lab fault private-via-public
run vp diagnose --private $PRIV --public $PUB --json
check "private-via-public" 1 "degraded route private" '.paths.private.layers.route.summary | startswith("public side")'

lab heal
lab fault public-is-private
run vp diagnose --private $PRIV --public $PUB --json
check "public-is-private" 0 "ok none none" '.paths.public.layers.dns.check == "warn"'
ok "public-is-private: a warning in the evidence" evidence_has "this is not the public path"

# --- without privilege: no confident answer from a layer that was not tested ---------------------------
lab heal
lab exec node sysctl -qw net.ipv4.ping_group_range="1 0"
run nobody diagnose --private $APP --json
check "no privilege, healthy" 0 "ok none none" '.paths.private.layers.mtu.check == "not_tested"'
ok "no privilege: OK as far as tested" jq_is '.verdict.summary | contains("works as far as tested")' true
lab fault mtu-blackhole
run nobody diagnose --private $APP --json
check "no privilege, MTU black hole: never 'mtu passes'" 0 "ok none none" '.paths.private.layers.mtu.check == "not_tested"'
ok "no privilege, MTU black hole: the summary says what was not tested" jq_is '.verdict.summary | contains("mtu")' true

lab heal
lab fault port-closed
run noraw diagnose --private $PRIV --public $PUB --json
check "port closed, ARP not run" 2 "failing transport private"
ok "port closed, ARP not run: the neighbor layer is said to be untested" evidence_has "(an IP conflict) would not show"

finish
