#!/usr/bin/env bash
# The checks `vpcprobe diagnose` replaces, done by hand: for each HOST:PORT, one after another,
#   getent hosts -> ip route get -> arping the next hop (the target when on-link, else the gateway)
#   -> ping -c1 -W1 -> nc -z -w1
# Every check runs even when an earlier one failed (a person debugging wants all of them), and
# each waits at most about 1 s. Used by bench/diagnose.sh; runnable on its own:
#
#   bench/diagnose-by-hand.sh [-C] HOST:PORT...      (as root: arping needs CAP_NET_RAW)
#
#   -C   stop arping at the first reply (Habets arping: -C 1). Without it Habets arping -c 1 still
#        waits out its 1 s interval after a reply; iputils arping -c 1 returns at the reply anyway.
#
# Prints one line per path: "HOST IP route=.. arp=.. ping=.. tcp=..", each ok or FAIL.
# Exit 0 when every check passed, 1 otherwise.
set -uo pipefail

early=
if [ "${1:-}" = -C ]; then early=1; shift; fi
[ $# -gt 0 ] || { echo "usage: $0 [-C] HOST:PORT..." >&2; exit 2; }

# Which arping is installed: Habets' (package arping: -i IFACE, -C COUNT) or iputils' (package
# iputils-arping: -I IFACE, exits at the first reply with -c 1). bench/diagnose.sh sets ARPING_FLAVOR
# so that the check does not cost a fork per run.
flavor=${ARPING_FLAVOR:-}
if [ -z "$flavor" ]; then
  if arping --help 2>&1 | grep -q Habets; then flavor=habets; else flavor=iputils; fi
fi

ok() { if "$@" >/dev/null 2>&1; then echo ok; else echo FAIL; fi; }

status=0
for hp in "$@"; do
  host=${hp%:*} port=${hp##*:}
  ip=
  read -r ip _ < <(getent hosts "$host") || true
  if [ -z "$ip" ]; then echo "$host - dns=FAIL"; status=1; continue; fi

  # ip route get: "IP via GW dev DEV src ..." or "IP dev DEV src ..."
  gw='' dev=''
  route=$(ip route get "$ip" 2>/dev/null) && r=ok || r=FAIL
  read -ra words <<<"$route"
  for ((i = 0; i < ${#words[@]}; i++)); do
    case "${words[i]}" in
      via) gw=${words[i + 1]} ;;
      dev) dev=${words[i + 1]} ;;
    esac
  done

  a=FAIL
  if [ -n "$dev" ]; then
    if [ "$flavor" = habets ]; then
      a=$(ok arping -q -c 1 -w 1 ${early:+-C 1} -i "$dev" "${gw:-$ip}")
    else
      a=$(ok arping -q -c 1 -w 1 -I "$dev" "${gw:-$ip}")
    fi
  fi
  p=$(ok ping -q -c 1 -W 1 "$ip")
  t=$(ok nc -z -w 1 "$ip" "$port")
  echo "$host $ip route=$r arp=$a ping=$p tcp=$t"
  [ "$r$a$p$t" = okokokok ] || status=1
done
exit $status
