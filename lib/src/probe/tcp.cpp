#include "vpcprobe/probe/tcp.hpp"

#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>

#include "vpcprobe/wire/icmp.hpp"
#include "vpcprobe/wire/ipv4.hpp"
#include "vpcprobe/wire/tcp.hpp"

namespace vpcprobe::probe {

namespace {

using namespace std::chrono;

double ms_since(steady_clock::time_point t0) { return duration<double, std::milli>(steady_clock::now() - t0).count(); }

class SynOperation : public ProbeOperation<model::TcpResult>, public std::enable_shared_from_this<SynOperation> {
 public:
  SynOperation(asio::io_context& io, net::Channel& tcp, net::Channel* icmp, SynSpec spec,
               std::function<void(model::TcpResult)> done)
      : ProbeOperation(io, std::move(done)), tcp_(tcp), icmp_(icmp), spec_(spec) {
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
      result_.detail = sent.error().message;
      finish();
      return;
    }
    sent_at_ = *sent;
    timer_.expires_after(spec_.timeout);
    timer_.async_wait([self](boost::system::error_code ec) {
      if (ec) return;
      self->result_.state = model::TcpState::filtered;
      self->result_.detail = "no answer";
      self->finish();
    });
  }

  void cancel() override {
    if (finished_) return;
    result_.state = model::TcpState::interrupted;
    finish();
  }

 private:
  Result<net::Clock::time_point> send(const wire::Bytes& segment) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(spec_.dst.value);
    return tcp_.send(segment, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  }

  bool on_tcp(const net::Received& rx) {
    if (finished_) return false;
    auto ip = wire::decode_ipv4(rx.bytes);
    if (!ip || ip->header.protocol != wire::kProtoTcp || ip->header.src != spec_.dst || ip->header.dst != spec_.src)
      return false;
    // No checksum check here: segments from a local or virtual peer (veth) reach raw sockets with
    // CHECKSUM_PARTIAL, i.e. only the pseudo-header sum filled in. The 32-bit ack of our secret
    // ISN plus the exact 4-tuple is what makes a segment ours.
    auto seg = wire::decode_tcp(ip->payload);
    if (!seg || seg->sport != spec_.dport || seg->dport != spec_.sport) return false;
    // Both answers must acknowledge exactly our ISN; anything else is someone else's segment.
    if (!seg->has(wire::tcp_flag::ack) || seg->ack != spec_.isn + 1) return false;
    result_.rtt_ms = rtt(rx);
    if (seg->has(wire::tcp_flag::syn)) {
      result_.state = model::TcpState::open;
      result_.detail = "SYN-ACK";
      // Close what we half-opened (the kernel would also RST it, having no socket for it).
      (void)send(wire::encode_tcp_rst(spec_.src, spec_.dst, spec_.sport, spec_.dport, spec_.isn + 1));
    } else if (seg->has(wire::tcp_flag::rst)) {
      result_.state = model::TcpState::closed;
      result_.detail = "RST";
    } else {
      return false;
    }
    finish();
    return true;
  }

  bool on_icmp(const net::Received& rx) {
    if (finished_) return false;
    auto ip = wire::decode_ipv4(rx.bytes);
    if (!ip || ip->header.protocol != wire::kProtoIcmp) return false;
    auto icmp = wire::decode_icmp(ip->payload);
    if (!icmp || !icmp->checksum_ok || !icmp->is_error()) return false;
    auto err = wire::decode_icmp_error(*icmp);
    if (!err) return false;
    auto q = wire::quoted_tcp(*err);
    if (!q || q->src != spec_.src || q->dst != spec_.dst || q->sport != spec_.sport || q->dport != spec_.dport ||
        q->seq != spec_.isn)
      return false;
    result_.rtt_ms = rtt(rx);
    result_.state = model::TcpState::rejected;
    result_.error = model::IcmpErrorInfo{err->type, err->code, err->next_hop_mtu, ip->header.src,
                                         wire::icmp_error_meaning(err->type, err->code, err->next_hop_mtu)};
    result_.detail = result_.error->meaning;
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
    socket_.open(asio::ip::tcp::v4(), ec);
    if (ec == boost::system::errc::too_many_files_open)
      return fail_now("no socket: too many open files (raise `ulimit -n`, or probe fewer ports at once)");
    if (ec) return fail_now("socket: " + ec.message());
    int one = 1;
    ::setsockopt(socket_.native_handle(), IPPROTO_IP, IP_RECVERR, &one, sizeof one);
    if (!spec_.bind_device.empty() &&
        ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_BINDTODEVICE, spec_.bind_device.c_str(),
                     static_cast<socklen_t>(spec_.bind_device.size())) != 0)
      return fail_now(std::string("cannot bind to interface: ") + std::strerror(errno));
    started_ = steady_clock::now();
    auto self = shared_from_this();
    asio::ip::tcp::endpoint ep(asio::ip::address_v4(spec_.dst.value), spec_.port);
    socket_.async_connect(ep, [self](boost::system::error_code e) { self->on_connect(e); });
    // An ICMP error that arrives while connect() still holds the socket lock becomes a "soft"
    // error: the kernel retries the SYN instead of failing the connect. It is queued on the error
    // queue all the same (IP_RECVERR), so we watch that too.
    socket_.async_wait(asio::socket_base::wait_error, [self](boost::system::error_code e) {
      if (e || self->finished_) return;
      self->result_.rtt_ms = ms_since(self->started_);
      if (self->read_queued_icmp()) {
        self->result_.state = model::TcpState::rejected;
        self->finish();
      }
    });
    timer_.expires_after(spec_.timeout);
    timer_.async_wait([self](boost::system::error_code e) {
      if (e || self->finished_) return;
      if (self->read_queued_icmp()) {
        self->result_.state = model::TcpState::rejected;
      } else {
        self->result_.state = model::TcpState::filtered;
        self->result_.detail = "no answer (connect timed out)";
      }
      self->finish();
    });
  }

  void cancel() override {
    if (finished_) return;
    result_.state = model::TcpState::interrupted;
    finish();
  }

 private:
  void fail_now(std::string what) {
    result_.state = model::TcpState::error;
    result_.detail = std::move(what);
    finish();
  }

  void on_connect(boost::system::error_code ec) {
    if (finished_) return;
    result_.rtt_ms = ms_since(started_);
    if (!ec) {
      result_.state = model::TcpState::open;
      result_.detail = "connected";
    } else if (ec == asio::error::connection_refused) {
      result_.state = model::TcpState::closed;
      result_.detail = "connection refused";
    } else if (ec == asio::error::host_unreachable || ec == asio::error::network_unreachable ||
               ec == asio::error::access_denied || ec.value() == EPERM || ec.value() == EHOSTDOWN ||
               ec.value() == ENONET || ec.value() == EPROTO) {
      result_.state = model::TcpState::rejected;
      result_.detail = ec.message();
      read_queued_icmp();
    } else if (ec == asio::error::operation_aborted) {
      return;
    } else {
      result_.state = model::TcpState::error;
      result_.detail = ec.message();
    }
    finish();
  }

  // With IP_RECVERR the kernel queues the ICMP error that failed the connect; it tells the exact
  // type/code and the router, which errno alone does not (admin-prohibited and host-unreachable
  // both become EHOSTUNREACH).
  bool read_queued_icmp() {
    std::array<std::uint8_t, 256> data{};
    alignas(cmsghdr) std::array<char, 512> control{};
    iovec iov{data.data(), data.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    if (::recvmsg(socket_.native_handle(), &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) return false;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != IPPROTO_IP || c->cmsg_type != IP_RECVERR || c->cmsg_len < CMSG_LEN(sizeof(sock_extended_err)))
        continue;
      sock_extended_err ee;
      std::memcpy(&ee, CMSG_DATA(c), sizeof ee);
      if (ee.ee_origin != SO_EE_ORIGIN_ICMP) continue;
      wire::Ipv4 from;
      if (c->cmsg_len >= CMSG_LEN(sizeof ee + sizeof(sockaddr_in))) {
        sockaddr_in off;
        std::memcpy(&off, CMSG_DATA(c) + sizeof ee, sizeof off);
        from = wire::Ipv4{ntohl(off.sin_addr.s_addr)};
      }
      auto mtu = static_cast<std::uint16_t>(ee.ee_code == wire::unreach_code::frag_needed ? ee.ee_info : 0);
      result_.error = model::IcmpErrorInfo{ee.ee_type, ee.ee_code, mtu, from, wire::icmp_error_meaning(ee.ee_type, ee.ee_code, mtu)};
      result_.detail = result_.error->meaning;
      return true;
    }
    return false;
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

OperationPtr async_tcp_syn(asio::io_context& io, net::Channel& tcp, net::Channel* icmp, const SynSpec& spec,
                           std::function<void(model::TcpResult)> done) {
  auto op = std::make_shared<SynOperation>(io, tcp, icmp, spec, std::move(done));
  op->start();
  return op;
}

OperationPtr async_tcp_connect(asio::io_context& io, const ConnectSpec& spec, std::function<void(model::TcpResult)> done) {
  auto op = std::make_shared<ConnectOperation>(io, spec, std::move(done));
  op->start();
  return op;
}

}  // namespace vpcprobe::probe
