#include "vpcprobe/probe/icmp.hpp"

#include <linux/filter.h>
#include <netinet/icmp6.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "vpcprobe/net/inet.hpp"
#include "vpcprobe/sys/socket_options.hpp"

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
  EchoOperation(asio::io_context& io, net::Channel& ch, const FamilyOps& family, model::ProbeMethod method, EchoSpec spec,
                std::function<void(model::EchoResult)> done)
      : ProbeOperation(io, std::move(done)), channel_(ch), family_(family), method_(method), spec_(spec) {
    result_.seq = spec_.display_seq;
  }

  void start() {
    auto self = shared_from_this();
    listener_ = channel_.subscribe([self](const net::Received& rx) { return self->on_datagram(rx); });
    auto packet = family_.encode_echo(spec_.id, spec_.wire_seq, echo_payload(spec_.payload_size, spec_.tag));
    auto sent = channel_.send(packet, net::SockAddr(spec_.target));
    if (!sent) {
      result_.outcome = model::EchoOutcome::send_error;
      result_.send_error = sent.error();
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
    const bool raw = method_ == model::ProbeMethod::raw;
    auto ev = raw ? family_.read_raw_icmp(rx) : family_.read_ping_socket(rx);
    if (!ev) return false;
    if (ev->kind == IcmpEvent::Kind::echo_reply) {
      // A ping socket's id is the kernel's business (it demultiplexes by it); a raw socket's is ours.
      if (ev->from != spec_.target || ev->seq != spec_.wire_seq || (raw && ev->id != spec_.id) ||
          !tag_matches(ev->payload, spec_.payload_size, spec_.tag))
        return false;
      reply(rx, ev->hops, ev->bytes);
      return true;
    }
    if (raw) {
      // Only an error that quotes exactly this echo answers it.
      const auto& q = ev->quoted;
      if (!q || q->kind != QuotedProbe::Kind::echo || q->dst != spec_.target || q->id != spec_.id || q->seq != spec_.wire_seq)
        return false;
    } else if (ev->seq != spec_.wire_seq) {
      return false;
    }
    error(rx, ev->error);
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
  const FamilyOps& family_;
  model::ProbeMethod method_;
  EchoSpec spec_;
  net::Clock::time_point sent_at_{};
  int listener_ = 0;
};

}  // namespace

OperationPtr async_echo(asio::io_context& io, net::Channel& channel, const FamilyOps& family, model::ProbeMethod method,
                        const EchoSpec& spec, std::function<void(model::EchoResult)> done) {
  auto op = std::make_shared<EchoOperation>(io, channel, family, method, spec, std::move(done));
  op->start();
  return op;
}

Result<void> filter_echo_replies(net::Channel& channel, const FamilyOps& family, std::uint16_t id) {
  if (family.family == wire::Family::v6) {
    // The kernel's ICMPv6 type filter (set when the socket was opened) lets only echo replies and
    // the errors through; this is the same id check, with no IP header in front.
    sock_filter code6[] = {
        {BPF_LD | BPF_B | BPF_ABS, 0, 0, 0},                       // A = ICMPv6 type
        {BPF_JMP | BPF_JEQ | BPF_K, 0, 3, ICMP6_ECHO_REPLY},       // echo reply? else accept (errors)
        {BPF_LD | BPF_H | BPF_ABS, 0, 0, 4},                       // A = id
        {BPF_JMP | BPF_JEQ | BPF_K, 1, 0, id},                     // ours? accept : drop
        {BPF_RET | BPF_K, 0, 0, 0},
        {BPF_RET | BPF_K, 0, 0, 0xffffffffu},
    };
    sock_fprog prog6{static_cast<unsigned short>(std::size(code6)), code6};
    if (::setsockopt(channel.native(), SOL_SOCKET, SO_ATTACH_FILTER, &prog6, sizeof prog6) != 0)
      return fail(Errc::system, fmt::format("ICMPv6 socket filter: {}", std::strerror(errno)));
    return {};
  }
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

Result<std::uint16_t> bind_ping_socket(net::Channel& channel, const FamilyOps& family, std::uint16_t id) {
  for (int attempt = 0; attempt < 16; ++attempt) {
    auto candidate = static_cast<std::uint16_t>(id + attempt * 7919);
    if (candidate == 0) continue;
    auto bound = sys::bind_local_port(channel.native(), family.family, candidate);
    if (bound) return candidate;
    if (bound.error().code != Errc::not_found) return fail(Errc::system, "ping socket " + bound.error().message);
  }
  return fail(Errc::system, "ping socket bind: no free identifier");
}

Result<std::uint16_t> claim_echo_id(net::Channel& channel, const FamilyOps& family, model::ProbeMethod method, std::uint16_t id) {
  if (method == model::ProbeMethod::ping_socket) return bind_ping_socket(channel, family, id);
  if (auto ok = filter_echo_replies(channel, family, id); !ok) return std::unexpected(ok.error());
  return id;
}

}  // namespace vpcprobe::probe

#include "vpcprobe/wire/identity.hpp"

namespace vpcprobe::probe {

std::shared_ptr<Schedule> async_echo_series(asio::io_context& io, net::Channel& channel, const FamilyOps& family,
                                            model::ProbeMethod method, const wire::Identity& identity, const EchoSeries& series,
                                            std::function<void(std::size_t, model::EchoResult)> each, std::function<void()> done) {
  auto schedule = std::make_shared<Schedule>(
      io, Schedule::evenly(series.count, series.interval),
      [&io, &channel, &family, method, identity, series, each](int i, std::function<void()> completed) {
        EchoSpec spec;
        spec.target = series.target;
        spec.id = series.id;
        spec.wire_seq = static_cast<std::uint16_t>(identity.seq_base() + i);
        spec.display_seq = i + 1;
        spec.payload_size = series.payload_size;
        spec.tag = identity.payload_tag(spec.wire_seq);
        spec.timeout = series.timeout;
        return async_echo(io, channel, family, method, spec, [each, i, completed](model::EchoResult r) {
          each(static_cast<std::size_t>(i), r);
          completed();
        });
      },
      std::move(done));
  schedule->start();
  return schedule;
}

}  // namespace vpcprobe::probe
