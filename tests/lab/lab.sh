#!/usr/bin/env bash
# The incident lab: a small replica of "private VPC path broken, public path fine", built from
# network namespaces on this machine only. No packet ever leaves them.
#
#   node (the Kubernetes node we debug from)
#     vpc0 10.124.0.2/20 ──┐                     ┌── eth0 10.124.0.5/20  db (private side)
#                          ├─ sw: bridge br0 ────┤
#                          │                     └── eth0 10.124.0.1/20  vrt (VPC router)
#                          │                            eth1 10.125.0.1/24 ── app 10.125.0.5/24
#     pub0 192.0.2.2/24 ── rtr (public router) ── 198.51.100.1/24 ── pub0 198.51.100.10/24  db
#
# Dual-stack: every link also carries IPv6, added with `nodad` and with router advertisements,
# router solicitations and DAD off, so nothing waits and no route appears that the lab did not add:
#   VPC segment fd00:7c::/64 (ULA): node ::2, db ::5, vrt ::1; behind vrt fd00:7d::/64: vrt ::1, app ::5
#   public side (documentation prefix): node 2001:db8:2::2, rtr 2001:db8:2::1 / 2001:db8:100::1, db 2001:db8:100::10
#
# db answers on TCP 5432 (PostgreSQL: SSLRequest -> 'N'), 443 (TLS, a certificate made at lab start
# for both its names and addresses), 80 (HTTP), 6379 (Redis) and 3306 (MySQL); app on 5432 and 443
# (tests/lab/appserver.py). The `app-*` faults change what one address answers on one port.
# Inside node, names resolve from a hosts file (A and AAAA; the db6 names have only AAAA):
#   db.vpc.internal -> 10.124.0.5 fd00:7c::5, db.public.example -> 198.51.100.10 2001:db8:100::10,
#   app.vpc.internal -> 10.125.0.5 fd00:7d::5, db6.vpc.internal -> fd00:7c::5, db6.public.example -> 2001:db8:100::10
#
# `lab.sh crowd` (after up) fills the VPC segment for the neighbor audit: a `crowd` host answering
# for 10.124.1.1-200 (and a few more), node entries for all of them, and planted problems:
#   10.124.1.201 PERMANENT, wrong MAC        -> stale (pinned)
#   10.124.1.202 REACHABLE extern_learn, wrong MAC -> stale (pinned)
#   10.124.1.203 STALE, wrong MAC            -> stale (kernel-managed)
#   10.124.2.1-3 entries nobody answers for  -> silent
#   10.124.1.250 held by crowd AND by a `dup` host -> conflict
#   10.124.3.1   NOARP entry                 -> not verifiable
#
# `lab.sh big N` (after up) builds a large neighbor table for the scale audit: a `big` host on the
# VPC segment answers ARP for all of 10.128.0.0/14 by proxy ARP (proxy_arp on its eth0, the range
# routed to another interface, proxy_delay 0 so every answer is immediate), and node gets an
# on-link route for that range on vpc0 plus N PERMANENT entries 10.128.0.1, 10.128.0.2, ... (N at
# most 262142), all with big's eth0 MAC: every entry verifies ok. PERMANENT entries are exempt
# from the neighbor garbage collector (gc_thresh1-3 count only the others), so no sysctl of the
# host changes. Prints "big: N entries FIRST-LAST mac MAC".
#
# Usage: lab.sh up | down | heal | crowd | big N | fault NAME | exec ROLE CMD... | ns ROLE | faults
# Namespaces are named "$VPCLAB_PREFIX-ROLE" (default prefix "vpclab"): give each run its own prefix.
set -euo pipefail

P=${VPCLAB_PREFIX:-vpclab}
ROLES=(node sw db rtr vrt app crowd dup big)
CORE_ROLES=(node sw db rtr vrt app)
ns() { echo "$P-$1"; }
in_ns() { local role=$1; shift; ip netns exec "$(ns "$role")" "$@"; }

FAULTS="stale-neighbor stale-neighbor-extern stale-kernel stale-gateway dead-host icmp-blocked port-closed port-dropped port-rejected
router-unreachable blackhole-route vpc-down public-down mtu-blackhole dead-pair loss-private loss-public loss-router
local-drop local-drop-icmp local-drop-all input-drop asymmetric-return silent-host private-is-public private-via-default
private-via-public public-is-private ip-conflict mtu-blackhole-mid data-dropped
stale-neighbor-6 stale-neighbor-extern-6 stale-kernel-6 stale-gateway-6 dead-host-6 icmp-blocked-6 port-closed-6 port-dropped-6
port-rejected-6 router-unreachable-6 blackhole-route-6 unreachable-route-6 prohibit-route-6 public-down-6 mtu-blackhole-6
local-drop-6 ip-conflict-6 silent-host-6 loss-private-6 loss-public-6 input-drop-6 local-drop-all-6 stale-public-gateway-6
app-silent app-reset app-close app-speak-http app-ssh app-slow app-huge app-tls-sni app-postgres-tls app-redis-auth app-http-503
app-flaky-reset app-flaky-speak-http"
# app-MODE [PORT] [private|public]: what db's private (default) or public address answers on PORT
# (default 5432): silent (accepts, never answers), reset (RST after accept), close (FIN without a
# word), speak-http (HTTP 400 to anything), ssh (an SSH banner), slow (one byte a second), huge (a
# greeting without end), tls-sni (a TLS endpoint that refuses the name), postgres-tls ('S' and TLS),
# redis-auth (-NOAUTH), http-503 (an HTTP answer of a proxy without backend); flaky-reset and
# flaky-speak-http: every other connection (the first of each lab) fails so, the others answer.

die() { echo "lab: $*" >&2; exit 3; }

need() {
  for t in ip socat python3 openssl; do command -v "$t" >/dev/null || die "missing $t (run scripts/install-deps.sh)"; done
  [ "$(id -u)" = 0 ] || die "the lab needs root (network namespaces)"
}

veth() {  # veth NAME_A ROLE_A NAME_B ROLE_B
  ip link add "$1" netns "$(ns "$2")" type veth peer name "$3" netns "$(ns "$4")"
}

addr() {  # addr ROLE DEV CIDR [CIDR6]
  in_ns "$1" ip addr add "$3" dev "$2"
  [ -z "${4:-}" ] || in_ns "$1" ip -6 addr add "$4" dev "$2" nodad
  in_ns "$1" ip link set "$2" up
}

ipv6_quiet() {  # ipv6_quiet ROLE: IPv6 on, but no DAD, no router advertisements or solicitations
  in_ns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
    net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.all.accept_dad=0 \
    net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.default.dad_transmits=0 net.ipv6.conf.all.dad_transmits=0 \
    net.ipv6.conf.default.router_solicitations=0 net.ipv6.conf.all.router_solicitations=0
}

APPDIR=/run/$P-app  # the services' certificate and per-address modes
LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

services() {  # services ROLE PORT=MODE...: the lab's application servers in ROLE
  local role=$1; shift
  setsid ip netns exec "$(ns "$role")" python3 "$LAB_DIR/appserver.py" --control "$APPDIR" --cert "$APPDIR/cert.pem" \
    --key "$APPDIR/key.pem" "$@" </dev/null >/dev/null 2>&1 &
  local spec port
  for spec in "$@"; do
    port=${spec%%=*}
    for _ in $(seq 200); do
      in_ns "$role" ss -Hltn "sport = :$port" | grep -q . && continue 2
      sleep 0.02
    done
    die "service on $role:$port did not start"
  done
}

certificate() {  # a self-signed certificate for db's names and addresses, valid 30 days
  mkdir -p "$APPDIR"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj "/CN=db.vpc.internal/O=vpclab" \
    -addext "subjectAltName=DNS:db.vpc.internal,DNS:db.public.example,DNS:db6.vpc.internal,DNS:db6.public.example,IP:10.124.0.5,IP:198.51.100.10,IP:fd00:7c::5,IP:2001:db8:100::10" \
    -keyout "$APPDIR/key.pem" -out "$APPDIR/cert.pem" >/dev/null 2>&1 || die "openssl could not make the lab certificate"
}

sw_port() {  # attach sw-side veth end to the bridge
  in_ns sw ip link set "$1" master br0 up
}

db_vpc_nic() {  # (re)create db's VPC NIC; a new veth gets a new random MAC
  veth eth0 db p-db sw
  sw_port p-db
  addr db eth0 10.124.0.5/20 fd00:7c::5/64
}

up() {
  need
  for r in "${CORE_ROLES[@]}"; do
    ip netns add "$(ns "$r")"
    in_ns "$r" ip link set lo up
    if [ "$r" = sw ]; then in_ns "$r" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    else ipv6_quiet "$r"; fi
  done
  # no MLD snooping: solicitations to a solicited-node group reach every port, as on a cloud VPC
  in_ns sw ip link add name br0 type bridge mcast_snooping 0
  in_ns sw ip link set br0 up

  # VPC segment
  veth vpc0 node p-node sw; sw_port p-node; addr node vpc0 10.124.0.2/20 fd00:7c::2/64
  db_vpc_nic
  veth eth0 vrt p-vrt sw; sw_port p-vrt; addr vrt eth0 10.124.0.1/20 fd00:7c::1/64
  # routed private subnet behind the VPC router
  veth eth1 vrt eth0 app; addr vrt eth1 10.125.0.1/24 fd00:7d::1/64; addr app eth0 10.125.0.5/24 fd00:7d::5/64
  in_ns app ip route add default via 10.125.0.1
  in_ns app ip -6 route add default via fd00:7d::1
  in_ns vrt sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
  in_ns node ip route add 10.125.0.0/24 via 10.124.0.1
  in_ns node ip -6 route add fd00:7d::/64 via fd00:7c::1

  # public path
  veth pub0 node e-node rtr; addr node pub0 192.0.2.2/24 2001:db8:2::2/64; addr rtr e-node 192.0.2.1/24 2001:db8:2::1/64
  veth pub0 db e-db rtr; addr db pub0 198.51.100.10/24 2001:db8:100::10/64; addr rtr e-db 198.51.100.1/24 2001:db8:100::1/64
  in_ns rtr sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
  in_ns node ip route add default via 192.0.2.1
  in_ns node ip -6 route add default via 2001:db8:2::1
  in_ns db ip route add default via 198.51.100.1
  in_ns db ip -6 route add default via 2001:db8:100::1

  # answer every probe: no ICMP rate limiting on the hosts and routers that send errors
  for r in db vrt rtr app; do
    in_ns "$r" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_ratemask=0 net.ipv4.icmp_msgs_per_sec=100000 net.ipv4.icmp_msgs_burst=10000
    in_ns "$r" sysctl -qw net.ipv6.icmp.ratelimit=0
  done

  # unprivileged ICMP (ping sockets) for every group inside node
  in_ns node sysctl -qw net.ipv4.ping_group_range="0 2147483647"

  # names inside node; the resolver points at node's own loopback so no DNS query leaves the lab
  mkdir -p "/etc/netns/$(ns node)"
  printf '127.0.0.1 localhost\n10.124.0.5 db.vpc.internal\n198.51.100.10 db.public.example\n10.125.0.5 app.vpc.internal\n%s\n' \
    'fd00:7c::5 db.vpc.internal db6.vpc.internal
2001:db8:100::10 db.public.example db6.public.example
fd00:7d::5 app.vpc.internal' > "/etc/netns/$(ns node)/hosts"
  printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > "/etc/netns/$(ns node)/resolv.conf"

  certificate
  services db 5432=postgres 443=tls 80=http 6379=redis 3306=mysql
  services app 5432=postgres 443=tls
  # warm the caches the way a running node has them
  in_ns node ping -c1 -W1 10.124.0.5 >/dev/null 2>&1 || true
  in_ns node ping -c1 -W1 10.125.0.5 >/dev/null 2>&1 || true
  # IPv6: until each path answers (the routers' first neighbor resolutions can take a second)
  local ip
  for ip in fd00:7c::5 fd00:7d::5 2001:db8:100::10; do
    for _ in 1 2 3 4 5; do in_ns node ping -6 -c1 -W1 "$ip" >/dev/null 2>&1 && break; done
  done
}

down() {
  for r in "${ROLES[@]}"; do
    local n; n=$(ns "$r")
    ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$n" || continue
    local pids; pids=$(ip netns pids "$n" 2>/dev/null || true)
    [ -n "$pids" ] && kill $pids 2>/dev/null || true
    ip netns del "$n" 2>/dev/null || true
  done
  rm -rf "/etc/netns/$(ns node)" "$APPDIR"
}

mac_of() { in_ns "$1" cat "/sys/class/net/$2/address"; }

crowd() {
  for r in crowd dup; do
    ip netns add "$(ns "$r")"
    in_ns "$r" ip link set lo up
    in_ns "$r" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    veth eth0 "$r" "p-$r" sw
    sw_port "p-$r"
    in_ns "$r" ip link set eth0 up
  done
  # keep every planted entry: above gc_thresh1 (128) the kernel drops entries unconfirmed for 60 s
  in_ns node sysctl -qw net.ipv4.neigh.default.gc_thresh1=4096 net.ipv4.neigh.default.gc_thresh2=8192 \
    net.ipv4.neigh.default.gc_thresh3=16384 2>/dev/null || true
  local cmac dmac
  cmac=$(mac_of crowd eth0)
  dmac=$(mac_of dup eth0)
  {
    for i in $(seq 1 203); do echo "addr add 10.124.1.$i/20 dev eth0"; done
    echo "addr add 10.124.1.250/20 dev eth0"
  } | in_ns crowd ip -batch -
  in_ns dup ip addr add 10.124.1.250/20 dev eth0
  {
    for i in $(seq 1 200); do echo "neigh replace 10.124.1.$i lladdr $cmac dev vpc0 nud reachable"; done
    echo "neigh replace 10.124.1.201 lladdr 02:de:ad:00:02:01 dev vpc0 nud permanent"
    echo "neigh replace 10.124.1.202 lladdr 02:de:ad:00:02:02 dev vpc0 nud reachable extern_learn"
    echo "neigh replace 10.124.1.203 lladdr 02:de:ad:00:02:03 dev vpc0 nud stale"
    for i in 1 2 3; do echo "neigh replace 10.124.2.$i lladdr 02:de:ad:00:03:0$i dev vpc0 nud stale"; done
    echo "neigh replace 10.124.1.250 lladdr $cmac dev vpc0 nud reachable"
    echo "neigh replace 10.124.3.1 lladdr 02:de:ad:00:04:01 dev vpc0 nud noarp"
  } | in_ns node ip -batch -
  echo "crowd MAC $cmac, dup MAC $dmac"
}

BIG_NET=10.128.0.0/14  # clear of every other lab address (10.124-10.125, 192.0.2, 198.51.100)
BIG_MAX=262142         # host addresses in BIG_NET after the first one, 10.128.0.1 .. 10.131.255.254

big() {  # big N: a proxy-ARP host answering for BIG_NET, and N PERMANENT entries for it in node
  local n=${1:-}
  if ! [[ $n =~ ^[1-9][0-9]{0,5}$ ]] || [ "$n" -gt "$BIG_MAX" ]; then die "big: N must be 1-$BIG_MAX (got '$n')"; fi
  ip netns add "$(ns big)"
  in_ns big ip link set lo up
  in_ns big sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  veth eth0 big p-big sw
  sw_port p-big
  # Proxy ARP answers a request for an address whose route leaves by another device than the one
  # the request came in on: the range goes to dum0, one end of a veth pair inside big (a stand-in
  # for a dummy interface, which not every kernel builds; what is forwarded there goes nowhere,
  # only ARP matters). Forwarding must be on, and the request's source (node, 10.124.0.2) must pass
  # the reverse-path check: rp_filter off, and a route back to the VPC subnet anyway.
  ip link add dum0 netns "$(ns big)" type veth peer name dum1 netns "$(ns big)"
  in_ns big ip link set dum1 up
  in_ns big ip link set dum0 up
  in_ns big ip link set eth0 up
  in_ns big sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
    net.ipv4.conf.eth0.rp_filter=0 net.ipv4.conf.eth0.forwarding=1 net.ipv4.conf.eth0.proxy_arp=1 \
    net.ipv4.neigh.eth0.proxy_delay=0
  in_ns big ip route add "$BIG_NET" dev dum0
  in_ns big ip route add 10.124.0.0/20 dev eth0
  local mac; mac=$(mac_of big eth0)
  in_ns node ip route add "$BIG_NET" dev vpc0
  # N PERMANENT entries, 10.128.0.0 + 1 .. + N, in one netlink batch
  awk -v n="$n" -v mac="$mac" 'BEGIN {
    for (i = 1; i <= n; i++) printf "neigh replace 10.%d.%d.%d lladdr %s dev vpc0 nud permanent\n", 128 + int(i / 65536), int(i / 256) % 256, i % 256, mac
  }' | in_ns node ip -batch -
  echo "big: $n entries $(big_ip 1)-$(big_ip "$n") mac $mac"
}
big_ip() { awk -v i="$1" 'BEGIN { printf "10.%d.%d.%d\n", 128 + int(i / 65536), int(i / 256) % 256, i % 256 }'; }

ip_conflict() {  # ip_conflict IP: a `dup` host on the VPC segment also claims IP (db's 10.124.0.5
  # by default; 10.124.0.1 for the VPC router, the gateway of app's path); node's entry keeps
  # pointing at the rightful owner
  local ip=$1
  ip netns add "$(ns dup)"
  in_ns dup ip link set lo up
  in_ns dup sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  veth eth0 dup p-dup sw
  sw_port p-dup
  case "$ip" in
    *:*) ipv6_quiet dup; in_ns dup ip -6 addr add "$ip/64" dev eth0 nodad ;;
    *) in_ns dup ip addr add "$ip/20" dev eth0 ;;
  esac
  in_ns dup ip link set eth0 up
}

stale_gateway() {  # the VPC router's NIC is replaced; node keeps a PERMANENT entry for the old MAC
  local old; old=$(mac_of vrt eth0)
  in_ns vrt ip link del eth0
  veth eth0 vrt p-vrt sw; sw_port p-vrt; addr vrt eth0 10.124.0.1/20 fd00:7c::1/64
  in_ns node ip neigh replace "${1:-10.124.0.1}" lladdr "$old" dev vpc0 nud permanent
  echo "old MAC $old, new MAC $(mac_of vrt eth0)"
}

stale() {  # stale IP NUD_AND_FLAGS...: replace db's NIC, pin the node's entry for IP to the old MAC
  local old ip=$1; shift; old=$(mac_of db eth0)
  in_ns db ip link del eth0
  db_vpc_nic
  in_ns node ip neigh replace "$ip" lladdr "$old" dev vpc0 "$@"
  echo "old MAC $old, new MAC $(mac_of db eth0)"
}

nft_rule() {  # nft_rule ROLE HOOK RULE...: one rule in a table of the lab's own in ROLE
  local role=$1 hook=$2
  shift 2
  in_ns "$role" nft add table inet vpclab 2>/dev/null || true
  in_ns "$role" nft add chain inet vpclab "$hook" "{ type filter hook $hook priority 0; }" 2>/dev/null || true
  in_ns "$role" nft add rule inet vpclab "$hook" "$@"
}

db_vpc_filter() {  # db_vpc_filter RULE: one nft rule on traffic entering db's VPC NIC only
  in_ns db nft add table inet vpclab 2>/dev/null || true
  in_ns db nft add chain inet vpclab input '{ type filter hook input priority 0; }' 2>/dev/null || true
  in_ns db nft add rule inet vpclab input iifname eth0 "$@"
}

fault() {
  case "${1:-}" in
    stale-neighbor) stale 10.124.0.5 nud permanent ;;
    stale-neighbor-extern) stale 10.124.0.5 nud reachable extern_learn ;;
    stale-kernel) stale 10.124.0.5 nud reachable ;;  # a kernel-managed entry: heals only when it expires
    stale-gateway) stale_gateway ;;
    dead-host) in_ns db ip addr del 10.124.0.5/20 dev eth0 ;;
    blackhole-route) in_ns node ip route add blackhole 10.124.0.5/32 ;;
    vpc-down) in_ns node ip link set vpc0 down ;;
    public-down) nft_rule rtr forward ip daddr 198.51.100.10 drop ;;  # the public path drops everything
    dead-pair)  # neither address answers anything
      in_ns db ip addr del 10.124.0.5/20 dev eth0
      nft_rule rtr forward ip daddr 198.51.100.10 drop ;;
    mtu-blackhole)  # the link behind the VPC router carries 1400 bytes, and the router's
      # "fragmentation needed" errors are filtered: large DF packets vanish
      in_ns vrt ip link set eth1 mtu 1400
      in_ns app ip link set eth0 mtu 1400
      nft_rule vrt output icmp type destination-unreachable icmp code frag-needed drop ;;
    mtu-blackhole-mid)  # the same, but only the router's link is small: the endpoints keep MTU 1500
      # and an MSS of 1460, so a full-size segment (a big TLS ClientHello) vanishes in the middle
      in_ns vrt ip link set eth1 mtu 1400
      nft_rule vrt output icmp type destination-unreachable icmp code frag-needed drop ;;
    data-dropped)  # the handshake passes, every TCP segment with data to PORT (default 5432) is
      # dropped: a filter on length or content; on db's VPC NIC, with `public` on the public router,
      # with `here` by node's own output firewall
      case "${3:-private}" in
        public) nft_rule rtr forward ip daddr 198.51.100.10 tcp dport "${2:-5432}" tcp flags != syn ip length '>' 52 drop ;;
        here) nft_rule node output ip daddr 10.124.0.5 tcp dport "${2:-5432}" tcp flags != syn ip length '>' 52 drop ;;
        private) db_vpc_filter tcp dport "${2:-5432}" tcp flags != syn ip length '>' 52 drop ;;
        *) die "data-dropped takes private, public or here, not '$3'" ;;
      esac ;;
    icmp-blocked) db_vpc_filter icmp type echo-request drop ;;
    port-closed) db_vpc_filter tcp dport 5432 reject with tcp reset ;;
    port-dropped) db_vpc_filter tcp dport 5432 drop ;;
    port-rejected) db_vpc_filter tcp dport 5432 reject with icmp type admin-prohibited ;;
    router-unreachable)  # the VPC router answers host-unreachable for the subnet behind it
      # (an nft reject, not an unreachable route: the kernel's route errors are rate-limited to
      # one per second per source, a global setting no namespace can change)
      in_ns vrt nft add table inet vpclab
      in_ns vrt nft add chain inet vpclab forward '{ type filter hook forward priority 0; }'
      in_ns vrt nft add rule inet vpclab forward ip daddr 10.125.0.0/24 reject with icmp type host-unreachable ;;
    # Intermittent loss (PERCENT of the packets, default 70, dropped at random): into db's VPC NIC;
    # on the public router towards db's public address; on the VPC router towards the app subnet.
    loss-private) db_vpc_filter numgen random mod 100 "<" "${2:-70}" drop ;;
    loss-public) nft_rule rtr forward ip daddr 198.51.100.10 numgen random mod 100 "<" "${2:-70}" drop ;;
    loss-router) nft_rule vrt forward ip daddr 10.125.0.0/24 numgen random mod 100 "<" "${2:-70}" drop ;;
    # This host's own firewall: its output refuses the SYNs, the echoes, or everything to db's
    # private address (send() fails with EPERM); its input drops every answer from db.
    local-drop) nft_rule node output ip daddr 10.124.0.5 tcp dport 5432 drop ;;
    local-drop-icmp) nft_rule node output ip daddr 10.124.0.5 icmp type echo-request drop ;;
    local-drop-all) nft_rule node output ip daddr 10.124.0.5 drop ;;
    input-drop) nft_rule node input ip saddr 10.124.0.5 drop ;;
    asymmetric-return)  # db answers node's VPC address by its public side; node's strict
      # reverse-path filter drops what arrives on pub0 from a source it routes out of vpc0
      in_ns db ip route add 10.124.0.2/32 via 198.51.100.1
      in_ns rtr ip route add 10.124.0.2/32 via 192.0.2.2
      in_ns node sysctl -qw net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.pub0.rp_filter=1 ;;
    silent-host) db_vpc_filter drop ;;
    ip-conflict) ip_conflict "${2:-10.124.0.5}" ;;  # db's host firewall drops all IP on its VPC NIC; ARP still answers
    private-is-public)  # the private name resolves to db's public address (split-horizon DNS gone wrong)
      sed -i 's/^10.124.0.5 db.vpc.internal$/198.51.100.10 db.vpc.internal/' "/etc/netns/$(ns node)/hosts" ;;
    private-via-default)  # node lost its VPC subnet route: 10.124.0.5 goes out the default route,
      # and the public router carries it to db's public side, where db accepts it
      in_ns node ip route del 10.124.0.0/20 dev vpc0
      in_ns rtr ip route add 10.124.0.0/20 via 198.51.100.10 ;;
    private-via-public)  # a host route sends db's private address through the public gateway
      in_ns node ip route add 10.124.0.5/32 via 192.0.2.1 dev pub0
      in_ns rtr ip route add 10.124.0.5/32 via 198.51.100.10 ;;
    public-is-private)  # the "public" name resolves to db's private address
      sed -i 's/^198.51.100.10 db.public.example$/10.124.0.5 db.public.example/' "/etc/netns/$(ns node)/hosts" ;;
    app-*)
      local mode=${1#app-} port=${2:-5432} side=${3:-private} ip
      case " $(echo $FAULTS) " in *" $1 "*) ;; *) die "unknown fault '$1'; faults: $FAULTS" ;; esac
      case "$side" in private) ip=10.124.0.5 ;; public) ip=198.51.100.10 ;; *) die "app faults take private or public, not '$side'" ;; esac
      echo "$mode" > "$APPDIR/$ip:$port" ;;
    # IPv6 twins: the same fault on fd00:7c::5 / 2001:db8:100::10 (and the same hosts)
    stale-neighbor-6) stale fd00:7c::5 nud permanent ;;
    stale-neighbor-extern-6) stale fd00:7c::5 nud reachable extern_learn ;;
    stale-kernel-6) stale fd00:7c::5 nud reachable ;;
    stale-gateway-6) stale_gateway fd00:7c::1 ;;
    dead-host-6) in_ns db ip -6 addr del fd00:7c::5/64 dev eth0 ;;
    icmp-blocked-6) db_vpc_filter icmpv6 type echo-request drop ;;
    port-closed-6) db_vpc_filter meta nfproto ipv6 tcp dport 5432 reject with tcp reset ;;
    port-dropped-6) db_vpc_filter meta nfproto ipv6 tcp dport 5432 drop ;;
    port-rejected-6) db_vpc_filter meta nfproto ipv6 tcp dport 5432 reject with icmpv6 type admin-prohibited ;;
    router-unreachable-6) nft_rule vrt forward ip6 daddr fd00:7d::/64 reject with icmpv6 type addr-unreachable ;;
    blackhole-route-6) in_ns node ip -6 route add blackhole fd00:7c::5/128 ;;
    unreachable-route-6) in_ns node ip -6 route add unreachable fd00:7c::5/128 ;;
    prohibit-route-6) in_ns node ip -6 route add prohibit fd00:7c::5/128 ;;
    public-down-6) nft_rule rtr forward ip6 daddr 2001:db8:100::10 drop ;;
    mtu-blackhole-6)  # IPv6 routers never fragment: a 1400-byte link behind the VPC router and its
      # Packet Too Big filtered make large packets vanish
      in_ns vrt ip link set eth1 mtu 1400
      in_ns app ip link set eth0 mtu 1400
      nft_rule vrt output icmpv6 type packet-too-big drop ;;
    local-drop-6) nft_rule node output ip6 daddr fd00:7c::5 tcp dport 5432 drop ;;
    ip-conflict-6) ip_conflict "${2:-fd00:7c::5}" ;;
    loss-private-6) db_vpc_filter meta nfproto ipv6 icmpv6 type '!=' '{ nd-neighbor-solicit, nd-neighbor-advert }' numgen random mod 100 "<" "${2:-70}" drop
      db_vpc_filter meta nfproto ipv6 meta l4proto tcp numgen random mod 100 "<" "${2:-70}" drop ;;
    stale-public-gateway-6)  # the public router's NIC is replaced; node keeps a PERMANENT entry for the old MAC
      # (a new veth pair: deleting one end takes node's pub0 too, and its routes)
      local old; old=$(mac_of rtr e-node)
      in_ns rtr ip link del e-node
      veth pub0 node e-node rtr
      addr node pub0 192.0.2.2/24 2001:db8:2::2/64; addr rtr e-node 192.0.2.1/24 2001:db8:2::1/64
      in_ns node ip route replace default via 192.0.2.1
      in_ns node ip -6 route replace default via 2001:db8:2::1
      for _ in 1 2 3 4 5; do in_ns node ping -c1 -W1 192.0.2.1 >/dev/null 2>&1 && break; done  # the new link carries
      in_ns node ip neigh replace 2001:db8:2::1 lladdr "$old" dev pub0 nud permanent
      echo "old MAC $old, new MAC $(mac_of rtr e-node)" ;;
    loss-public-6) nft_rule rtr forward ip6 daddr 2001:db8:100::10 numgen random mod 100 "<" "${2:-70}" drop ;;
    input-drop-6) nft_rule node input ip6 saddr fd00:7c::5 icmpv6 type '!=' '{ nd-neighbor-solicit, nd-neighbor-advert }' drop
      nft_rule node input ip6 saddr fd00:7c::5 meta l4proto tcp drop ;;
    local-drop-all-6) nft_rule node output ip6 daddr fd00:7c::5 icmpv6 type '!=' '{ nd-neighbor-solicit, nd-neighbor-advert }' drop
      nft_rule node output ip6 daddr fd00:7c::5 meta l4proto tcp drop ;;
    silent-host-6)  # db drops every IPv6 packet on its VPC NIC but neighbor solicitations: NDP still answers
      db_vpc_filter icmpv6 type nd-neighbor-solicit accept
      db_vpc_filter meta nfproto ipv6 drop ;;
    *) die "unknown fault '${1:-}'; faults: $FAULTS" ;;
  esac
}

case "${1:-}" in
  up) down; trap 'down' ERR; up; trap - ERR ;;
  down) down ;;
  heal) down; up ;;
  crowd) crowd ;;
  big) big "${2:-}" ;;
  fault) shift; fault "$@" ;;
  exec) shift; role=$1; shift; in_ns "$role" "$@" ;;
  ns) ns "$2" ;;
  faults) echo "$FAULTS" ;;
  *) echo "usage: $0 up|down|heal|crowd|big N|fault NAME|exec ROLE CMD...|ns ROLE|faults" >&2; exit 3 ;;
esac
