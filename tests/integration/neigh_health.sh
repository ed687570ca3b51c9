#!/usr/bin/env bash
# vpcprobe neigh --health against the real kernel: ARP settings set in lab namespaces and reset
# (on the VPC interface, on the public one, through conf.all), the neighbor table filled close to
# and up to its limit from a namespace of our own, the overflow seen by --watch, an entry kept
# alive by TCP traffic while its host answers no ARP, and the same in check's Prometheus output.
# The table's limit (gc_thresh3) is one for the whole host: this test runs alone (RUN_SERIAL) and
# changes no host sysctl; its entries go with its namespace, on any exit.
source "$(dirname "$0")/lib.sh"
FILL="$VPCLAB_PREFIX-fill"
trap 'ip netns del "$FILL" 2>/dev/null; "$LAB" down' EXIT
lab up
in_fill() { ip netns exec "$FILL" "$@"; }
# A new namespace starts from the host's conf.all and conf.default (IPv4): put the kernel's defaults
# there, so that a host with rp_filter=1 or arp_ignore=1 everywhere cannot fail the healthy case.
kernel_defaults() {  # kernel_defaults NAMESPACE (a setting this kernel lacks is skipped)
  local k scope
  for scope in all default $(ip netns exec "$1" ls /proc/sys/net/ipv4/conf | grep -vx 'all\|default'); do
    for k in arp_ignore=0 arp_announce=0 arp_accept=0 arp_filter=0 arp_notify=0 proxy_arp=0 proxy_arp_pvlan=0 rp_filter=0 \
             drop_gratuitous_arp=0 arp_evict_nocarrier=1; do
      ip netns exec "$1" sysctl -qw "net.ipv4.conf.$scope.$k" >/dev/null 2>&1 || true
    done
  done
}
kernel_defaults "$VPCLAB_PREFIX-node"
finding() {  # finding SEVERITY KIND [SETTING [INTERFACE]]: how many findings match, from $out
  jq -r --arg s "$1" --arg k "$2" --arg n "${3:-}" --arg i "${4:-}" \
    '[.health.findings[] | select(.severity == $s and .kind == $k and ($n == "" or .setting == $n) and ($i == "" or .interface == $i))] | length' <<<"$out"
}

# --- the healthy lab
run vp neigh --health --json
ok "healthy: exit 0, health ok" bash -c '[ "$0" = 0 ] && [ "$(jq -r .health.status <<<"$1")" = ok ]' "$rc" "$out"
read -r t1 t2 t3 < <(in_node ip ntable show name arp_cache | awk '$1 == "thresh1" {print $2, $4, $6; exit}')
ok "healthy: gc_thresh1/2/3 as ip ntable shows them ($t1 $t2 $t3)" \
  jq_is '.health.tables[] | select(.family == "ipv4") | "\(.gc_thresh1) \(.gc_thresh2) \(.gc_thresh3)"' "$t1 $t2 $t3"
ok "healthy: the table's counters are there" jq_is '.health.tables[0].counters | has("table_fulls") and has("forced_gc_runs") and has("res_failed")' true
ok "healthy: vpc0 and pub0 settings listed" jq_is '[.health.interfaces[].interface] | sort | join(",")' "pub0,vpc0"
ok "healthy: no warning, no failure" jq_is '[.health.findings[] | select(.severity != "info")] | length' 0
run vp neigh --health
ok "healthy text: the thresholds and a closing health line" bash -c 'grep -q "gc_thresh3 $1" <<<"$0" && grep -q "^health: ok" <<<"$0"' "$out" "$t3"

# --- each ARP setting: a warning while set, gone when reset
for s in "arp_ignore 1" "arp_announce 2" "arp_accept 1" "arp_filter 1" "proxy_arp 1" "rp_filter 1" "drop_gratuitous_arp 1" \
         "arp_evict_nocarrier 0"; do
  read -r name value <<<"$s"
  if ! default=$(in_node sysctl -n "net.ipv4.conf.vpc0.$name" 2>/dev/null); then
    echo "# skip: $name (not in this kernel)"
    continue
  fi
  in_node sysctl -qw "net.ipv4.conf.vpc0.$name=$value"
  run vp neigh --health --json
  ok "$name=$value on vpc0: exit 1, a warning naming it" bash -c '[ "$0" = 1 ] && [ "$1" = 1 ]' "$rc" "$(finding warning setting "$name" vpc0)"
  in_node sysctl -qw "net.ipv4.conf.vpc0.$name=$default"
  run vp neigh --health --json
  ok "$name reset: exit 0, the warning gone" bash -c '[ "$0" = 0 ] && [ "$1" = 0 ]' "$rc" "$(finding warning setting "$name")"
done

# --- the same setting from conf.all, and on the other (public) interface
in_node sysctl -qw net.ipv4.conf.all.arp_ignore=1
run vp neigh --health --json
ok "conf.all.arp_ignore=1: a warning on every interface, said to come from conf.all" \
  bash -c '[ "$0" = 1 ] && [ "$1" = 2 ] && jq -e "[.health.findings[] | select(.setting == \"arp_ignore\") | .text | contains(\"from conf.all\")] | all" <<<"$2" >/dev/null' \
  "$rc" "$(finding warning setting arp_ignore)" "$out"
in_node sysctl -qw net.ipv4.conf.all.arp_ignore=0
in_node sysctl -qw net.ipv4.conf.pub0.proxy_arp=1
run vp neigh --health --json
ok "proxy_arp on pub0: found on pub0" bash -c '[ "$0" = 1 ] && [ "$1" = 1 ]' "$rc" "$(finding warning setting proxy_arp pub0)"
run vp neigh --health -I vpc0 --json
ok "proxy_arp on pub0: not vpc0's business (-I vpc0 exits 0)" bash -c '[ "$0" = 0 ] && [ "$1" = 0 ]' "$rc" "$(finding warning setting proxy_arp)"
in_node sysctl -qw net.ipv4.conf.pub0.proxy_arp=0
# Loose reverse-path filtering is information, not a warning.
in_node sysctl -qw net.ipv4.conf.vpc0.rp_filter=2
run vp neigh --health --json
ok "rp_filter=2: information only, exit 0" bash -c '[ "$0" = 0 ] && [ "$1" = 1 ]' "$rc" "$(finding info setting rp_filter vpc0)"
in_node sysctl -qw net.ipv4.conf.vpc0.rp_filter=0

# --- arp_ignore=2 on an interface whose only address is a /32: nobody can resolve this host
ip link add vph0 netns "$VPCLAB_PREFIX-node" type veth peer name vph1 netns "$VPCLAB_PREFIX-node"
in_node ip link set vph0 up
in_node ip addr add 10.99.0.1/32 dev vph0
in_node sysctl -qw net.ipv4.conf.vph0.arp_ignore=2
run vp neigh --health --json
ok "arp_ignore=2 on a /32-only interface: a failure, exit 2" bash -c '[ "$0" = 2 ] && [ "$1" = 1 ]' "$rc" "$(finding failure setting arp_ignore vph0)"
in_node ip addr add 10.99.1.1/24 dev vph0
run vp neigh --health --json
ok "the same with a /24 beside it: a warning, exit 1" bash -c '[ "$0" = 1 ] && [ "$1" = 1 ]' "$rc" "$(finding warning setting arp_ignore vph0)"
in_node ip link del vph0

# --- an entry kept alive by traffic while its host answers no ARP (arp_ignore=8 there): db itself,
# and the VPC router as the gateway of a flow to app; then the same entries without the traffic
nodemac=$(in_node cat /sys/class/net/vpc0/address)
kept_alive_case() {  # kept_alive_case WHO ROLE IP FLOW_TARGET: ROLE's eth0 holds IP, a TCP flow goes to FLOW_TARGET:5432
  local who=$1 role=$2 ip=$3 target=$4 mac flow
  mac=$("$LAB" exec "$role" cat /sys/class/net/eth0/address)
  "$LAB" exec "$role" sysctl -qw net.ipv4.conf.eth0.arp_ignore=8
  "$LAB" exec "$role" ip neigh replace 10.124.0.2 lladdr "$nodemac" dev eth0 nud permanent
  in_node ip neigh replace "$ip" lladdr "$mac" dev vpc0 nud reachable
  in_node timeout 12 bash -c "exec 3<>/dev/tcp/$target/5432 || exit 1; while sleep 0.1; do echo x >&3 || exit 1; done" >/dev/null 2>&1 &
  flow=$!
  sleep 1
  run vp neigh -I vpc0 --verify --json
  ok "kept alive ($who): silent to our probes, yet confirmed while we probed" \
    jq_is --arg ip "$ip" '.entries[] | select(.ip == $ip) | "\(.class) \(.kept_alive)"' "silent true"
  ok "kept alive ($who): counted in the summary" jq_is '.summary.kept_alive' 1
  run vp neigh -I vpc0 --verify
  ok "kept alive ($who): the text says traffic keeps it alive" has "traffic from the peer keeps it alive"
  pkill -f "exec 3<>/dev/tcp/$target/5432" 2>/dev/null  # the flow itself, under lab.sh exec and timeout
  wait "$flow" 2>/dev/null
  sleep 1  # the connection's own close (FIN, ACK) confirms the entry once more: let it pass
  in_node ip neigh replace "$ip" lladdr "$mac" dev vpc0 nud stale
  run vp neigh -I vpc0 --verify --json
  ok "no traffic ($who): silent, not kept alive" jq_is --arg ip "$ip" '.entries[] | select(.ip == $ip) | "\(.class) \(.kept_alive)"' "silent false"
  "$LAB" exec "$role" sysctl -qw net.ipv4.conf.eth0.arp_ignore=0
  "$LAB" exec "$role" ip neigh del 10.124.0.2 dev eth0 2>/dev/null || true
}
kept_alive_case db db 10.124.0.5 10.124.0.5
kept_alive_case gateway vrt 10.124.0.1 10.125.0.5

# --- STALE entries the kernel never collects: below gc_thresh1, idle longer than the interface's
# gc_stale_time (lowered to 1 s on vpc0 for the test; the table's default is 60 s)
in_node sysctl -qw net.ipv4.neigh.vpc0.gc_stale_time=1
in_node ip neigh replace 10.124.9.9 lladdr 02:00:00:00:09:09 dev vpc0 nud stale
sleep 2.2
run vp neigh --health --json
host_now=$(jq '.health.tables[] | select(.family == "ipv4") | .entries_host' <<<"$out")
if [ "$host_now" -lt "$t1" ]; then
  ok "idle STALE entry below gc_thresh1: said (information, exit 0)" \
    bash -c '[ "$0" = 0 ] && [ "$1" = 1 ] && jq -e "[.health.tables[] | select(.family == \"ipv4\") | .stale_idle >= 1] | all" <<<"$2" >/dev/null' \
    "$rc" "$(finding info stale_kept)" "$out"
else
  echo "# skip: the host holds $host_now entries, not below gc_thresh1 ($t1)"
fi
in_node ip neigh del 10.124.9.9 dev vpc0 2>/dev/null || true  # the kernel may have collected it already
in_node sysctl -qw net.ipv4.neigh.vpc0.gc_stale_time=60

# --- the table near and at its limit, filled from a namespace of our own
ip netns add "$FILL"
kernel_defaults "$FILL"
in_fill ip link set lo up
in_fill ip link add f0 type veth peer name f1
in_fill ip link set f0 up
in_fill ip link set f1 up
out=$(ip netns exec "$FILL" "$VPCPROBE" neigh --health --json)
host=$(jq '.health.tables[] | select(.family == "ipv4") | .entries_host' <<<"$out")
fill=$(( (t3 * 85 + 99) / 100 ))
if [ "$t3" -gt 20000 ] || [ $((host + fill)) -ge "$t3" ]; then
  echo "# skip: the table limit ($t3) or the host's own entries ($host) leave no room to fill safely"
else
  fill_batch() {  # fill_batch FROM TO: STALE entries 10.200.x.y on f1 (ip -force: go on after a refusal)
    for ((i = $1; i <= $2; i++)); do echo "neigh replace 10.200.$((i / 250)).$((i % 250 + 1)) lladdr 02:00:00:00:00:01 dev f1 nud stale"; done |
      in_fill ip -force -batch - >/dev/null 2>&1 || true
  }
  fill_batch 1 "$fill"
  run in_fill "$VPCPROBE" neigh --health --json
  ok "near the limit: exit 1, the table warned about (${fill} of $t3)" \
    bash -c '[ "$0" = 1 ] && [ "$1" = 1 ]' "$rc" "$(finding warning table_near_limit)"
  ok "near the limit: the counted entries and the share of gc_thresh3" \
    jq_is --argjson n "$fill" '.health.tables[] | select(.family == "ipv4") | .counted == $n and .percent_of_gc_thresh3 >= 80' true
  run in_fill "$VPCPROBE" neigh --health
  ok "near the limit (text): names gc_thresh3 and the fix" has "Raise net.ipv4.neigh.default.gc_thresh3"
  # At the limit, while --watch looks: the overflow happens during a round.
  in_fill "$VPCPROBE" neigh --health --watch 0.4 --rounds 6 --json >"/tmp/nh-watch.$$" 2>/dev/null &
  watcher=$!
  for _ in $(seq 200); do [ -s "/tmp/nh-watch.$$" ] && break; sleep 0.05; done  # its first round is out
  # Forced garbage collection evicts only entries not updated for 5 s: refresh the first batch,
  # then go past the limit at once.
  fill_batch 1 "$fill"
  fill_batch "$((fill + 1))" "$((t3 + 50))"
  wait "$watcher"
  rc=$?
  rounds=$(cat "/tmp/nh-watch.$$")
  rm -f "/tmp/nh-watch.$$"
  out=$(tail -1 <<<"$rounds")
  ok "at the limit under --watch: a round says the table overflowed during it (a failure)" \
    test "$(jq -s '[.[].health.findings[] | select(.kind == "overflow_during_run" and .severity == "failure")] | length' <<<"$rounds")" -ge 1
  # At the limit the kernel's forced garbage collection evicts what it can, so the table may sit
  # just below gc_thresh3 again by the time it is read: full, or at least near.
  ok "at the limit: the last round finds the table full or near it" \
    test "$(( $(finding failure table_full) + $(finding warning table_near_limit) ))" = 1
  ok "at the limit: exit is the last round's (1 or 2)" bash -c '[ "$0" = 1 ] || [ "$0" = 2 ]' "$rc"
  ok "at the limit: the whole run's increase kept in the last round (counters_during_run)" \
    jq_is '.health.counters_are_deltas and (.health.tables[] | select(.family == "ipv4") | .counters_during_run.table_fulls > 0)' true
  in_fill ip neigh flush dev f1
  run in_fill "$VPCPROBE" neigh --health --json
  ok "emptied again: exit 0, no table finding" \
    bash -c '[ "$0" = 0 ] && [ "$1" = 0 ] && [ "$2" = 0 ]' "$rc" "$(finding warning table_near_limit)" "$(finding failure table_full)"
fi
ip netns del "$FILL"

# --- check's Prometheus output: the health families, valid for promtool when it is installed
targets=$(mktemp)
printf '[[neigh]]\ninterface = "vpc0"\n' >"$targets"
in_node sysctl -qw net.ipv4.conf.vpc0.arp_ignore=1
run vp check -f "$targets" --output prometheus
ok "check: neighbor health in Prometheus (thresholds, counters as counters, the setting, the status)" \
  bash -c 'grep -q "^vpcprobe_neigh_gc_thresh{family=\"ipv4\",threshold=\"gc_thresh3\"} $1" <<<"$0" &&
           grep -q "^# TYPE vpcprobe_neigh_table_events_total counter" <<<"$0" &&
           grep -q "^vpcprobe_neigh_setting{interface=\"vpc0\",family=\"ipv4\",setting=\"arp_ignore\"} 1" <<<"$0" &&
           grep -q "^vpcprobe_neigh_health_status 1" <<<"$0"' "$out" "$t3"
ok "check: the warning makes the check degraded (exit 1)" rc_is 1
if command -v promtool >/dev/null; then
  ok "check: promtool accepts the metrics" bash -c 'promtool check metrics <<<"$0"' "$out"
fi
printf '[[neigh]]\ninterface = "vpc0"\nhealth = false\n' >"$targets"
run vp check -f "$targets" --output prometheus
ok "check: health = false leaves it out (exit 0)" bash -c '[ "$0" = 0 ] && ! grep -q vpcprobe_neigh_health_status <<<"$1"' "$rc" "$out"
in_node sysctl -qw net.ipv4.conf.vpc0.arp_ignore=0
rm -f "$targets"

# --- without CAP_NET_RAW and CAP_NET_ADMIN, --health still reads everything it needs
in_node sysctl -qw net.ipv4.conf.vpc0.arp_accept=1
run in_node setpriv --bounding-set=-net_raw,-net_admin -- "$VPCPROBE" neigh --health --json
ok "no privileges: --health still works (exit 1 for the setting)" bash -c '[ "$0" = 1 ] && [ "$1" = 1 ]' "$rc" "$(finding warning setting arp_accept vpc0)"
in_node sysctl -qw net.ipv4.conf.vpc0.arp_accept=0

finish
