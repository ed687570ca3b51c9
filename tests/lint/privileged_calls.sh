#!/usr/bin/env bash
# Fails when privileged calls (opening sockets, capability changes, uid changes, live captures,
# entering namespaces and mounting)
# appear outside the one file allowed to make them: lib/src/sys/privileged.cpp. The netlink client
# may open its (unprivileged) AF_NETLINK socket; constants such as AF_PACKET or IPPROTO_ICMP are
# not calls and may appear where sockets are read or addressed.
set -u
root=${1:-$(dirname "$0")/../..}
cd "$root" || exit 2
allowed='lib/src/sys/privileged.cpp'  # and lib/src/sys/self_check.cpp, which only calls into it
# sys/pcap_api.{hpp,cpp} only name libpcap's functions (a table filled by dlopen/dlsym, or with the
# linked-in functions in the static build); every call through the table keeps libpcap's name
# (pc.pcap_create), so a live capture opened anywhere else is still caught.
table='lib/include/vpcprobe/sys/pcap_api.hpp|lib/src/sys/pcap_api.cpp' 
pattern='(^|[^_[:alnum:]])socket[[:space:]]*\(|cap_set_proc|cap_set_flag|setresuid|setresgid|[^_[:alnum:]]setuid[[:space:]]*\(|[^_[:alnum:]]setgid[[:space:]]*\(|seteuid|PR_SET_KEEPCAPS|pcap_open_live|pcap_create|SO_RCVBUFFORCE|[^_[:alnum:]]setns[[:space:]]*\(|(^|[^_[:alnum:]])unshare[[:space:]]*\(|[^_[:alnum:]]mount[[:space:]]*\('

# The pattern must catch what it is for, or a passing lint proves nothing.
for bad in '  int fd = ::socket(AF_PACKET, SOCK_RAW, 0);' 'fd = socket (AF_INET, SOCK_RAW, IPPROTO_TCP);' 'cap_set_proc(caps);' \
           'if (setuid(0) != 0)' 'pcap_create("any", err);' 'if (::setns(fd, CLONE_NEWNET) != 0)' 'unshare(CLONE_NEWNS);' \
           '::mount(from, to, nullptr, MS_BIND, nullptr);'; do
  grep -qE "$pattern" <<<"$bad" || { echo "lint pattern misses: $bad"; echo "0 passed, 1 failed"; exit 1; }
done
for fine in 'socket_.open(ep.protocol(), ec);' 'if (domain == AF_PACKET)' 'int icmp = IPPROTO_ICMP;' 'asio::ip::tcp::socket s(io);'; do
  grep -qE "$pattern" <<<"$fine" && { echo "lint pattern flags harmless code: $fine"; echo "0 passed, 1 failed"; exit 1; }
done

# Comments and string literals are dropped before matching; the netlink socket is fine.
hits=$(grep -rnE "$pattern" lib apps --include='*.cpp' --include='*.hpp' | grep -v "^$allowed:" | grep -vE "^($table):" |
  awk -F: '{ line=$0; code=$0; sub(/^[^:]*:[0-9]+:/, "", code); gsub(/"([^"\\]|\\.)*"/, "\"\"", code); sub(/\/\/.*/, "", code); if (code ~ /'"$pattern"'/) print line }' |
  grep -v 'AF_NETLINK')
if [ -n "$hits" ]; then
  echo "privileged calls outside $allowed:"
  echo "$hits"
  echo "0 passed, 1 failed"
  exit 1
fi
echo "no privileged calls outside $allowed"
echo "1 passed, 0 failed"
