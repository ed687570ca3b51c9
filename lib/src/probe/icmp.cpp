#include "vpcprobe/probe/icmp.hpp"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "vpcprobe/wire/icmp.hpp"
#include "vpcprobe/wire/ipv4.hpp"

namespace vpcprobe::probe {

namespace {

using namespace std::chrono;

wire::Bytes echo_payload(std::size_t size, std::uint64_t tag) {
  wire::Bytes p(size);
  for (std::size_t i = 0; i < size; ++i)
    p[i] = i < 8 ? static_cast<std::uint8_t>(tag >> (56 - 8 * i)) : static_cast<std::uint8_t>(0x10 + i);
  return p;
}

bool tag_matches(wire::ByteView payload, std::size_t sent_size, std::uint64_t tag) {
  if (payload.size() != sent_size) return false;
  auto expected = echo_payload(std::min<std::size_t>(sent_size, 8), tag);
  return std::equal(expected.begin(), expected.end(), payload.begin());
}

class EchoOperation : public ProbeOperation<model::EchoResult>, public std::enable_shared_from_this<EchoOperation> {
 public:
  EchoOperation(asio::io_context& io, net::Channel& ch, model::ProbeMethod method, EchoSpec spec,
                std::function<void(model::EchoResult)> done)
      : ProbeOperation(io, std::move(done)), channel_(ch), method_(method), spec_(spec) {
    result_.seq = spec_.display_seq;
  }

  void start() {
    auto self = shared_from_this();
    listener_ = channel_.subscribe([self](const net::Received& rx) { return self->on_datagram(rx); });
    auto packet = wire::encode_echo_request(spec_.id, spec_.wire_seq, echo_payload(spec_.payload_size, spec_.tag));
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(spec_.target.value);
    auto sent = channel_.send(packet, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    if (!sent) {
      result_.outcome = model::EchoOutcome::send_error;
      result_.send_error = sent.error().message;
      finish();
      return;
    }
    sent_at_ = *sent;
    timer_.expires_after(spec_.timeout);
    timer_.async_wait([self](boost::system::error_code ec) {
      if (ec) return;
      self->result_.outcome = model::EchoOutcome::timeout;
      self->finish();
    });
  }

  void cancel() override {
    if (finished_) return;
    result_.outcome = model::EchoOutcome::interrupted;
    finish();
  }

 private:
  bool on_datagram(const net::Received& rx) {
    if (finished_) return false;
    return method_ == model::ProbeMethod::raw ? on_raw(rx) : on_ping_socket(rx);
  }

  bool on_raw(const net::Received& rx) {
    auto ip = wire::decode_ipv4(rx.bytes);
    if (!ip || ip->header.protocol != wire::kProtoIcmp) return false;
    auto icmp = wire::decode_icmp(ip->payload);
    if (!icmp || !icmp->checksum_ok) return false;
    if (icmp->type == wire::icmp_type::echo_reply) {
      if (ip->header.src != spec_.target || icmp->echo_id() != spec_.id || icmp->echo_seq() != spec_.wire_seq ||
          !tag_matches(icmp->body, spec_.payload_size, spec_.tag))
        return false;
      reply(rx, ip->header.ttl, ip->payload.size());
      return true;
    }
    if (!icmp->is_error()) return false;
    auto err = wire::decode_icmp_error(*icmp);
    if (!err) return false;
    auto quoted = wire::quoted_echo(*err);
    if (!quoted || quoted->dst != spec_.target || quoted->id != spec_.id || quoted->seq != spec_.wire_seq) return false;
    error(rx, model::IcmpErrorInfo{err->type, err->code, err->next_hop_mtu, ip->header.src,
                                   wire::icmp_error_meaning(err->type, err->code, err->next_hop_mtu)});
    return true;
  }

  bool on_ping_socket(const net::Received& rx) {
    auto icmp = wire::decode_icmp(rx.bytes);
    if (!icmp) return false;
    if (rx.queued_error) {
      // The error queue hands back the echo we sent; the kernel already rewrote its id.
      const auto& ee = *rx.queued_error;
      if (icmp->type != wire::icmp_type::echo_request || icmp->echo_seq() != spec_.wire_seq) return false;
      if (ee.origin != 2 /* SO_EE_ORIGIN_ICMP */) return false;
      auto mtu = static_cast<std::uint16_t>(ee.type == wire::icmp_type::dest_unreachable &&
                                                    ee.code == wire::unreach_code::frag_needed ? ee.info : 0);
      error(rx, model::IcmpErrorInfo{ee.type, ee.code, mtu, ee.offender.value_or(wire::Ipv4{}),
                                     wire::icmp_error_meaning(ee.type, ee.code, mtu)});
      return true;
    }
    if (icmp->type != wire::icmp_type::echo_reply || icmp->echo_seq() != spec_.wire_seq ||
        !rx.from || *rx.from != spec_.target || !tag_matches(icmp->body, spec_.payload_size, spec_.tag))
      return false;
    reply(rx, rx.ttl, rx.bytes.size());
    return true;
  }

  void reply(const net::Received& rx, std::optional<std::uint8_t> ttl, std::size_t bytes) {
    result_.outcome = model::EchoOutcome::reply;
    result_.rtt_ms = std::max(0.0, duration<double, std::milli>(rx.kernel_time - sent_at_).count());
    result_.ttl = ttl;
    result_.bytes = bytes;
    finish();
  }

  void error(const net::Received& rx, model::IcmpErrorInfo info) {
    result_.outcome = model::EchoOutcome::icmp_error;
    result_.rtt_ms = std::max(0.0, duration<double, std::milli>(rx.kernel_time - sent_at_).count());
    result_.error = std::move(info);
    finish();
  }

  void finish() { complete(); }
  void release() override { channel_.unsubscribe(listener_); }

  net::Channel& channel_;
  model::ProbeMethod method_;
  EchoSpec spec_;
  net::Clock::time_point sent_at_{};
  int listener_ = 0;
};

}  // namespace

OperationPtr async_echo(asio::io_context& io, net::Channel& channel, model::ProbeMethod method, const EchoSpec& spec,
                        std::function<void(model::EchoResult)> done) {
  auto op = std::make_shared<EchoOperation>(io, channel, method, spec, std::move(done));
  op->start();
  return op;
}

Result<void> filter_echo_replies(net::Channel& channel, std::uint16_t id) {
  sock_filter code[] = {
      {BPF_LDX | BPF_B | BPF_MSH, 0, 0, 0},         // X = IP header length
      {BPF_LD | BPF_B | BPF_IND, 0, 0, 0},          // A = ICMP type
      {BPF_JMP | BPF_JEQ | BPF_K, 0, 3, 0},         // echo reply? else accept (errors etc.)
      {BPF_LD | BPF_H | BPF_IND, 0, 0, 4},          // A = ICMP id
      {BPF_JMP | BPF_JEQ | BPF_K, 1, 0, id},        // ours? accept : drop
      {BPF_RET | BPF_K, 0, 0, 0},
      {BPF_RET | BPF_K, 0, 0, 0xffffffffu},
  };
  sock_fprog prog{static_cast<unsigned short>(std::size(code)), code};
  if (::setsockopt(channel.native(), SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0)
    return fail(Errc::system, fmt::format("ICMP socket filter: {}", std::strerror(errno)));
  return {};
}

Result<std::uint16_t> bind_ping_socket(net::Channel& channel, std::uint16_t id) {
  for (int attempt = 0; attempt < 16; ++attempt) {
    auto candidate = static_cast<std::uint16_t>(id + attempt * 7919);
    if (candidate == 0) continue;
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_port = htons(candidate);
    if (::bind(channel.native(), reinterpret_cast<const sockaddr*>(&local), sizeof local) == 0) return candidate;
    if (errno != EADDRINUSE) return fail(Errc::system, fmt::format("ping socket bind: {}", std::strerror(errno)));
  }
  return fail(Errc::system, "ping socket bind: no free identifier");
}

}  // namespace vpcprobe::probe
