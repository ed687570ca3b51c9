#include "vpcprobe/probe/tcp.hpp"

#include <algorithm>
#include <cerrno>
#include <memory>

#include "vpcprobe/net/inet.hpp"
#include "vpcprobe/sys/socket_options.hpp"
#include "vpcprobe/wire/icmp.hpp"
#include "vpcprobe/wire/tcp.hpp"

namespace vpcprobe::probe {

namespace {

using namespace std::chrono;

double ms_since(steady_clock::time_point t0) { return duration<double, std::milli>(steady_clock::now() - t0).count(); }

class SynOperation : public ProbeOperation<model::TcpResult>, public std::enable_shared_from_this<SynOperation> {
 public:
  SynOperation(asio::io_context& io, net::Channel& tcp, net::Channel* icmp, const FamilyOps& family, SynSpec spec,
               std::function<void(model::TcpResult)> done)
      : ProbeOperation(io, std::move(done)), tcp_(tcp), icmp_(icmp), family_(family), spec_(spec) {
    result_.port = spec_.dport;
    result_.attempt = spec_.attempt;
  }

  void start() {
    auto self = shared_from_this();
    tcp_listener_ = tcp_.subscribe([self](const net::Received& rx) { return self->on_tcp(rx); });
    if (icmp_) icmp_listener_ = icmp_->subscribe([self](const net::Received& rx) { return self->on_icmp(rx); });
    auto syn = wire::encode_tcp_syn(spec_.src, spec_.dst, spec_.sport, spec_.dport, spec_.isn);
    auto sent = send(syn);
    if (!sent) {
      result_.state = model::TcpState::error;
      result_.signal = model::TcpSignal::send_failed;
      result_.err = sent.error().err;
      result_.tries = sent.error().tries;
      finish();
      return;
    }
    sent_at_ = *sent;
    timer_.expires_after(spec_.timeout);
    timer_.async_wait([self](boost::system::error_code ec) {
      if (ec) return;
      self->result_.state = model::TcpState::filtered;
      self->result_.signal = model::TcpSignal::no_answer;
      self->finish();
    });
  }

  void cancel() override {
    if (finished_) return;
    result_.state = model::TcpState::interrupted;
    result_.signal = model::TcpSignal::interrupted;
    finish();
  }

 private:
  net::SendResult send(const wire::Bytes& segment) { return tcp_.send(segment, net::SockAddr(spec_.dst)); }

  bool on_tcp(const net::Received& rx) {
    if (finished_) return false;
    auto raw = family_.read_raw_tcp(rx);
    if (!raw || raw->src != spec_.dst || raw->dst != spec_.src) return false;
    // No checksum check here: segments from a local or virtual peer (veth) reach raw sockets with
    // CHECKSUM_PARTIAL, i.e. only the pseudo-header sum filled in. The 32-bit ack of our secret
    // ISN plus the exact 4-tuple is what makes a segment ours.
    auto seg = wire::decode_tcp(raw->segment);
    if (!seg || seg->sport != spec_.dport || seg->dport != spec_.sport) return false;
    // Both answers must acknowledge exactly our ISN; anything else is someone else's segment.
    if (!seg->has(wire::tcp_flag::ack) || seg->ack != spec_.isn + 1) return false;
    result_.rtt_ms = rtt(rx);
    if (seg->has(wire::tcp_flag::syn)) {
      result_.state = model::TcpState::open;
      result_.signal = model::TcpSignal::syn_ack;
      // Close what we half-opened (the kernel would also RST it, having no socket for it).
      (void)send(wire::encode_tcp_rst(spec_.src, spec_.dst, spec_.sport, spec_.dport, spec_.isn + 1));
    } else if (seg->has(wire::tcp_flag::rst)) {
      result_.state = model::TcpState::closed;
      result_.signal = model::TcpSignal::rst;
    } else {
      return false;
    }
    finish();
    return true;
  }

  bool on_icmp(const net::Received& rx) {
    if (finished_) return false;
    auto ev = family_.read_raw_icmp(rx);
    if (!ev || ev->kind != IcmpEvent::Kind::error || !ev->quoted) return false;
    const auto& q = *ev->quoted;
    if (q.kind != QuotedProbe::Kind::tcp || q.src != spec_.src || q.dst != spec_.dst || q.sport != spec_.sport ||
        q.dport != spec_.dport || q.tcp_seq != spec_.isn)
      return false;
    result_.rtt_ms = rtt(rx);
    result_.state = model::TcpState::rejected;
    result_.signal = model::TcpSignal::icmp_error;
    result_.error = ev->error;
    finish();
    return true;
  }

  double rtt(const net::Received& rx) const {
    return std::max(0.0, duration<double, std::milli>(rx.kernel_time - sent_at_).count());
  }

  void finish() { complete(); }
  void release() override {
    tcp_.unsubscribe(tcp_listener_);
    if (icmp_) icmp_->unsubscribe(icmp_listener_);
  }

  net::Channel& tcp_;
  net::Channel* icmp_;
  const FamilyOps& family_;
  SynSpec spec_;
  net::Clock::time_point sent_at_{};
  int tcp_listener_ = 0, icmp_listener_ = 0;
};

class ConnectOperation : public ProbeOperation<model::TcpResult>, public std::enable_shared_from_this<ConnectOperation> {
 public:
  ConnectOperation(asio::io_context& io, ConnectSpec spec, std::function<void(model::TcpResult)> done)
      : ProbeOperation(io, std::move(done)), spec_(std::move(spec)), socket_(io) {
    result_.port = spec_.port;
    result_.attempt = spec_.attempt;
  }

  void start() {
    boost::system::error_code ec;
    asio::ip::tcp::endpoint ep(net::to_asio(spec_.dst), spec_.port);
    socket_.open(ep.protocol(), ec);
    if (ec) return fail_now(model::TcpSignal::socket_failed, ec.value());
    // The ICMP error that fails (or only slows) a connect() is queued on the error queue.
    sys::SocketOptions opts;
    opts.error_queue = true;
    opts.hop_limit = false;
    opts.bind_device = spec_.bind_device;
    if (auto ok = sys::apply_socket_options(socket_.native_handle(), spec_.dst.family(), opts); !ok)
      return fail_now(spec_.bind_device.empty() ? model::TcpSignal::other_error : model::TcpSignal::bind_failed, ok.error().sys_errno);
    started_ = steady_clock::now();
    auto self = shared_from_this();
    socket_.async_connect(ep, [self](boost::system::error_code e) { self->on_connect(e); });
    // An ICMP error that arrives while connect() still holds the socket lock becomes a "soft"
    // error: the kernel retries the SYN instead of failing the connect. It is queued on the error
    // queue all the same (IP_RECVERR), so we watch that too.
    socket_.async_wait(asio::socket_base::wait_error, [self](boost::system::error_code e) {
      if (e || self->finished_) return;
      self->result_.rtt_ms = ms_since(self->started_);
      if (self->read_queued_icmp()) {
        self->result_.state = model::TcpState::rejected;
        self->result_.signal = model::TcpSignal::icmp_error;
        self->finish();
      }
    });
    timer_.expires_after(spec_.timeout);
    timer_.async_wait([self](boost::system::error_code e) {
      if (e || self->finished_) return;
      if (self->read_queued_icmp()) {
        self->result_.state = model::TcpState::rejected;
        self->result_.signal = model::TcpSignal::icmp_error;
      } else {
        self->result_.state = model::TcpState::filtered;
        self->result_.signal = model::TcpSignal::connect_timeout;
      }
      self->finish();
    });
  }

  void cancel() override {
    if (finished_) return;
    result_.state = model::TcpState::interrupted;
    result_.signal = model::TcpSignal::interrupted;
    finish();
  }

 private:
  void fail_now(model::TcpSignal why, int err) {
    result_.state = model::TcpState::error;
    result_.signal = why;
    result_.err = err;
    finish();
  }

  void on_connect(boost::system::error_code ec) {
    if (finished_) return;
    result_.rtt_ms = ms_since(started_);
    // Reset before connect() returned: the handshake had completed (a RST to the SYN itself is
    // ECONNREFUSED), so the port is open and the service dropped the connection at once.
    if (!ec || ec == asio::error::connection_reset) {
      result_.state = model::TcpState::open;
      result_.signal = model::TcpSignal::connected;
    } else if (ec == asio::error::connection_refused) {
      result_.state = model::TcpState::closed;
      result_.signal = model::TcpSignal::refused;
    } else if (ec == asio::error::access_denied && read_queued_icmp()) {
      // IPv6: an administratively prohibited (or reject-route) answer fails connect() with EACCES,
      // like a local refusal; the queued ICMPv6 error tells them apart.
      result_.state = model::TcpState::rejected;
      result_.signal = model::TcpSignal::icmp_error;
    } else if (ec.value() == EPERM || ec == asio::error::access_denied) {
      // Refused by this host before the SYN left: a local netfilter (or LSM) rule.
      result_.state = model::TcpState::error;
      result_.signal = model::TcpSignal::send_failed;
      result_.err = ec.value();
      result_.tries = 1;
    } else if (ec == asio::error::host_unreachable || ec == asio::error::network_unreachable || ec.value() == EHOSTDOWN ||
               ec.value() == ENONET || ec.value() == EPROTO) {
      result_.state = model::TcpState::rejected;
      result_.signal = model::TcpSignal::errno_reject;
      result_.err = ec.value();
      if (read_queued_icmp()) result_.signal = model::TcpSignal::icmp_error;
    } else if (ec == asio::error::operation_aborted) {
      return;
    } else {
      result_.state = model::TcpState::error;
      result_.signal = model::TcpSignal::other_error;
      result_.err = ec.value();
    }
    finish();
  }

  // With IP_RECVERR the kernel queues the ICMP error that failed the connect; it tells the exact
  // type/code and the router, which errno alone does not (admin-prohibited and host-unreachable
  // both become EHOSTUNREACH).
  bool read_queued_icmp() {
    auto ee = net::read_error_queue(socket_.native_handle());
    if (!ee || !ee->from_icmp()) return false;
    const bool too_big = ee->origin == 3 ? ee->type == 2 /* ICMPv6 packet too big */
                                         : ee->type == wire::icmp_type::dest_unreachable && ee->code == wire::unreach_code::frag_needed;
    auto mtu = static_cast<std::uint16_t>(too_big ? std::min<std::uint32_t>(ee->info, 65535) : 0);
    result_.error = model::IcmpErrorInfo{ee->type, ee->code, mtu, ee->offender.value_or(wire::IpAddr{})};
    return true;
  }

  void finish() { complete(); }
  void release() override {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

  ConnectSpec spec_;
  asio::ip::tcp::socket socket_;
  steady_clock::time_point started_;
};

}  // namespace

OperationPtr async_tcp_syn(asio::io_context& io, net::Channel& tcp, net::Channel* icmp, const FamilyOps& family,
                           const SynSpec& spec, std::function<void(model::TcpResult)> done) {
  auto op = std::make_shared<SynOperation>(io, tcp, icmp, family, spec, std::move(done));
  op->start();
  return op;
}

OperationPtr async_tcp_connect(asio::io_context& io, const ConnectSpec& spec, std::function<void(model::TcpResult)> done) {
  auto op = std::make_shared<ConnectOperation>(io, spec, std::move(done));
  op->start();
  return op;
}

}  // namespace vpcprobe::probe

#include "vpcprobe/wire/identity.hpp"

namespace vpcprobe::probe {

std::shared_ptr<Schedule> async_tcp_sweep(asio::io_context& io, net::Channel* tcp_raw, net::Channel* icmp, const FamilyOps& family,
                                          const wire::Identity& identity, const TcpSweep& sweep,
                                          std::function<void(std::size_t, model::TcpResult)> each, std::function<void()> done) {
  struct Item {
    std::uint16_t port;
    int attempt;
  };
  auto items = std::make_shared<std::vector<Item>>();
  std::vector<Schedule::Duration> offsets;
  for (int a = 1; a <= sweep.rounds; ++a)
    for (auto p : sweep.ports) {
      items->push_back({p, a});
      offsets.push_back(sweep.interval * (a - 1));
    }
  if (!tcp_raw && sweep.max_in_flight > 0 && sweep.max_in_flight < items->size()) {
    // A batch starts when the previous one has surely timed out: slower, never broken.
    const auto batch_gap = sweep.timeout + std::chrono::milliseconds(50);
    for (std::size_t k = 0; k < items->size(); ++k)
      offsets[k] = std::max<Schedule::Duration>(offsets[k], batch_gap * static_cast<long>(k / sweep.max_in_flight));
  }
  auto schedule = std::make_shared<Schedule>(
      io, offsets,
      [&io, tcp_raw, icmp, &family, identity, sweep, items, each](int i, std::function<void()> completed) {
        const auto& item = (*items)[static_cast<std::size_t>(i)];
        auto on_done = [each, i, completed](model::TcpResult r) {
          each(static_cast<std::size_t>(i), r);
          completed();
        };
        if (tcp_raw) {
          SynSpec spec;
          spec.src = sweep.src;
          spec.dst = sweep.dst;
          spec.dport = item.port;
          spec.sport = identity.tcp_source_port(i);
          spec.isn = identity.tcp_isn(spec.src, spec.dst, spec.sport, spec.dport);
          spec.attempt = item.attempt;
          spec.timeout = sweep.timeout;
          return async_tcp_syn(io, *tcp_raw, icmp, family, spec, on_done);
        }
        return async_tcp_connect(io, ConnectSpec{sweep.dst, item.port, item.attempt, sweep.timeout, sweep.bind_device}, on_done);
      },
      std::move(done));
  schedule->start();
  return schedule;
}

}  // namespace vpcprobe::probe
