#include "vpcprobe/render/words.hpp"

#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "vpcprobe/wire/icmp.hpp"

namespace vpcprobe::render {

namespace {

const char* unreachable_meaning(std::uint8_t code) {
  using namespace wire::unreach_code;
  switch (code) {
    case net: return "network unreachable";
    case host: return "host unreachable";
    case protocol: return "protocol unreachable";
    case port: return "port unreachable";
    case frag_needed: return "fragmentation needed";
    case source_route_failed: return "source route failed";
    case net_unknown: return "destination network unknown";
    case host_unknown: return "destination host unknown";
    case host_isolated: return "source host isolated";
    case net_prohibited: return "network administratively prohibited";
    case host_prohibited: return "host administratively prohibited";
    case net_tos: return "network unreachable for type of service";
    case host_tos: return "host unreachable for type of service";
    case admin_prohibited: return "communication administratively prohibited";
    case host_precedence: return "host precedence violation";
    case precedence_cutoff: return "precedence cutoff in effect";
    default: return nullptr;
  }
}

const char* other_meaning(std::uint8_t type, std::uint8_t code) {
  using namespace wire::icmp_type;
  switch (type) {
    case time_exceeded:
      if (code == 0) return "TTL exceeded in transit";
      if (code == 1) return "fragment reassembly time exceeded";
      return nullptr;
    case parameter_problem:
      if (code == 0) return "parameter problem (bad header field)";
      if (code == 1) return "parameter problem (missing required option)";
      if (code == 2) return "parameter problem (bad length)";
      return nullptr;
    case source_quench: return "source quench";
    case redirect:
      if (code == 0) return "redirect for network";
      if (code == 1) return "redirect for host";
      if (code == 2) return "redirect for type of service and network";
      if (code == 3) return "redirect for type of service and host";
      return nullptr;
    default: return nullptr;
  }
}

}  // namespace

namespace {
// ICMPv6 (RFC 4443); the sender's family tells which numbering an error uses.
std::optional<std::string> icmp6_meaning(const model::IcmpErrorInfo& e) {
  switch (e.type) {
    case 1:
      switch (e.code) {
        case 0: return "no route to destination";
        case 1: return "communication administratively prohibited";
        case 2: return "beyond scope of source address";
        case 3: return "address unreachable";
        case 4: return "port unreachable";
        case 5: return "source address failed ingress/egress policy";
        case 6: return "reject route to destination";
        default: return std::nullopt;
      }
    case 2: return e.mtu ? fmt::format("packet too big (MTU {})", e.mtu) : std::string("packet too big");
    case 3: return e.code == 0 ? std::optional<std::string>("hop limit exceeded in transit")
                               : e.code == 1 ? std::optional<std::string>("fragment reassembly time exceeded") : std::nullopt;
    case 4:
      if (e.code == 0) return "parameter problem (erroneous header field)";
      if (e.code == 1) return "parameter problem (unrecognized next header)";
      if (e.code == 2) return "parameter problem (unrecognized IPv6 option)";
      return std::nullopt;
    default: return std::nullopt;
  }
}
}  // namespace

std::string icmp_meaning(const model::IcmpErrorInfo& e) {
  if (e.from.is_v6()) {
    if (auto m = icmp6_meaning(e)) return *m;
    return fmt::format("ICMPv6 type {} code {}", unsigned{e.type}, unsigned{e.code});
  }
  if (e.type == wire::icmp_type::dest_unreachable) {
    if (e.code == wire::unreach_code::frag_needed && e.mtu != 0)
      return fmt::format("fragmentation needed (next-hop MTU {})", e.mtu);
    if (const char* m = unreachable_meaning(e.code)) return m;
  } else if (const char* m = other_meaning(e.type, e.code)) {
    return m;
  }
  return fmt::format("ICMP type {} code {}", unsigned{e.type}, unsigned{e.code});
}

std::string icmp_error_text(const model::IcmpErrorInfo& e) {
  return fmt::format("{} ({} type {} code {}) from {}", icmp_meaning(e), e.from.is_v6() ? "ICMPv6" : "ICMP", e.type, e.code,
                     e.from.to_string());
}

std::string send_error_text(const model::SendError& e) {
  if (e.tries > 1) return fmt::format("send: {} (after {} tries with back-off)", std::strerror(e.err), e.tries);
  return fmt::format("send: {}", std::strerror(e.err));
}

std::string describe(const model::NotRun& n) {
  using model::Cause;
  switch (n.cause) {
    case Cause::no_privilege: return "needs " + n.detail;
    case Cause::interrupted: return "interrupted";
    case Cause::not_applicable: return n.detail.empty() ? "not applicable" : n.detail;
    case Cause::below_failure: return "no address";
    case Cause::send_error: return n.detail;
    case Cause::lookup_failed: return n.detail;
    case Cause::no_socket: return n.detail;
    case Cause::link_without_arp: return fmt::format("{} has no ARP", n.detail);
    case Cause::no_source: return fmt::format("no address or MAC on {} to send from", n.detail);
  }
  return n.detail;
}

std::string tcp_detail(const model::TcpResult& t) {
  using model::TcpSignal;
  switch (t.signal) {
    case TcpSignal::syn_ack: return "SYN-ACK";
    case TcpSignal::rst: return "RST";
    case TcpSignal::connected: return "connected";
    case TcpSignal::refused: return "connection refused";
    case TcpSignal::icmp_error: return t.error ? icmp_meaning(*t.error) : "ICMP error";
    case TcpSignal::errno_reject: return std::strerror(t.err);
    case TcpSignal::no_answer: return "no answer";
    case TcpSignal::connect_timeout: return "no answer (connect timed out)";
    case TcpSignal::send_failed: return send_error_text({t.err, t.tries});
    case TcpSignal::socket_failed:
      if (t.err == EMFILE || t.err == ENFILE) return "no socket: too many open files (raise `ulimit -n`, or probe fewer ports at once)";
      return fmt::format("socket: {}", std::strerror(t.err));
    case TcpSignal::bind_failed: return fmt::format("cannot bind to interface: {}", std::strerror(t.err));
    case TcpSignal::other_error: return std::strerror(t.err);
    case TcpSignal::interrupted: return "interrupted";
  }
  return "";
}

std::string state_words(const model::NeighEntry& e) {
  std::string s = model::neigh_state_name(e.state);
  for (auto& f : model::neigh_flag_names(e)) s += " " + f;
  return s;
}

std::string entry_words(const model::NeighEntry& e) {
  return (e.mac ? e.mac->to_string() : std::string("no MAC")) + " " + state_words(e);
}

std::string owner_words(model::NeighOwner o) {
  switch (o) {
    case model::NeighOwner::external_agent:
      return "an external agent such as the CNI (Cilium installs managed extern_learn entries)";
    case model::NeighOwner::administrator:
      return "an administrator, a script or a CNI (PERMANENT entries are set by hand)";
    case model::NeighOwner::kernel: return "the kernel";
  }
  return "the kernel";
}

std::string neigh_replace_command(const wire::IpAddr& ip, const wire::Mac& mac, const std::string& dev) {
  return fmt::format("ip neigh replace {} lladdr {} dev {} nud reachable", ip.to_string(), mac.to_string(), dev);
}

std::string neigh_delete_command(const wire::IpAddr& ip, const std::string& dev) {
  return fmt::format("ip neigh del {} dev {}", ip.to_string(), dev);
}

}  // namespace vpcprobe::render
