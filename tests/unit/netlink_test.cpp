#include <doctest/doctest.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "test_util.hpp"
#include "vpcprobe/wire/netlink.hpp"

using namespace vpcprobe;
using namespace vpcprobe::wire;

namespace {
// Hand-assembled as the kernel sends them (x86-64, host byte order in headers).
const auto kNeighPermanentExtern = hex(
    "30 00 00 00 1c 00 02 00 01 00 00 00 00 00 00 00"  // nlmsghdr: len 48, RTM_NEWNEIGH, NLM_F_MULTI, seq 1
    "02 00 00 00 03 00 00 00 80 00 10 01"              // ndmsg: AF_INET, ifindex 3, PERMANENT, extern_learn
    "08 00 01 00 0a 7c 00 05"                          // NDA_DST 10.124.0.5
    "0a 00 02 00 02 00 00 00 00 99 00 00");            // NDA_LLADDR 02:00:00:00:00:99
const auto kNeighManaged = hex(
    "38 00 00 00 1c 00 02 00 01 00 00 00 00 00 00 00"
    "02 00 00 00 03 00 00 00 02 00 10 01"              // REACHABLE, extern_learn
    "08 00 01 00 0a 7c 00 06"
    "0a 00 02 00 02 00 00 00 00 98 00 00"
    "08 00 0f 00 01 00 00 00");                        // NDA_FLAGS_EXT: managed
const auto kNeighIncomplete = hex(
    "24 00 00 00 1c 00 02 00 01 00 00 00 00 00 00 00"
    "02 00 00 00 03 00 00 00 01 00 00 01"              // INCOMPLETE, no MAC
    "08 00 01 00 0a 7c 00 07");
const auto kRouteViaGateway = hex(
    "44 00 00 00 18 00 00 00 02 00 00 00 00 00 00 00"  // RTM_NEWROUTE, seq 2
    "02 20 00 00 fe 00 00 01 00 00 00 00"              // AF_INET /32 table main, unicast
    "08 00 0f 00 fe 00 00 00"                          // RTA_TABLE 254
    "08 00 01 00 0a 7d 00 05"                          // RTA_DST 10.125.0.5
    "08 00 04 00 03 00 00 00"                          // RTA_OIF 3
    "08 00 07 00 0a 7c 00 02"                          // RTA_PREFSRC 10.124.0.2
    "08 00 05 00 0a 7c 00 01");                        // RTA_GATEWAY 10.124.0.1
const auto kLink = hex(
    "50 00 00 00 10 00 00 00 03 00 00 00 00 00 00 00"  // RTM_NEWLINK, seq 3
    "00 00 01 00 03 00 00 00 43 10 01 00 00 00 00 00"  // ARPHRD_ETHER, ifindex 3, UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP
    "09 00 03 00 76 70 63 30 00 00 00 00"              // IFLA_IFNAME "vpc0"
    "08 00 04 00 dc 05 00 00"                          // IFLA_MTU 1500
    "05 00 10 00 06 00 00 00"                          // IFLA_OPERSTATE UP
    "05 00 21 00 01 00 00 00"                          // IFLA_CARRIER 1
    "0a 00 01 00 02 00 00 00 00 01 00 00");            // IFLA_ADDRESS
const auto kErrorHostUnreach = hex(
    "24 00 00 00 02 00 00 00 02 00 00 00 00 00 00 00"  // NLMSG_ERROR
    "8f ff ff ff"                                      // -113 EHOSTUNREACH
    "24 00 00 00 1a 00 01 00 02 00 00 00 00 00 00 00");
const auto kDone = hex("14 00 00 00 03 00 02 00 01 00 00 00 00 00 00 00 00 00 00 00");
// The one message of a fixture; fails the test when the fixture itself does not split.
ByteView only_message(const std::vector<std::uint8_t>& fixture) {
  auto batch = split_netlink(fixture);
  REQUIRE(batch);
  REQUIRE(batch->messages.size() == 1);
  return batch->messages[0];
}
}  // namespace

TEST_CASE("neighbor entry: PERMANENT extern_learn with MAC") {
  auto batch = split_netlink(kNeighPermanentExtern);
  REQUIRE(batch);
  REQUIRE(batch->messages.size() == 1);
  auto e = decode_neigh(batch->messages[0]);
  REQUIRE(e);
  CHECK(e->ifindex == 3);
  CHECK(e->ip.to_string() == "10.124.0.5");
  REQUIRE(e->mac);
  CHECK(e->mac->to_string() == "02:00:00:00:00:99");
  CHECK(e->is_permanent());
  CHECK(e->is_extern_learn());
  CHECK_FALSE(e->kernel_heals());
  CHECK(model::neigh_state_name(e->state) == "PERMANENT");
  CHECK(model::neigh_flag_names(*e) == std::vector<std::string>{"extern_learn"});
}

TEST_CASE("neighbor entry: managed flag from NDA_FLAGS_EXT, INCOMPLETE without MAC") {
  auto m = decode_neigh(only_message(kNeighManaged));
  REQUIRE(m);
  CHECK(m->is_managed());
  CHECK(model::neigh_state_name(m->state) == "REACHABLE");
  CHECK(model::neigh_flag_names(*m) == std::vector<std::string>{"extern_learn", "managed"});
  auto inc = decode_neigh(only_message(kNeighIncomplete));
  REQUIRE(inc);
  CHECK_FALSE(inc->mac.has_value());
  CHECK(inc->kernel_heals());
  CHECK(model::neigh_state_name(model::nud::stale | model::nud::delay) == "STALE|DELAY");
}

TEST_CASE("route via a gateway") {
  auto r = decode_route(only_message(kRouteViaGateway));
  REQUIRE(r);
  CHECK(r->type == model::RouteType::unicast);
  CHECK(r->oif == 3);
  CHECK(r->table == 254);
  CHECK(r->gateway->to_string() == "10.124.0.1");
  CHECK(r->prefsrc->to_string() == "10.124.0.2");
  CHECK(r->next_hop(*IpAddr::parse("10.125.0.5")).to_string() == "10.124.0.1");
}

TEST_CASE("link state") {
  auto l = decode_link(only_message(kLink));
  REQUIRE(l);
  CHECK(l->name == "vpc0");
  CHECK(l->ifindex == 3);
  CHECK(l->mtu == 1500);
  CHECK(l->admin_up());
  CHECK(l->lower_up());
  CHECK(l->is_ethernet());
  CHECK(model::operstate_name(l->operstate) == "UP");
  CHECK(l->carrier == 1);
  CHECK(l->mac->to_string() == "02:00:00:00:00:01");
}

TEST_CASE("errors and done markers; errno to route type") {
  auto e = split_netlink(kErrorHostUnreach);
  REQUIRE(e);
  CHECK(e->error == EHOSTUNREACH);
  CHECK(route_type_from_errno(*e->error) == model::RouteType::unreachable);
  CHECK(route_type_from_errno(EINVAL) == model::RouteType::blackhole);
  CHECK(route_type_from_errno(EACCES) == model::RouteType::prohibit);
  CHECK(route_type_from_errno(ENETUNREACH) == model::RouteType::no_route);
  CHECK_FALSE(route_type_from_errno(EIO).has_value());
  auto d = split_netlink(kDone);
  REQUIRE(d);
  CHECK(d->done);
  // Two messages in one datagram.
  auto both = kNeighPermanentExtern;
  both.insert(both.end(), kDone.begin(), kDone.end());
  auto b = split_netlink(both);
  REQUIRE(b);
  CHECK(b->messages.size() == 1);
  CHECK(b->done);
}

// Found by tests/fuzz/fuzz_netlink: an NLMSG_ERROR carrying +2 instead of a negated errno came out
// as error -2, a negative "errno"; 0x80000000 (INT_MIN) could not even be negated (UB).
const auto kErrorPositive = hex(
    "24 00 00 00 02 00 02 00 01 00 00 00 00 00 00 00"  // NLMSG_ERROR
    "02 00 00 00"                                      // +2: not a negated errno
    "03 00 00 00 01 00 00 01 08 00 01 00 0a 7c 00 07");

TEST_CASE("NLMSG_ERROR codes that are not negated errnos are rejected") {
  auto positive = split_netlink(kErrorPositive);
  REQUIRE_FALSE(positive);
  CHECK(positive.error().code == Errc::malformed);
  auto with_code = [](const char* code) {
    auto bytes = kErrorPositive;
    auto c = hex(code);
    std::copy(c.begin(), c.end(), bytes.begin() + 16);
    return split_netlink(bytes);
  };
  CHECK_FALSE(with_code("00 00 00 80"));  // INT_MIN
  CHECK_FALSE(with_code("ff ff ff 7f"));  // INT_MAX
  CHECK_FALSE(with_code("00 f0 ff ff"));  // -4096, past the kernel's MAX_ERRNO
  auto max = with_code("01 f0 ff ff");    // -4095
  REQUIRE(max);
  CHECK(max->error == 4095);
  auto ack = with_code("00 00 00 00");
  REQUIRE(ack);
  CHECK(ack->error == 0);
}

TEST_CASE("every truncation of a netlink message is rejected or decodes nothing false") {
  for (const auto* fixture : {&kNeighPermanentExtern, &kRouteViaGateway, &kLink, &kErrorHostUnreach}) {
    for (std::size_t n = 1; n < fixture->size(); ++n) {
      CAPTURE(n);
      std::vector<std::uint8_t> cut(fixture->begin(), fixture->begin() + static_cast<long>(n));
      // The header still claims the full length: split must refuse it.
      CHECK_FALSE(split_netlink(cut).has_value());
    }
  }
}

TEST_CASE("lying lengths inside a message are rejected") {
  // nlmsg_len shrunk so the attributes overrun the message.
  auto lie = kNeighPermanentExtern;
  lie[0] = 0x2c;  // 44: the LLADDR attribute (len 10 at offset 36) now ends past the message
  std::vector<std::uint8_t> lie44(lie.begin(), lie.begin() + 44);
  auto b = split_netlink(lie44);
  REQUIRE(b);
  CHECK_FALSE(decode_neigh(b->messages[0]));
  // An attribute claiming more than the message holds.
  auto big_attr = kNeighPermanentExtern;
  big_attr[28] = 0x40;  // NDA_DST length 64
  CHECK_FALSE(decode_neigh(only_message(big_attr)));
  // An attribute with a length below its own header.
  auto tiny = kNeighPermanentExtern;
  tiny[28] = 0x02;
  CHECK_FALSE(decode_neigh(only_message(tiny)));
  // A message too short for its fixed header.
  auto short_fixed = hex("18 00 00 00 1c 00 02 00 01 00 00 00 00 00 00 00 02 00 00 00 03 00 00 00");
  CHECK_FALSE(decode_neigh(only_message(short_fixed)));
  // Wrong message type for the decoder.
  CHECK_FALSE(decode_route(only_message(kNeighPermanentExtern)));
  // nlmsg_len below the header size.
  auto zero_len = kDone;
  zero_len[0] = 0;
  CHECK_FALSE(split_netlink(zero_len));
  // A name without NUL terminator is not taken.
  auto noname = kLink;
  noname[40] = 0x78;  // overwrite the NUL after "vpc0"
  auto l = decode_link(only_message(noname));
  CHECK_FALSE(l);
}

TEST_CASE("request encoders produce what the kernel expects") {
  auto req = encode_route_get(*IpAddr::parse("10.124.0.5"), 2 /* AF_INET */, 3, 7);
  // nlmsghdr(16) + rtmsg(12) + RTA_DST(8) + RTA_OIF(8)
  REQUIRE(req.size() == 44);
  CHECK(req[4] == 26);  // RTM_GETROUTE
  CHECK(req[8] == 7);   // seq
  CHECK(req[16] == 2);  // AF_INET
  CHECK(req[17] == 32); // dst_len
  CHECK(std::vector<std::uint8_t>(req.begin() + 28, req.end()) == hex("08 00 01 00 0a 7c 00 05 08 00 04 00 03 00 00 00"));
  auto dump = encode_neigh_dump(2, 0, 1);
  CHECK(dump.size() == 28);
  CHECK(dump[6] == 0x01);  // NLM_F_REQUEST
  CHECK(dump[7] == 0x03);  // NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH
  auto link = encode_link_get(0, "vpc0", 1);
  CHECK(link.size() == 16 + 16 + 12);
  // The other two dumps: their fixed header is the family byte and zeros.
  auto tables = encode_neightbl_dump(0, 9);
  REQUIRE(tables.size() == 20);
  CHECK(tables[4] == 66);  // RTM_GETNEIGHTBL
  CHECK(tables[7] == 0x03);
  CHECK(tables[8] == 9);
  CHECK(std::vector<std::uint8_t>(tables.begin() + 16, tables.end()) == hex("00 00 00 00"));
  auto addrs = encode_addr_dump(10, 2);
  REQUIRE(addrs.size() == 24);
  CHECK(addrs[4] == 22);  // RTM_GETADDR
  CHECK(std::vector<std::uint8_t>(addrs.begin() + 16, addrs.end()) == hex("0a 00 00 00 00 00 00 00"));
}

TEST_CASE("errors and DONE carry their request's sequence number; the extended ack's text is read") {
  // NLMSG_ERROR (EINVAL) for seq 7, capped (only the request's header quoted), with
  // NLMSGERR_ATTR_MSG "no such entry".
  const auto err = hex(
      "38 00 00 00 02 00 00 03 07 00 00 00 00 00 00 00"   // nlmsghdr: len 56, ERROR, CAPPED|ACK_TLVS, seq 7
      "ea ff ff ff"                                       // error -22
      "20 00 00 00 1c 00 05 05 07 00 00 00 00 00 00 00"   // the request's header
      "12 00 01 00 6e 6f 20 73 75 63 68 20 65 6e 74 72 79 00 00 00");  // ATTR_MSG "no such entry"
  std::vector<std::uint64_t> storage((err.size() + 7) / 8);
  std::memcpy(storage.data(), err.data(), err.size());
  auto batch = split_netlink(ByteView(reinterpret_cast<const std::uint8_t*>(storage.data()), err.size()));
  REQUIRE(batch);
  REQUIRE(batch->error);
  CHECK(*batch->error == 22);
  CHECK(batch->error_seq == 7);
  CHECK(batch->error_message == "no such entry");

  // The same without ACK_TLVS: no text, and no attribute is read from the quoted request.
  auto plain = err;
  plain[7] = 0x01;  // CAPPED only
  std::memcpy(storage.data(), plain.data(), plain.size());
  batch = split_netlink(ByteView(reinterpret_cast<const std::uint8_t*>(storage.data()), plain.size()));
  REQUIRE(batch);
  CHECK_FALSE(batch->error_message.has_value());

  // A lying attribute length ends the walk, never reads past the message.
  auto lying = err;
  lying[36] = 0xff;
  std::memcpy(storage.data(), lying.data(), lying.size());
  batch = split_netlink(ByteView(reinterpret_cast<const std::uint8_t*>(storage.data()), lying.size()));
  REQUIRE(batch);
  CHECK_FALSE(batch->error_message.has_value());

  // DONE tells whose dump it ends: a late DONE of a timed-out request is not ours.
  auto done = kDone;
  done[8] = 9;
  std::memcpy(storage.data(), done.data(), done.size());
  batch = split_netlink(ByteView(reinterpret_cast<const std::uint8_t*>(storage.data()), done.size()));
  REQUIRE(batch);
  CHECK(batch->done);
  CHECK(batch->done_seq == 9);
}

TEST_CASE("decoders take the family from the address length: IPv6 neighbors and routes") {
  auto req = encode_neigh_replace(10 /* AF_INET6 */, 3, *IpAddr::parse("fd00:7c::5"), *Mac::parse("02:00:00:00:00:05"), 1);
  std::vector<std::uint64_t> storage((req.size() + 7) / 8);
  std::memcpy(storage.data(), req.data(), req.size());
  auto batch = split_netlink(ByteView(reinterpret_cast<const std::uint8_t*>(storage.data()), req.size()));
  REQUIRE(batch);
  REQUIRE(batch->messages.size() == 1);
  auto e = decode_neigh(batch->messages[0]);
  REQUIRE(e);
  CHECK(e->ip.to_string() == "fd00:7c::5");
  CHECK(req[16] == 10);
  auto route = encode_route_get(*IpAddr::parse("fd00:7c::5"), 10, 0, 2);
  CHECK(route[17] == 128);  // dst_len of an IPv6 host route
}
