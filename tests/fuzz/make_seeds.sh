#!/usr/bin/env bash
# Writes the seed corpora tests/fuzz/corpus/<target>/ from the unit tests' hand-checked fixtures
# (tests/unit/*_test.cpp), so each harness starts from valid packets and explores outward. The
# seeds are committed; rerun this after changing a fixture here, and commit the result.
set -euo pipefail
out=$(cd "$(dirname "$0")" && pwd)/corpus

# seed TARGET NAME HEX...: the bytes of the hex words (whitespace ignored) into corpus/TARGET/NAME.
seed() {
  local target=$1 name=$2
  shift 2
  local hex
  hex=$(tr -d ' \n' <<<"$*")
  mkdir -p "$out/$target"
  printf '%b' "$(sed 's/\(..\)/\\x\1/g' <<<"$hex")" >"$out/$target/$name"
}

# The Internet checksum of hex bytes, as four hex digits.
checksum() {
  local hex sum=0 i
  hex=$(tr -d ' \n' <<<"$*")
  [ $(( ${#hex} % 4 )) -eq 2 ] && hex=${hex}00
  for ((i = 0; i < ${#hex}; i += 4)); do sum=$((sum + 16#${hex:i:4})); done
  while ((sum >> 16)); do sum=$(((sum & 0xffff) + (sum >> 16))); done
  printf '%04x' $((~sum & 0xffff))
}

# An ICMP message of type, code, rest word and body with its checksum filled in.
icmp() {
  local head="$1 $2" rest=$3 body=$4
  echo "$head $(checksum "$head 0000 $rest $body") $rest $body"
}

# An ICMPv6 message from src to dst (16 hex bytes each) of type, code, rest word and body, with its
# checksum over the IPv6 pseudo header (src, dst, 32-bit length, 00 00 00 3a) filled in.
icmp6() {
  local src=$1 dst=$2 head="$3 $4" rest=$5 body=$6 len
  len=$(( $(tr -d ' \n' <<<"$head 0000 $rest $body" | wc -c) / 2 ))
  echo "$head $(checksum "$src $dst $(printf '%08x' "$len") 00 00 00 3a $head 0000 $rest $body") $rest $body"
}

rm -rf "$out"

# ------------------------------------------------------------ Ethernet + ARP (arp_wire_test.cpp)
request_frame="ff ff ff ff ff ff 02 00 00 00 00 01 08 06
  00 01 08 00 06 04 00 01 02 00 00 00 00 01 0a 7c 00 02 00 00 00 00 00 00 0a 7c 00 05
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
reply_arp="00 01 08 00 06 04 00 02 02 00 00 00 00 05 0a 7c 00 05 02 00 00 00 00 01 0a 7c 00 02"
reply_frame="02 00 00 00 00 01 02 00 00 00 00 05 08 06 $reply_arp"
seed ethernet_arp request "$request_frame"
seed ethernet_arp reply "$reply_frame"
seed ethernet_arp reply_vlan "02 00 00 00 00 01 02 00 00 00 00 05 81 00 00 64 08 06 $reply_arp"
seed ethernet_arp reply_qinq "02 00 00 00 00 01 02 00 00 00 00 05 88 a8 00 01 81 00 00 02 08 06 $reply_arp"
seed ethernet_arp arp_only "$reply_arp"
seed ethernet_arp arp_padded "$reply_arp 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"

# ------------------------------------------------------------ ARP reply matcher: question + frame
# Question: asked 10.124.0.5, our IP 10.124.0.2, our MAC 02:00:00:00:00:01.
question="0a 7c 00 05 0a 7c 00 02 02 00 00 00 00 01"
seed arp_match reply "$question $reply_frame"
seed arp_match request "$question $request_frame"
seed arp_match reply_vlan "$question 02 00 00 00 00 01 02 00 00 00 00 05 81 00 00 64 08 06 $reply_arp"

# ------------------------------------------------------------ IPv4 (ipv4_icmp_test.cpp)
echo_reply_packet="45 00 00 20 ab cd 40 00 40 01 7b 0d 0a 00 00 02 0a 00 00 01
  00 00 29 04 12 34 00 01 61 62 63 64"
quoted_echo="45 00 00 20 00 01 00 00 01 01 9c ca 0a 00 00 01 0a 09 09 09 08 00 21 04 12 34 00 01"
syn_head="9c 40 01 bb 01 02 03 04"
# A quoted SYN to 10.9.9.9:443 with one option word (IHL 6), total length 44, 8 bytes present.
quoted_syn_opts="46 00 00 2c 00 01 00 00 01 06 00 00 0a 00 00 01 0a 09 09 09 01 01 01 00 $syn_head"
quoted_syn="45 00 00 28 00 01 00 00 01 06 00 00 0a 00 00 01 0a 09 09 09 $syn_head"
seed ipv4 echo_reply "$echo_reply_packet"
seed ipv4 echo_reply_padded "$echo_reply_packet 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
seed ipv4 quoted_echo "$quoted_echo"
seed ipv4 quoted_syn_options "$quoted_syn_opts"
seed ipv4 fragment "45 b8 00 19 be ef 3a bc 03 11 00 00 0a 00 00 01 0a 09 09 09 01 02 03 04 05"

# ------------------------------------------------------------ ICMP
time_exceeded=$(icmp 0b 00 "00 00 00 00" "$quoted_echo")
seed icmp echo_request "08 00 21 04 12 34 00 01 61 62 63 64"
seed icmp echo_reply_packet "$echo_reply_packet"
seed icmp time_exceeded "$time_exceeded"
seed icmp time_exceeded_packet "45 00 00 38 00 02 00 00 40 01 00 00 0a 00 00 fe 0a 00 00 01 $time_exceeded"
seed icmp port_unreachable_tcp "$(icmp 03 03 "00 00 00 00" "$quoted_syn")"
seed icmp admin_prohibited_tcp_options "$(icmp 03 0d "00 00 00 00" "$quoted_syn_opts")"
seed icmp frag_needed "$(icmp 03 04 "00 00 05 78" "45 00 05 dc 00 01 40 00 40 01 00 00 0a 00 00 01 0a 09 09 09 08 00 21 04 12 34 00 01")"

# ------------------------------------------------------------ TCP (tcp_test.cpp): src, dst, segment
seed tcp syn "0a 00 00 01 0a 00 00 02 9c 40 01 bb 01 02 03 04 00 00 00 00 60 02 fa f0 e7 31 00 00 02 04 05 b4"
seed tcp rst "0a 00 00 01 0a 00 00 02 9c 40 01 bb 01 02 03 05 00 00 00 00 50 04 00 00 f9 db 00 00"
seed tcp syn_ack "0a 00 00 02 0a 00 00 01 01 bb 9c 40 a0 b0 c0 d0 01 02 03 05 a0 12 fe 88 1f e1 00 00
  02 04 05 b4 04 02 08 0a 00 00 10 00 00 00 02 00 01 03 03 07"
seed tcp payload "0a 00 00 01 0a 00 00 02 9c 40 01 bb 00 00 00 01 00 00 00 00 60 02 fa f0 00 00 00 00
  02 04 05 b4 68 69"

# ------------------------------------------------------------ rtnetlink (netlink_test.cpp)
neigh_permanent="30 00 00 00 1c 00 02 00 01 00 00 00 00 00 00 00 02 00 00 00 03 00 00 00 80 00 10 01
  08 00 01 00 0a 7c 00 05 0a 00 02 00 02 00 00 00 00 99 00 00"
done_msg="14 00 00 00 03 00 02 00 01 00 00 00 00 00 00 00 00 00 00 00"
seed netlink neigh_permanent "$neigh_permanent"
seed netlink neigh_managed "38 00 00 00 1c 00 02 00 01 00 00 00 00 00 00 00 02 00 00 00 03 00 00 00 02 00 10 01
  08 00 01 00 0a 7c 00 06 0a 00 02 00 02 00 00 00 00 98 00 00 08 00 0f 00 01 00 00 00"
seed netlink neigh_incomplete "24 00 00 00 1c 00 02 00 01 00 00 00 00 00 00 00 02 00 00 00 03 00 00 00 01 00 00 01
  08 00 01 00 0a 7c 00 07"
seed netlink route "44 00 00 00 18 00 00 00 02 00 00 00 00 00 00 00 02 20 00 00 fe 00 00 01 00 00 00 00
  08 00 0f 00 fe 00 00 00 08 00 01 00 0a 7d 00 05 08 00 04 00 03 00 00 00 08 00 07 00 0a 7c 00 02
  08 00 05 00 0a 7c 00 01"
seed netlink link "50 00 00 00 10 00 00 00 03 00 00 00 00 00 00 00 00 00 01 00 03 00 00 00 43 10 01 00 00 00 00 00
  09 00 03 00 76 70 63 30 00 00 00 00 08 00 04 00 dc 05 00 00 05 00 10 00 06 00 00 00
  05 00 21 00 01 00 00 00 0a 00 01 00 02 00 00 00 00 01 00 00"
# RTM_NEWADDR: AF_INET /24 on ifindex 3, IFA_ADDRESS and IFA_LOCAL 10.124.0.2.
seed netlink addr "28 00 00 00 14 00 02 00 04 00 00 00 00 00 00 00 02 18 80 00 03 00 00 00
  08 00 01 00 0a 7c 00 02 08 00 02 00 0a 7c 00 02"
seed netlink error_hostunreach "24 00 00 00 02 00 00 00 02 00 00 00 00 00 00 00 8f ff ff ff
  24 00 00 00 1a 00 01 00 02 00 00 00 00 00 00 00"
# RTM_NEWNEIGHTBL as Linux 6.18 sent it (ip -s ntable show): the arp_cache table, then one
# interface's parameters
seed netlink neightbl_arp_cache "78 01 00 00 40 00 02 00 01 00 00 00 66 0f 00 00 02 00 00 00 0e 00 01 00 61 72 70 5f 63 61 63 68 65 00 00 00 0c 00 08 00 30 75 00 00 00 00 00 00 08 00 02 00 80 00 00 00 08 00 03 00 00 02 00 00 08 00 04 00 00 04 00 00 24 00 05 00 04 00 50 01 00 00 00 00 4c de 09 00 ac 81 02 00 67 fa 40 45 ff ff 01 00 00 00 00 00 00 00 00 00 5c 00 07 00 69 7a 12 00 00 00 00 00 69 7a 12 00 00 00 00 00 0e 00 00 00 00 00 00 00 ce 03 00 00 00 00 00 00 e0 d7 37 02 00 00 00 00 25 0b 5a 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 84 07 00 00 00 00 00 00 11 00 00 00 00 00 00 00 08 00 00 00 00 00 00 00 b0 00 06 00 08 00 02 00 01 00 00 00 08 00 10 00 00 40 03 00 08 00 08 00 65 00 00 00 08 00 0e 00 40 00 00 00 08 00 09 00 00 00 00 00 08 00 0a 00 03 00 00 00 08 00 0b 00 03 00 00 00 08 00 11 00 00 00 00 00 0c 00 03 00 1c 65 00 00 00 00 00 00 0c 00 04 00 30 75 00 00 00 00 00 00 0c 00 06 00 60 ea 00 00 00 00 00 00 0c 00 07 00 88 13 00 00 00 00 00 00 0c 00 05 00 e8 03 00 00 00 00 00 00 0c 00 0c 00 e8 03 00 00 00 00 00 00 0c 00 0d 00 20 03 00 00 00 00 00 00 0c 00 0f 00 e8 03 00 00 00 00 00 00 0c 00 13 00 88 13 00 00 00 00 00 00"
seed netlink neightbl_dev_parms "dc 00 00 00 40 00 02 00 01 00 00 00 66 0f 00 00 02 00 00 00 0e 00 01 00 61 72 70 5f 63 61 63 68 65 00 00 00 b8 00 06 00 08 00 01 00 00 00 00 00 08 00 02 00 01 00 00 00 08 00 10 00 00 40 03 00 08 00 08 00 65 00 00 00 08 00 0e 00 40 00 00 00 08 00 09 00 00 00 00 00 08 00 0a 00 03 00 00 00 08 00 0b 00 03 00 00 00 08 00 11 00 00 00 00 00 0c 00 03 00 8c 8e 00 00 00 00 00 00 0c 00 04 00 30 75 00 00 00 00 00 00 0c 00 06 00 60 ea 00 00 00 00 00 00 0c 00 07 00 88 13 00 00 00 00 00 00 0c 00 05 00 e8 03 00 00 00 00 00 00 0c 00 0c 00 e8 03 00 00 00 00 00 00 0c 00 0d 00 20 03 00 00 00 00 00 00 0c 00 0f 00 e8 03 00 00 00 00 00 00 0c 00 13 00 88 13 00 00 00 00 00 00"
seed netlink done "$done_msg"
seed netlink neigh_then_done "$neigh_permanent $done_msg"

# ------------------------------------------------------------ IPv6, ICMPv6, NDP (ipv6_icmpv6_test.cpp)
us6="20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 10"      # 2001:db8:1::10
peer6="20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 20"    # 2001:db8:1::20
router6="20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 01"  # 2001:db8:1::1
target6="20 01 0d b8 00 09 00 00 00 00 00 00 00 00 00 09"  # 2001:db8:9::9
group6="ff 02 00 00 00 00 00 00 00 00 00 01 ff 00 00 20"   # ff02::1:ff00:20
syn6="9c 40 01 bb 01 02 03 04 00 00 00 00 60 02 fd 20 9d 97 00 00 02 04 05 8c"
echo6_head="80 00 80 55 12 34 00 01"
na6=$(icmp6 "$peer6" "$us6" 88 00 "60 00 00 00" "$peer6 02 01 02 00 00 00 00 20")
ns6=$(icmp6 "$us6" "$group6" 87 00 "00 00 00 00" "$peer6 01 01 02 00 00 00 00 01")
ptb6=$(icmp6 "$router6" "$us6" 02 00 "00 00 05 00" "60 00 00 00 05 ac 3a 3f $us6 $target6 $echo6_head 61 62 63 64 65 66 67 68")
seed ipv6 echo_reply_packet "60 00 00 00 00 0c 3a 40 $peer6 $us6 $(icmp6 "$peer6" "$us6" 81 00 "12 34 00 01" "61 62 63 64")"
seed ipv6 neighbor_advert_packet "60 00 00 00 00 20 3a ff $peer6 $us6 $na6"
seed ipv6 neighbor_advert_options "$(icmp6 "$peer6" "$us6" 88 00 "a0 00 00 00" "$peer6 0e 01 01 02 03 04 05 06 05 01 00 00 00 00 05 dc 02 01 02 00 00 00 00 20")"
seed ipv6 neighbor_solicit "$ns6"
seed ipv6 neighbor_solicit_frame "33 33 ff 00 00 20 02 00 00 00 00 01 86 dd 60 00 00 00 00 20 3a ff $us6 $group6 $ns6"
seed ipv6 packet_too_big_packet "60 00 00 00 00 40 3a 3e $router6 $us6 $ptb6"
seed ipv6 admin_prohibited_tcp "$(icmp6 "$router6" "$us6" 01 01 "00 00 00 00" "60 00 00 00 00 18 06 40 $us6 $target6 $syn6")"
# Time exceeded quoting our echo request behind a destination options header.
seed ipv6 time_exceeded_dest_options "$(icmp6 "$router6" "$us6" 03 00 "00 00 00 00" \
  "60 00 00 00 00 18 3c 01 $us6 $target6 3a 00 01 04 00 00 00 00 $echo6_head")"
# Hop-by-hop -> destination options (16) -> fragment (first, more) -> our SYN.
seed ipv6 extension_chain_syn "60 00 00 00 00 38 00 40 $us6 $target6 3c 00 01 04 00 00 00 00
  2c 01 01 0c 00 00 00 00 00 00 00 00 00 00 00 00 06 00 00 01 de ad be ef $syn6"
# A later fragment (offset 185): data, not a header.
seed ipv6 later_fragment "60 00 00 00 00 18 2c 40 $us6 $target6 06 00 05 c8 de ad be ef
  00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f"

echo "seeds written to $out: $(find "$out" -type f | wc -l) files"
