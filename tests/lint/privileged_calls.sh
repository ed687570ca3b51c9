#!/usr/bin/env bash
# Fails when privileged calls (raw/packet sockets, capability changes, uid changes) appear outside
# the one file allowed to make them: lib/src/sys/privileged.cpp. The netlink client may open its
# (unprivileged) AF_NETLINK socket.
set -u
root=${1:-$(dirname "$0")/../..}
cd "$root" || exit 2
allowed='lib/src/sys/privileged.cpp'  # and lib/src/sys/self_check.cpp, which only calls into it
pattern='SOCK_RAW|AF_PACKET|IPPROTO_ICMP|IPPROTO_TCP\)|cap_set_proc|cap_set_flag|setresuid|setresgid|setuid\(|setgid\(|seteuid|PR_SET_KEEPCAPS|pcap_open_live|pcap_create'
# Comments are dropped before matching; the netlink socket and link-layer address structs are fine.
hits=$(grep -rnE "$pattern" lib apps --include='*.cpp' --include='*.hpp' | grep -v "^$allowed:" |
  awk -F: '{ line=$0; code=$0; sub(/^[^:]*:[0-9]+:/, "", code); sub(/\/\/.*/, "", code); if (code ~ /'"$pattern"'/) print line }' |
  grep -v 'AF_NETLINK' | grep -v 'sockaddr_ll\|sll_family\|sll_protocol\|ss_family')
if [ -n "$hits" ]; then
  echo "privileged calls outside $allowed:"
  echo "$hits"
  echo "0 passed, 1 failed"
  exit 1
fi
echo "no privileged calls outside $allowed"
echo "1 passed, 0 failed"
