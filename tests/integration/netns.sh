#!/usr/bin/env bash
# --netns and --pid: a run made from outside a network namespace must see what a run inside sees
# (the same verdict, names resolved through that namespace's files), name the namespace in its
# report, drop CAP_SYS_ADMIN with the rest, leave the host's /etc alone, and refuse bad targets
# with one line and exit 3.
source "$(dirname "$0")/lib.sh"
PRIV=db.vpc.internal:5432
PUB=db.public.example:5432
NS="$VPCLAB_PREFIX-node"
lab up
outside() { "$VPCPROBE" "$@"; }   # from the test's own (root) namespace
verdict() { jq -r '.verdict | "\(.status) \(.layer) \(.path)"' <<<"$1"; }
hosts_before=$(md5sum /etc/hosts /etc/resolv.conf 2>/dev/null)
mounts_before=$(grep -c " /etc/" /proc/self/mountinfo)

# --netns NAME: the same verdict as inside, names through /etc/netns/NAME
for fault in healthy stale-neighbor port-closed; do
  lab heal
  [ "$fault" = healthy ] || lab fault "$fault"
  inside=$(in_node "$VPCPROBE" diagnose --private $PRIV --public $PUB --json 2>/dev/null)
  run outside --netns "$NS" diagnose --private $PRIV --public $PUB --json
  ok "--netns $fault: the verdict from outside equals the one inside ($(verdict "$inside"))" \
    bash -c '[ -n "$0" ] && [ "$0" = "$1" ]' "$(verdict "$inside")" "$(verdict "$out")"
done
ok "--netns: the JSON names the namespace, its file and the resolver" \
  jq_is '.netns | "\(.name) \(.path) \(.resolver)"' "$NS /run/netns/$NS /etc/netns/$NS"
lab heal
run outside --netns "$NS" diagnose --private $PRIV --public $PUB
ok "--netns: the text report's first line names the namespace and the resolver" \
  bash -c '[ "$(head -1 <<<"$0")" = "network namespace $1 (/run/netns/$1); names resolved from /etc/netns/$1" ]' "$out" "$NS"
ok "--netns: exit 0 on the healthy lab" rc_is 0

# --netns PATH: no /etc/netns for a path, so this host's resolver; addresses work
run outside --netns "/run/netns/$NS" ping -c 1 10.124.0.5 --json
ok "--netns PATH: ping inside works (exit 0, one reply)" bash -c '[ "$0" = 0 ] && [ "$(jq -r .summary.received <<<"$1")" = 1 ]' "$rc" "$out"
ok "--netns PATH: resolver is this host's (null)" jq_is '.netns.resolver' null

# --pid: a process inside node (ip netns exec execs it there, so its /etc/hosts is node's)
ip netns exec "$NS" sleep 60 &
sleeper=$!
sleep 0.2
run outside --pid "$sleeper" diagnose --private $PRIV --public $PUB --json
ok "--pid: names resolve through the process's /etc/hosts, verdict ok" \
  bash -c '[ "$0" = "ok none none" ]' "$(verdict "$out")"
ok "--pid: the JSON names the process's namespace and resolver" \
  jq_is '.netns | "\(.name) \(.path) \(.resolver)"' "pid $sleeper /proc/$sleeper/ns/net /proc/$sleeper/root/etc"
# CAP_SYS_ADMIN is gone once the namespace is entered (a run still going: its capability sets)
"$VPCPROBE" --pid "$sleeper" ping -c 4 -i 0.25 10.124.0.5 >/dev/null 2>&1 &
pinger=$!
sleep 0.4
caps=$(awk '/^Cap(Eff|Prm)/ {print $2}' "/proc/$pinger/status" 2>/dev/null | sort -u | tr '\n' ' ')
wait "$pinger"
ok "--pid: after entering, no capability is left (CapEff/CapPrm 0: CAP_SYS_ADMIN dropped with the rest)" \
  test "$caps" = "0000000000000000 "
kill "$sleeper" 2>/dev/null; wait "$sleeper" 2>/dev/null

# the host's /etc is untouched: the binds were in a mount namespace of vpcprobe's own
ok "the host's /etc/hosts and /etc/resolv.conf are unchanged" test "$(md5sum /etc/hosts /etc/resolv.conf 2>/dev/null)" = "$hosts_before"
ok "no mount over /etc was left in the host's mount namespace" test "$(grep -c " /etc/" /proc/self/mountinfo)" = "$mounts_before"
ok "no copy of the process's files was left in /dev/shm or /tmp" bash -c '! ls /dev/shm/vpcprobe-etc-* /tmp/vpcprobe-etc-* 2>/dev/null | grep -q .'

# bad targets: one line on stderr, exit 3
gone=$((1 << 22))
while [ -e "/proc/$gone" ]; do gone=$((gone + 1)); done
for bad in "--netns nosuch-$$|no such network namespace" "--pid $gone|no such process" "--pid abc|not a process id" \
           "--netns /etc/hostname|is not a namespace" "--netns /proc/self/ns/uts|not a network namespace" \
           "--netns $NS --pid 1|excludes"; do
  args=${bad%%|*}
  # shellcheck disable=SC2086  # split on purpose
  run outside $args ping -c 1 10.124.0.5
  ok "$args: exit 3, one line ($(cut -c1-60 <<<"$err"))" bash -c '[ "$0" = 3 ] && [ "$(wc -l <<<"$1")" = 1 ] && grep -q -- "$2" <<<"$1"' "$rc" "$err" "${bad#*|}"
done
run setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin -- "$VPCPROBE" --netns "$NS" ping -c 1 10.124.0.5
ok "without CAP_SYS_ADMIN: exit 3, one line naming it" bash -c '[ "$0" = 3 ] && [ "$(wc -l <<<"$1")" = 1 ] && grep -q CAP_SYS_ADMIN <<<"$1"' "$rc" "$err"

finish
