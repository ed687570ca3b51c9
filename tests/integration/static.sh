#!/usr/bin/env bash
# The static build (VPCPROBE_STATIC, preset static): the binary has no dynamic dependencies, and it
# works alone in an empty root directory in the lab's node namespace, as after `kubectl cp` into a
# container that has nothing of ours: names resolve from /etc/hosts and through DNS (glibc 2.36
# builds its files and dns sources into the static libc; NSS modules listed in nsswitch.conf that
# would need loading are skipped), and the netlink (libmnl stand-in), ARP, ICMP, TCP, libpcap and
# neighbor-repair paths all run.
# Usage: static.sh PATH_TO_STATIC_VPCPROBE [BUILD_DIR]
source "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d /tmp/vpcprobe-static.XXXXXX)
dns_pid=""
trap '[ -n "$dns_pid" ] && { kill "$dns_pid"; wait "$dns_pid"; } 2>/dev/null; rm -rf "$tmp"; "$LAB" down' EXIT

run file -L "$VPCPROBE"
ok "file: statically linked" has "statically linked"
run ldd "$VPCPROBE"
ok "ldd: not a dynamic executable" bash -c '[[ "$0$1" == *"not a dynamic executable"* ]]' "$out" "$err"
run readelf -d "$VPCPROBE"
ok "no NEEDED entries" bash -c '! grep -q NEEDED <<<"$0"' "$out"

# An empty root: the binary, the lab's hosts file, a resolver on the node's loopback, /tmp.
root=$tmp/root
mkdir -p "$root/etc" "$root/tmp"
chmod 1777 "$root/tmp"
cp "$VPCPROBE" "$root/vpcprobe"
lab up
cp "/etc/netns/$VPCLAB_PREFIX-node/hosts" "$root/etc/hosts"
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > "$root/etc/resolv.conf"
ok "the root holds nothing but the binary and three files" test "$(find "$root" -type f | wc -l)" = 3
alone() { in_node chroot "$root" /vpcprobe "$@"; }

run alone ping -c 1 db.vpc.internal --json
ok "no nsswitch.conf: ping db.vpc.internal resolves from /etc/hosts and is answered" \
  jq_is '"\(.target.ip) \(.target.resolved) \(.method) \(.summary.received)"' "10.124.0.5 true raw 1"
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
run alone ping -c 1 db.vpc.internal --json
ok "hosts: files dns: the same" jq_is '"\(.target.ip) \(.summary.received)"' "10.124.0.5 1"
# What a Fedora or Ubuntu image says: modules a static glibc cannot load are skipped.
printf 'hosts: mymachines resolve [!UNAVAIL=return] files myhostname dns\n' > "$root/etc/nsswitch.conf"
run alone ping -c 1 db.vpc.internal --json
ok "hosts: mymachines resolve [!UNAVAIL=return] files myhostname dns: files still answers" \
  jq_is '"\(.target.ip) \(.summary.received)"' "10.124.0.5 1"
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"

# DNS: a small server on the node's loopback knows dns-only.vpc.internal, and nothing else.
cat > "$tmp/dns.py" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
log = open(sys.argv[1], "a", buffering=1)
open(sys.argv[2], "w").close()
while True:
    q, peer = s.recvfrom(512)
    i, labels = 12, []
    while q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode()); i += 1 + q[i]
    qtype = struct.unpack("!H", q[i + 1:i + 3])[0]
    question = q[12:i + 5]
    name = ".".join(labels).lower()
    log.write(f"{name} {qtype}\n")
    answers, rcode = b"", 3
    if name == "dns-only.vpc.internal":
        rcode = 0
        if qtype == 1:
            answers = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton("10.124.0.5")
    header = struct.pack("!HHHHHH", struct.unpack("!H", q[:2])[0], 0x8180 | rcode, 1, 1 if answers else 0, 0, 0)
    s.sendto(header + question + answers, peer)
PY
ip netns exec "$VPCLAB_PREFIX-node" python3 "$tmp/dns.py" "$tmp/dns.log" "$tmp/dns.ready" &
dns_pid=$!
for _ in $(seq 50); do [ -e "$tmp/dns.ready" ] && break; sleep 0.1; done
run alone tcp dns-only.vpc.internal:5432 --json
ok "DNS: tcp dns-only.vpc.internal:5432 resolves through the server and is open" \
  jq_is '"\(.target.ip) \(.probes[0].state)"' "10.124.0.5 open"
ok "DNS: the server was asked for dns-only.vpc.internal" grep -q "^dns-only.vpc.internal 1$" "$tmp/dns.log"
run alone ping -c 1 nosuch.vpc.internal
ok "DNS: a name nobody knows does not resolve (exit 2, one line)" bash -c '[ "$0" = 2 ] && [ "$(wc -l <<<"$1")" = 1 ]' "$rc" "$err"

run alone diagnose --private db.vpc.internal:5432 --public db.public.example:5432 --json
ok "diagnose: ok on both paths (route, link, neighbor, ICMP, TCP, MTU)" jq_is '.verdict.status' ok
ok "diagnose: the neighbor layer ran (ARP)" jq_is '.paths.private.layers.neighbor.check' pass
run alone arp db.vpc.internal --json
ok "arp: the cached MAC answers" jq_is '.verdict.status' ok
run alone ping -c 1 db.vpc.internal --pcap /tmp/evidence.pcap
ok "--pcap (static libpcap): the file is written" bash -c '[ "$0" = 0 ] && [ -s "$1" ] && grep -q "wrote [1-9][0-9]* packets" <<<"$2"' "$rc" "$root/tmp/evidence.pcap" "$err"
lab fault stale-kernel
run alone neigh -I vpc0 --fix
ok "neigh --fix: the stale kernel entry is replaced through netlink" bash -c '[ "$0" = 0 ] && grep -q "fixed: ip neigh replace 10.124.0.5" <<<"$1"' "$rc" "$out"
run alone tcp db.vpc.internal:5432
ok "... and TCP to db works again" rc_is 0
finish
