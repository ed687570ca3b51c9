#!/usr/bin/env bash
# The IPv6 twin against the real kernel, in the dual-stack lab: ping -6, tcp over IPv6 (raw SYN
# and connect()), arp speaking NDP, neigh over both families, diagnose naming the failing layer
# for every IPv6 fault, check with IPv6 targets; with and without privileges.
source "$(dirname "$0")/lib.sh"
noraw() { in_node setpriv --bounding-set=-net_raw -- "$VPCPROBE" "$@"; }
nobody() { in_node setpriv --reuid=65534 --regid=65534 --clear-groups -- "$VPCPROBE" "$@"; }
lab up
DB=fd00:7c::5 VRT=fd00:7c::1 APP=fd00:7d::5 PUB=2001:db8:100::10

# --- input: literals, brackets, names with AAAA and A, -4/-6
run vp ping -c 2 -i 0.1 $DB --json
ok "ping -6 literal: exit 0, raw ICMPv6, 2/2" jq_is '"\(.method) \(.summary.received) \(.target.family)"' "raw 2 ipv6"
ok "ping -6: hop limit of each reply" jq_is '[.probes[] | select(.ttl == 64)] | length' 2
run vp ping -c 1 db.vpc.internal
ok "a name with A and AAAA: IPv4 first, the header names the IPv6 address and -6" \
  bash -c '[ "$0" = 0 ] && grep -q "db.vpc.internal (10.124.0.5, resolved in .* ms; IPv4, also IPv6 fd00:7c::5: -6)" <<<"$1"' "$rc" "$out"
run vp ping -6 -c 1 db.vpc.internal
ok "-6: the AAAA record, the header says IPv6 and the other address" \
  bash -c '[ "$0" = 0 ] && grep -q "(fd00:7c::5, resolved in .*; IPv6, also IPv4 10.124.0.5: -4)" <<<"$1" && grep -q "56 data bytes" <<<"$1"' "$rc" "$out"
run vp ping -c 1 db6.vpc.internal --json
ok "an AAAA-only name resolves to IPv6" jq_is '"\(.target.ip) \(.summary.received)"' "fd00:7c::5 1"
run vp ping -4 -c 1 db6.vpc.internal
ok "-4 with an AAAA-only name: cannot be tried, exit 2, one line" bash -c '[ "$0" = 2 ] && [ "$(wc -l <<<"$1")" = 1 ] && grep -q "IPv4" <<<"$1"' "$rc" "$err"
for args in "ping -4 $DB" "tcp -6 10.124.0.5:5432" "ping fe80::1" "tcp [$DB]5432" "tcp [$DB:5432" "ping ::ffff:10.124.0.5" \
            "arp fe80::1%vpc0 -I pub0" "diagnose --private [fe80::1%vpc0]:5432" "ping fe80::1%no/such"; do
  # shellcheck disable=SC2086
  run vp $args
  ok "bad input '$args': exit 3, one stderr line, nothing on stdout" bash -c '[ "$0" = 3 ] && [ "$(wc -l <<<"$1")" = 1 ] && [ -z "$2" ]' "$rc" "$err" "$out"
done
lla=$("$LAB" exec vrt ip -6 addr show dev eth0 scope link | awk '/inet6/ {sub("/.*", "", $2); print $2}')
run vp ping -c 1 "$lla%vpc0"
ok "link-local with its zone: the zone is the interface, exit 0" bash -c '[ "$0" = 0 ] && grep -q "interface vpc0" <<<"$1"' "$rc" "$out"

# --- self-check: the IPv6 twins have lines of their own
run vp self-check --json
ok "self-check as root: NDP, ICMPv6 and TCP over IPv6 full" \
  jq_is '[.layers[] | select(.area == "neighbor (NDP)" or .area == "network (ICMPv6 echo)" or .area == "transport (TCP, IPv6)") | .full] | (length == 3 and all)' true
run noraw self-check --json
ok "self-check without CAP_NET_RAW: NDP not available, ICMPv6 by ping socket" \
  jq_is '[.layers[] | select(.area == "neighbor (NDP)" or .area == "network (ICMPv6 echo)") | "\(.available)"] | join(" ")' "false true"

# --- ping -6 without privileges: the ICMPv6 ping socket
run noraw ping -6 -c 2 -i 0.1 db.vpc.internal --json
ok "ping -6 without CAP_NET_RAW: ping socket, 2/2" jq_is '"\(.method) \(.summary.received)"' "ping-socket 2"
run nobody ping -c 1 $DB
ok "ping -6 as nobody: ping socket works" bash -c '[ "$0" = 0 ] && grep -q "unprivileged ping socket" <<<"$1"' "$rc" "$out"

# --- tcp over IPv6
run vp tcp "[$DB]:5432" --json
ok "tcp IPv6: raw SYN finds 5432 open" jq_is '"\(.method) \(.probes[0].state) \(.probes[0].detail)"' "raw open SYN-ACK"
run vp tcp -6 db.vpc.internal -p 5432,5433
ok "tcp -6 by name: 5433 closed by RST, exit 1" bash -c '[ "$0" = 1 ] && grep -q "5433/tcp  closed" <<<"$1"' "$rc" "$out"
run noraw tcp "[$DB]:5432" --json
ok "tcp IPv6 without CAP_NET_RAW: connect() open" jq_is '"\(.method) \(.probes[0].state)"' "connect open"
lab fault port-rejected-6
for m in raw connect; do
  if [ $m = raw ]; then run vp tcp "[$DB]:5432" --json; else run noraw tcp "[$DB]:5432" --json; fi
  ok "port-rejected-6 ($m): rejected by ICMPv6 admin-prohibited from db, exit 2" \
    jq_is '"\(.probes[0].state) \(.probes[0].icmp_error.type) \(.probes[0].icmp_error.code) \(.probes[0].icmp_error.from)"' "rejected 1 1 $DB"
done
run vp tcp 10.124.0.5:5432
ok "port-rejected-6 leaves IPv4 alone: open, exit 0" rc_is 0
lab heal; lab fault port-dropped-6
run vp tcp "[$DB]:5432" -w 0.3 --json
ok "port-dropped-6: filtered, exit 2" bash -c '[ "$0" = 2 ] && [ "$(jq -r ".probes[0].state" <<<"$1")" = filtered ]' "$rc" "$out"

# --- ICMPv6 errors to ping
lab heal; lab fault router-unreachable-6
run vp ping -c 2 -i 0.1 $APP --json
ok "router-unreachable-6: address unreachable from the VPC router, exit 2" \
  jq_is '"\(.probes[0].outcome) \(.probes[0].icmp_error.from) \(.probes[0].icmp_error.type)/\(.probes[0].icmp_error.code)"' "icmp_error $VRT 1/3"
run vp ping -c 1 $APP
ok "... in ICMPv6's words" bash -c '[ "$0" = 2 ] && grep -q "From fd00:7c::1 icmp_seq=1 address unreachable (ICMPv6 type 1 code 3)" <<<"$1"' "$rc" "$out"
lab heal
"$LAB" exec app ip link set eth0 mtu 1400
"$LAB" exec vrt ip link set eth1 mtu 1400
run vp ping -c 1 -s 1452 --df $APP --json
ok "Packet Too Big from the router, with its MTU" jq_is '"\(.probes[0].icmp_error.type) \(.probes[0].icmp_error.mtu) \(.probes[0].icmp_error.from)"' "2 1400 $VRT"

# --- arp speaks NDP for IPv6
lab heal
run vp arp -c 2 $DB --json
ok "arp IPv6: NDP, consistent, exit 0" jq_is '"\(.protocol) \(.family) \(.verdict.finding)"' "ndp ipv6 consistent"
# Linux sets Override only in answers to a multicast solicitation (it included its link-layer address).
ok "arp IPv6: answers to the multicast and the unicast solicitation, their S and O flags" \
  jq_is '[.replies[] | "\(.request) \(.ndp_flags.solicited) \(.ndp_flags.override) \(.ndp_flags.router)"] | unique | join(",")' \
  "multicast true true false,unicast true false false"
run vp arp -c 1 $VRT --json
ok "arp to the router: R flag" jq_is '[.replies[].ndp_flags.router] | all' true
lla=$("$LAB" exec vrt ip -6 addr show dev eth0 scope link | awk '/inet6/ {sub("/.*", "", $2); print $2}')  # vrt's NIC is new
run vp arp -c 1 "$lla%vpc0"
ok "arp to a link-local address with its zone: NDP from our link-local address" \
  bash -c '[ "$0" = 0 ] && grep -q "^NDP fe80::.* on vpc0 from fe80::" <<<"$1"' "$rc" "$out"
for f in stale-neighbor-6 stale-neighbor-extern-6 stale-kernel-6; do
  lab heal
  macs=$("$LAB" fault $f)
  old=$(awk '{print $3}' <<<"$macs" | tr -d ,) new=$(awk '{print $6}' <<<"$macs")
  run vp arp -c 2 $DB --json
  ok "$f: arp finds the stale entry, both MACs, exit 2" \
    bash -c '[ "$0" = 2 ] && [ "$(jq -r "\"\(.verdict.finding) \(.cache.before.mac) \(.answering_macs | join(\",\"))\"" <<<"$1")" = "stale_entry $2 $3" ]' "$rc" "$out" "$old" "$new"
  case $f in
    stale-kernel-6) ok "$f: the kernel heals it" jq_is '.verdict.kernel_heals' true ;;
    *) ok "$f: the kernel will not heal it" jq_is '.verdict.kernel_heals' false ;;
  esac
done
lab heal; lab fault dead-host-6
run vp arp -c 2 -w 0.3 $DB
ok "dead-host-6: no neighbor advertisement, exit 2" bash -c '[ "$0" = 2 ] && grep -q "NO NEIGHBOR ADVERTISEMENT" <<<"$1"' "$rc" "$out"
lab heal; lab fault ip-conflict-6
run vp arp -c 2 $DB --json
ok "ip-conflict-6: two MACs answer, exit 2" jq_is '"\(.verdict.finding) \(.answering_macs | length)"' "conflict 2"
run noraw arp $DB
ok "arp IPv6 without CAP_NET_RAW: exit 3, one line naming it" bash -c '[ "$0" = 3 ] && [ "$(wc -l <<<"$1")" = 1 ] && grep -q CAP_NET_RAW <<<"$1"' "$rc" "$err"

# --- neigh: both families by default, -4/-6 to narrow, --fix the same way
lab heal
macs=$("$LAB" fault stale-neighbor-6)
new=$(awk '{print $6}' <<<"$macs")
run vp neigh -I vpc0 --verify --json
ok "neigh --verify: IPv4 and IPv6 entries, exit 2 (the pinned IPv6 entry)" \
  bash -c '[ "$0" = 2 ] && jq -e "[.entries[].ip] | (any(contains(\":\")) and any(contains(\".\")))" <<<"$1" >/dev/null' "$rc" "$out"
ok "neigh --verify: the IPv6 entry is stale, answered by the new MAC" \
  jq_is --arg ip "$DB" '.entries[] | select(.ip == $ip) | "\(.class) \(.answering_macs[0])"' "stale $new"
ok "neigh: no multicast (ff02::) entries listed" jq_is '[.entries[].ip | select(startswith("ff0"))] | length' 0
run vp neigh -4 -I vpc0 --verify --json
ok "neigh -4: IPv4 entries only" jq_is '[.entries[].ip] | (length > 0 and all(contains(".")))' true
run vp neigh -6 -I vpc0 --json
ok "neigh -6: IPv6 entries only" jq_is '[.entries[].ip] | (length > 0 and all(contains(":")))' true
run vp neigh -6 -I vpc0 --fix --json
ok "neigh -6 --fix: the PERMANENT entry is not touched without --force" \
  jq_is --arg ip "$DB" '.entries[] | select(.ip == $ip) | "\(.fix.applied) \(.fix.skipped != null and .fix.skipped != false)"' "false true"
run vp neigh -6 -I vpc0 --fix --force --json
ok "neigh -6 --fix --force: replaced with the MAC that answers" jq_is --arg ip "$DB" '.entries[] | select(.ip == $ip) | .fix.applied' true
ok "... and the kernel's entry now holds it" bash -c '"$0" exec node ip -6 neigh show '"$DB"' dev vpc0 | grep -q "$1"' "$LAB" "$new"

# --- diagnose: the failing layer, path and exit for every IPv6 fault
verdict() { jq -r '"\(.verdict.layer) \(.verdict.path) \(.verdict.status)"' <<<"$out"; }
diag6() { run vp diagnose --private "$1" --public "[$PUB]:5432" --json; }
lab heal
diag6 "[$DB]:5432"
ok "healthy over IPv6: exit 0, no layer fails or warns" \
  bash -c '[ "$0" = 0 ] && [ "$(jq -r "[.paths[].layers[] | .check] | any(. == \"fail\" or . == \"warn\")" <<<"$1")" = false ]' "$rc" "$out"
ok "healthy over IPv6: the neighbor layer probed with NDP" jq_is '.paths.private.layers.neighbor.summary | startswith("fd00:7c::5 at ")' true
run vp diagnose -6 --private db.vpc.internal:5432 --public db.public.example:5432 --json
ok "diagnose -6 by name: both paths over IPv6, exit 0" jq_is '"\(.paths.private.target.ip) \(.paths.public.target.ip) \(.verdict.status)"' "$DB $PUB ok"
run vp diagnose --private "[$DB]:5432" --public 198.51.100.10:5432 --json
ok "mixed families (IPv6 private, IPv4 public): exit 0" jq_is '"\(.paths.private.target.family) \(.paths.public.target.family) \(.verdict.status)"' "ipv6 ipv4 ok"
run vp diagnose --private db.vpc.internal:5432
ok "diagnose by a dual-stack name: IPv4, and the title names the IPv6 address" bash -c '[ "$0" = 0 ] && grep -q "IPv4; also IPv6 fd00:7c::5: -6" <<<"$1"' "$rc" "$out"
while read -r fault target expect; do
  lab heal
  lab fault "$fault"
  diag6 "$target"
  ok "$fault: $expect" test "$(verdict)" = "$expect"
done <<EOF
stale-neighbor-6 [$DB]:5432 neighbor private failing
stale-neighbor-extern-6 [$DB]:5432 neighbor private failing
stale-gateway-6 [$APP]:5432 neighbor private failing
dead-host-6 [$DB]:5432 neighbor private failing
ip-conflict-6 [$DB]:5432 neighbor private failing
port-closed-6 [$DB]:5432 transport private failing
port-dropped-6 [$DB]:5432 transport private failing
port-rejected-6 [$DB]:5432 transport private failing
local-drop-6 [$DB]:5432 transport private failing
router-unreachable-6 [$APP]:5432 network private failing
silent-host-6 [$DB]:5432 network private failing
blackhole-route-6 [$DB]:5432 route private failing
unreachable-route-6 [$DB]:5432 route private failing
prohibit-route-6 [$DB]:5432 route private failing
mtu-blackhole-6 [$APP]:5432 mtu private failing
public-down-6 [$DB]:5432 network public degraded
input-drop-6 [$DB]:5432 network private failing
local-drop-all-6 [$DB]:5432 network private failing
stale-public-gateway-6 [$DB]:5432 neighbor public degraded
EOF
# Random loss (70 %): right on every run, not once by luck.
for f in loss-private-6:private loss-public-6:public; do
  lab heal
  lab fault "${f%%:*}"
  for i in 1 2 3; do
    diag6 "[$DB]:5432"
    ok "${f%%:*} #$i: network ${f##*:} degraded (intermittent)" \
      bash -c '[ "$0" = "network $1 degraded" ] && jq -e ".paths.$1.layers.network.summary | startswith(\"intermittent:\")" <<<"$2" >/dev/null' "$(verdict)" "${f##*:}" "$out"
  done
done
lab heal; lab fault input-drop-6
diag6 "[$DB]:5432"
ok "input-drop-6: the witness saw the replies arrive: this host dropped them" \
  jq_is '[.verdict.evidence[] | select(contains("this host dropped them after they arrived"))] | length > 0' true
# The witness watches IPv6 paths too: a probe refused by this host's own firewall never left.
lab heal; lab fault local-drop-6
diag6 "[$DB]:5432"
ok "local-drop-6: the witness saw echoes leave and come back, and no SYN leave" \
  jq_is '.paths.private.details.witness | "\(.echo_out > 0) \(.echo_in > 0) \(.tcp_out)"' "true true 0"
# A gateway known only by its link-local address (routers advertise themselves so): the route
# names it with its interface, NDP asks it from our link-local address.
lab heal
vll=$("$LAB" exec vrt ip -6 addr show dev eth0 scope link | awk '/inet6/ {sub("/.*", "", $2); print $2}')
"$LAB" exec node ip -6 route replace fd00:7d::/64 via "$vll" dev vpc0
diag6 "[$APP]:5432"
ok "a link-local gateway: route via it on vpc0, the neighbor layer probes it, exit 0" \
  jq_is '"\(.verdict.status) \(.paths.private.details.route.gateway) \(.paths.private.details.route.dev) \(.paths.private.layers.neighbor.check)"' "ok $vll vpc0 pass"
"$LAB" exec node ip neigh replace "$vll" lladdr 02:de:ad:00:00:01 dev vpc0 nud permanent
diag6 "[$APP]:5432"
ok "a stale entry for the link-local gateway: neighbor layer, private path, exit 2" test "$(verdict)" = "neighbor private failing"

lab heal; lab fault icmp-blocked-6
diag6 "[$DB]:5432"
ok "icmp-blocked-6: echo blocked but the port answers: not failing" bash -c '[ "$0" != 2 ] && [ "$(jq -r .verdict.status <<<"$1")" != failing ]' "$rc" "$out"
lab heal; lab fault stale-neighbor-6
run noraw diagnose --private "[$DB]:5432" --json
ok "without CAP_NET_RAW over IPv6 (stale pinned entry): unknown, exit 3, the untested neighbor layer named as the possible cause" \
  bash -c '[ "$0" = 3 ] && [ "$(jq -r "\"\(.verdict.status) \(.paths.private.layers.neighbor.summary)\"" <<<"$1")" = "unknown not NDP-probed" ]' "$rc" "$out"
ok "... and why: NDP needs CAP_NET_RAW" jq_is '.not_tested[] | select(.layer == "neighbor") | .reason | test("^NDP to fd00:7c::5 was not sent .needs CAP_NET_RAW")' true

# --- check: IPv6 targets in the targets file
lab heal; lab fault port-closed-6
cat > "/tmp/v6targets.$$.toml" <<EOF
timeout = 0.5
[[target]]
name = "db6"
private = "[$DB]:5432"
public = "[$PUB]:5432"
[[target]]
name = "db4"
private = "10.124.0.5:5432"
EOF
run in_node "$VPCPROBE" check -f "/tmp/v6targets.$$.toml" --output json
rm -f "/tmp/v6targets.$$.toml"
ok "check: the IPv6 target fails at transport, the IPv4 one passes, exit 2" \
  bash -c '[ "$0" = 2 ] && [ "$(jq -r "[.targets[] | \"\(.name) \(.verdict.status)\"] | join(\",\")" <<<"$1")" = "db6 failing,db4 ok" ]' "$rc" "$out"

finish
