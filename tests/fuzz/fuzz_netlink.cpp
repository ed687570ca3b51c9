// rtnetlink replies: split_netlink on the input as one datagram, then every decoder on every message
// it yields (and on the whole input as one message, since decoders must check lengths themselves).
// Netlink headers are read in place, so the input is first copied into 8-byte aligned storage, as
// the netlink client's receive buffer is.
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cstring>
#include <vector>

#include "fuzz_common.hpp"
#include "vpcprobe/model/neigh_health.hpp"
#include "vpcprobe/model/netinfo.hpp"
#include "vpcprobe/wire/netlink.hpp"
#include "vpcprobe/wire/procfs.hpp"

using namespace vpcprobe;
using namespace vpcprobe::wire;
using namespace vpcprobe::fuzz;

namespace {

std::uint32_t nlmsg_len_of(ByteView msg) {
  std::uint32_t len;
  std::memcpy(&len, msg.data(), sizeof len);
  return len;
}

void decode_all(ByteView msg) {
  if (auto n = decode_neigh(msg)) {
    FUZZ_CHECK(!model::neigh_state_name(n->state).empty());
    (void)model::neigh_flag_names(*n);
    (void)n->kernel_heals();
  }
  if (auto r = decode_route(msg)) {
    FUZZ_CHECK(!model::route_type_name(r->type).empty());
    (void)r->next_hop(IpAddr(Ipv4{0x0a000001}));
  }
  if (auto l = decode_link(msg)) {
    // A name is taken only when NUL-terminated inside its attribute, so it holds no NUL and is
    // shorter than the message.
    FUZZ_CHECK(!l->name.empty() && l->name.size() < msg.size());
    FUZZ_CHECK(l->name.find('\0') == std::string::npos);
    FUZZ_CHECK(!model::operstate_name(l->operstate).empty());
  }
  if (auto t = decode_neightbl(msg); t && *t) {
    // A table's name is cut at its NUL and at 64 bytes; the thresholds are whatever the bytes say.
    FUZZ_CHECK((*t)->name.size() <= 64 && (*t)->name.find('\0') == std::string::npos);
    (void)(*t)->counters.since((*t)->counters);
    (void)(*t)->staletime_of(1);
  }
  if (auto p = decode_neightbl_parms(msg); p && *p) FUZZ_CHECK((*p)->parms.ifindex > 0);
  if (auto a = decode_addr(msg)) {
    // Either family, by the address's length; the prefix fits the address.
    FUZZ_CHECK(a->prefix_len <= a->addr.bytes().size() * 8);
    FUZZ_CHECK(a->contains(a->addr));
  }
}

// Our own RTM_NEWNEIGH request is a neighbor message: it decodes back to what was put in.
void check_neigh_round_trip(ByteView in) {
  if (in.size() < 14) return;
  int ifindex;
  std::memcpy(&ifindex, in.data(), sizeof ifindex);
  Mac mac;
  std::memcpy(mac.bytes.data(), in.data() + 8, 6);
  // IPv4 from bytes 4..7, or IPv6 from 16 bytes after the MAC when the input has them.
  IpAddr ip = Ipv4{be32_at(in, 4)};
  if (in.size() >= 30 && (in[0] & 1)) ip = *IpAddr::from_bytes(in.subspan(14, 16));
  auto req = encode_neigh_replace(ip.is_v4() ? 2 : 10, ifindex, ip, mac, 7);
  std::vector<std::uint64_t> storage((req.size() + 7) / 8);
  std::memcpy(storage.data(), req.data(), req.size());
  auto batch = split_netlink(ByteView(reinterpret_cast<const std::uint8_t*>(storage.data()), req.size()));
  FUZZ_CHECK(batch && batch->messages.size() == 1 && !batch->error && !batch->done);
  auto e = decode_neigh(batch->messages[0]);
  FUZZ_CHECK(e && e->ifindex == ifindex && e->ip == ip && e->mac == mac);
  FUZZ_CHECK(e->state == NUD_REACHABLE && e->kernel_heals());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::uint64_t> storage((size + 7) / 8);
  if (size > 0) std::memcpy(storage.data(), data, size);
  const ByteView in(reinterpret_cast<const std::uint8_t*>(storage.data()), size);

  // The same bytes as the kernel's /proc text the neighbor health check reads: bounded parsers.
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)parse_sysctl_int(text);
  (void)parse_neigh_stat_column(text, "unresolved_discards");

  auto batch = split_netlink(in);
  if (batch) {
    // Each message is a whole nlmsghdr + payload inside the datagram, at a 4-byte aligned offset,
    // in order and without overlap; control messages (NOOP, ERROR, DONE, OVERRUN) are not handed on.
    std::size_t next = 0;
    for (ByteView msg : batch->messages) {
      FUZZ_CHECK(within(msg, in) && msg.size() >= sizeof(nlmsghdr));
      const auto offset = static_cast<std::size_t>(msg.data() - in.data());
      FUZZ_CHECK(offset % NLMSG_ALIGNTO == 0 && offset >= next);
      FUZZ_CHECK(nlmsg_len_of(msg) == msg.size());
      std::uint16_t type;
      std::memcpy(&type, msg.data() + 4, sizeof type);
      FUZZ_CHECK(type >= NLMSG_MIN_TYPE);
      touch(msg);
      next = offset + msg.size();
      decode_all(msg);
    }
    // The kernel's errno is reported positive (0 for an ack); its extended-ack text, when there is
    // one, holds no NUL.
    if (batch->error) FUZZ_CHECK(*batch->error >= 0);
    if (batch->error_message) FUZZ_CHECK(batch->error_message->find('\0') == std::string::npos);
  }
  decode_all(in);
  check_neigh_round_trip(in);
  return 0;
}
