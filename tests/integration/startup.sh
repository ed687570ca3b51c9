#!/usr/bin/env bash
# What a run costs besides its probes, against the real kernel: libpcap is loaded only for --pcap
# and OpenSSL only for a TLS handshake (and their absence is one clear line, exit 3, or a TLS
# check not tested), and packet sockets are handed to a short-lived
# helper process to close once the report is out (the kernel's RCU wait off the exit path).
source "$(dirname "$0")/lib.sh"
lab up
dynamic=yes
grep -q "not a dynamic" <<<"$(ldd "$VPCPROBE" 2>&1 || true)" && dynamic=no  # the static build links libpcap in

if [ "$dynamic" = yes ]; then
  needed=$(readelf -d "$VPCPROBE" | awk '/NEEDED/ { print $NF }')
  ok "the CLI does not link libpcap at start-up" bash -c '! grep -q libpcap <<<"$0"' "$needed"
  ok "the CLI carries the library's objects (no libvpcprobe.so to load)" bash -c '! grep -q libvpcprobe <<<"$0"' "$needed"
  ok "libpcap is not mapped by a run without --pcap" bash -c '! grep -q libpcap <<<"$0"' \
    "$(in_node env LD_DEBUG=files "$VPCPROBE" ping -c 1 10.124.0.5 2>&1)"
  run vp ping -c 1 10.124.0.5 --pcap /tmp/vpt-startup-$$.pcap
  ok "--pcap loads libpcap on demand: exit 0 and packets written" bash -c '[ "$0" = 0 ] && grep -q "wrote [1-9][0-9]* packets" <<<"$1"' "$rc" "$err"
  rm -f /tmp/vpt-startup-$$.pcap

  # libpcap gone (its files hidden in a mount namespace of this test): --pcap says so in one
  # line and exits 3; everything else still works.
  hidden=$(ldconfig -p | awk '/libpcap\.so/ { print $NF }' | sort -u | tr '\n' ' ')
  ok "the test found libpcap to hide" test -n "$hidden"
  nopcap() {
    unshare -m bash -c 'for f in $1; do mount --bind /dev/null "$f" || exit 99; done; shift; exec "$@"' _ "$hidden" \
      ip netns exec "$VPCLAB_PREFIX-node" "$VPCPROBE" "$@"
  }
  run nopcap ping -c 1 10.124.0.5 --pcap /tmp/vpt-startup-$$.pcap
  ok "no libpcap, --pcap: exit 3" rc_is 3
  ok "no libpcap, --pcap: one line naming the package" bash -c '[ "$(wc -l <<<"$0")" = 1 ] && grep -q "needs libpcap (Debian: apt-get install libpcap0.8)" <<<"$0"' "$err"
  run nopcap ping -c 1 10.124.0.5
  ok "no libpcap, no --pcap: ping works (exit 0)" rc_is 0
  run nopcap self-check --json
  ok "no libpcap: self-check says the capture needs libpcap (not a capability it holds)" \
    jq_is '.layers[] | select(.area | startswith("evidence")) | "\(.available) \(.how | test("libpcap0.8")) \(.how | test("CAP_NET_RAW"))"' \
    "false true false"
  run nopcap diagnose --private db.vpc.internal:5432 --public db.public.example:5432 --json
  ok "no libpcap, no --pcap: diagnose works (ok)" jq_is '.verdict.status' ok

  # OpenSSL: not linked, not mapped by a run without TLS, loaded by the first handshake
  ok "the CLI does not link OpenSSL at start-up" bash -c '! grep -qE "libssl|libcrypto" <<<"$0"' "$needed"
  ok "OpenSSL is not mapped by a diagnosis without TLS (PostgreSQL answers N)" bash -c '! grep -qE "libssl|libcrypto" <<<"$0"' \
    "$(in_node env LD_DEBUG=files "$VPCPROBE" diagnose --private db.vpc.internal:5432 2>&1)"
  ok "a TLS check loads it" bash -c 'grep -q "libssl.so.3" <<<"$0"' \
    "$(in_node env LD_DEBUG=files "$VPCPROBE" diagnose --private db.vpc.internal:443 2>&1)"
  hidden_ssl=$(ldconfig -p | awk '/libssl\.so\.3/ { print $NF }' | sort -u | tr '\n' ' ')
  ok "the test found libssl to hide" test -n "$hidden_ssl"
  nossl() {
    unshare -m bash -c 'for f in $1; do mount --bind /dev/null "$f" || exit 99; done; shift; exec "$@"' _ "$hidden_ssl" \
      ip netns exec "$VPCLAB_PREFIX-node" "$VPCPROBE" "$@"
  }
  run nossl self-check --json
  ok "no libssl: self-check says the application layer runs without TLS, and names the package" \
    jq_is '.layers[] | select(.area == "application") | "\(.available) \(.full) \(.how | test("apt-get install libssl3"))"' "true false true"
  run nossl diagnose --private db.vpc.internal:443 --json
  ok "no libssl: the TLS check is not tested (never a failure of the service), and says which package" \
    jq_is '"\(.paths.private.layers.transport.check) \(.paths.private.layers.application.check) \(.paths.private.layers.application.evidence[0] | test("apt-get install libssl3"))"' "pass not_tested true"
fi

# The packet sockets' helper, watched with strace: a process other than vpcprobe itself closes
# every other descriptor (close_range), writes nothing, waits on its gate and exits 0; vpcprobe
# exits with its own status.
# (LeakSanitizer cannot run under ptrace: off for the traced runs of the sanitizer build.)
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
trace=$(mktemp)
in_node strace -f -qq -o "$trace" -e trace=execve,close_range,write,read,exit_group "$VPCPROBE" arp 10.124.0.5 -c 1 >/dev/null 2>&1
arp_rc=$?
main=$(awk '/execve\(/ { print $1; exit }' "$trace")  # vpcprobe itself (the helper execs nothing)
helpers=$(awk -v m="$main" '$1 != m && /close_range\(/ { print $1 }' "$trace" | sort -u)
ok "arp: exit 0 under strace" test "$arp_rc" = 0
ok "arp: one helper process closes the other descriptors" test "$(wc -w <<<"$helpers")" = 1
h=${helpers%% *}
ok "arp: the helper writes nothing" bash -c '! awk -v h="$0" "\$1 == h && /write\\(/" "$1" | grep -q .' "$h" "$trace"
ok "arp: the helper waits for vpcprobe to let go (EOF on its gate), then exits 0" \
  bash -c 'awk -v h="$0" "\$1 == h" "$1" | grep -qE "(read\(|read resumed>).*= 0$" && awk -v h="$0" "\$1 == h" "$1" | grep -q "exit_group(0"' "$h" "$trace"
ok "arp: vpcprobe itself closes no range (it keeps its files until its own exit)" \
  bash -c '! awk -v m="$0" "\$1 == m && /close_range\\(/" "$1" | grep -q .' "$main" "$trace"

# diagnose (two packet sockets) and a failing run: the same helper, and the exit status is kept
lab fault dead-host
in_node strace -f -qq -o "$trace" -e trace=execve,close_range,exit_group "$VPCPROBE" diagnose --private db.vpc.internal:5432 \
  --public db.public.example:5432 --timeout 0.3 >/dev/null 2>&1
d_rc=$?
main=$(awk '/execve\(/ { print $1; exit }' "$trace")  # vpcprobe itself (the helper execs nothing)
ok "diagnose of a dead host: exit 2 with the helper" test "$d_rc" = 2
ok "diagnose: one helper closes the packet sockets" \
  test "$(awk -v m="$main" '$1 != m && /close_range\(/ { print $1 }' "$trace" | sort -u | wc -l)" = 1
rm -f "$trace"
lab heal

# No packet socket, no helper: ping by the ICMP socket forks nothing.
trace=$(mktemp)
in_node strace -f -qq -o "$trace" -e trace=clone,clone3,fork,vfork "$VPCPROBE" ping -c 1 10.124.0.5 >/dev/null 2>&1
ok "ping (no packet socket): no helper process" bash -c '! grep -qE "clone|fork" "$0"' "$trace"
rm -f "$trace"

finish
