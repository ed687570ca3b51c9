// One connection, one exchange: connect, send the protocol's first request (or wait for the
// server's greeting), read until the answer is complete, wrong, closed, reset, too long or late.
#include "vpcprobe/probe/app.hpp"

#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <memory>

#include "vpcprobe/net/inet.hpp"
#include "vpcprobe/net/tls.hpp"
#include "vpcprobe/wire/app.hpp"

namespace vpcprobe::probe {

namespace {

using Clock = std::chrono::steady_clock;
using model::AppOutcome;
using model::AppProtocol;
using model::Spoken;

double ms_between(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

Spoken spoken_of(AppProtocol p) {
  switch (p) {
    case AppProtocol::postgres: return Spoken::postgres;
    case AppProtocol::tls: return Spoken::tls;
    case AppProtocol::http: return Spoken::http;
    case AppProtocol::redis: return Spoken::redis;
    case AppProtocol::mysql: return Spoken::mysql;
    case AppProtocol::none: break;
  }
  return Spoken::unknown;
}

class AppOperation : public ProbeOperation<model::AppResult>, public std::enable_shared_from_this<AppOperation> {
 public:
  AppOperation(asio::io_context& io, AppCheckSpec spec, std::function<void(model::AppResult)> done)
      : ProbeOperation(io, std::move(done)), spec_(std::move(spec)), socket_(io) {
    result_.protocol = spec_.app.protocol;
  }

  void start() {
    started_ = Clock::now();
    auto self = shared_from_this();
    timer_.expires_at(spec_.deadline);
    timer_.async_wait([self](boost::system::error_code e) {
      if (!e) self->on_deadline();
    });
    asio::ip::tcp::endpoint ep(net::to_asio(spec_.dst), spec_.port);
    boost::system::error_code ec;
    socket_.open(ep.protocol(), ec);
    if (ec) return end_connect_failed(ec.value());
    socket_.async_connect(ep, [self](boost::system::error_code e) { self->on_connect(e); });
  }

  void cancel() override {
    if (finished_) return;
    result_.outcome = AppOutcome::interrupted;
    finish();
  }

 private:
  enum class Phase { connecting, plain, tls };

  void on_connect(boost::system::error_code ec) {
    if (finished_) return;
    // Reset before connect() returned: the handshake had completed (a reset of a SYN is "refused"),
    // so the service accepted and reset at once.
    if (ec == asio::error::connection_reset) {
      phase_ = Phase::plain;
      return on_read_error(ec);
    }
    if (ec) return end_connect_failed(ec.value());
    connected_ = Clock::now();
    result_.connect_ms = ms_between(started_, connected_);
    phase_ = Phase::plain;
    switch (spec_.app.protocol) {
      case AppProtocol::postgres: return send(wire::postgres_ssl_request());
      case AppProtocol::http: {
        // Host: the name typed, else the address (IPv6 in brackets, RFC 9110)
        const std::string host = !spec_.host.empty() ? spec_.host
                                 : spec_.dst.is_v6()  ? "[" + spec_.dst.to_string() + "]"
                                                      : spec_.dst.to_string();
        return send(wire::http_head(host, spec_.app.http_path, spec_.user_agent));
      }
      case AppProtocol::redis: return send(wire::redis_ping());
      case AppProtocol::mysql:  // the server speaks first
        request_at_ = connected_;
        return read_more();
      case AppProtocol::tls: return start_tls();
      case AppProtocol::none: break;
    }
    result_.outcome = AppOutcome::answered;
    finish();
  }

  void send(wire::Bytes bytes) {
    auto buf = std::make_shared<wire::Bytes>(std::move(bytes));
    result_.bytes_sent += buf->size();
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(*buf), [self, buf](boost::system::error_code ec, std::size_t) {
      if (self->finished_) return;
      if (ec) return self->on_read_error(ec);
      if (self->request_at_ == Clock::time_point{}) self->request_at_ = Clock::now();
      self->read_more();
    });
  }

  void read_more() {
    auto self = shared_from_this();
    socket_.async_read_some(asio::buffer(chunk_), [self](boost::system::error_code ec, std::size_t n) {
      if (self->finished_) return;
      if (ec) return self->on_read_error(ec);
      self->on_bytes(wire::ByteView(self->chunk_.data(), n));
    });
  }

  void on_bytes(wire::ByteView b) {
    if (!result_.first_byte_ms) {
      result_.first_byte_ms = ms_between(request_at_ == Clock::time_point{} ? connected_ : request_at_, Clock::now());
      result_.first_bytes.assign(b.begin(), b.begin() + static_cast<long>(std::min<std::size_t>(b.size(), 16)));
    }
    result_.bytes_received += b.size();
    if (phase_ == Phase::tls) {
      tls_got_ += b.size();
      if (tls_first_.size() < 16) tls_first_.insert(tls_first_.end(), b.begin(), b.begin() + static_cast<long>(std::min<std::size_t>(b.size(), 16 - tls_first_.size())));
      tls_->feed(b);
      if (tls_got_ > spec_.tls_read_limit) return end_tls(true);
      return tls_step();
    }
    const std::size_t room = spec_.read_limit - std::min(spec_.read_limit, got_.size());
    got_.insert(got_.end(), b.begin(), b.begin() + static_cast<long>(std::min(room, b.size())));
    judge_plain(got_.size() >= spec_.read_limit);
  }

  void on_read_error(boost::system::error_code ec) {
    if (ec == asio::error::operation_aborted) return;
    if (ec == asio::error::eof) {
      eof_ = true;
      if (phase_ == Phase::tls) return end_tls(true);
      return judge_plain(true);
    }
    if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe) {
      // A complete answer before the reset still counts.
      if (phase_ == Phase::plain && !got_.empty()) {
        auto r = read(true);
        if (r.state == wire::AppParse::done && !r.tls_follows) return answered(r);
      }
      result_.outcome = AppOutcome::reset;
      result_.err = ec.value();
      return finish();
    }
    // Another error of an established connection (an ICMP error: host or network unreachable):
    // the path broke, the service did not refuse.
    result_.outcome = AppOutcome::connect_failed;
    result_.err = ec.value();
    finish();
  }

  void on_deadline() {
    if (finished_) return;
    // Too little time for what was left to do: connect, ask, and hear the answer take a few round
    // trips (and the service a moment); silence that short says nothing.
    const double had = ms_between(phase_ == Phase::connecting ? started_ : connected_, Clock::now());
    const double needed = (phase_ == Phase::connecting ? 4 : 2) * spec_.syn_rtt_ms + 20;
    const bool nothing_yet = phase_ == Phase::connecting || (got_.empty() && tls_got_ == 0);
    if (nothing_yet && had < needed) {
      result_.outcome = AppOutcome::interrupted;
      result_.out_of_time = true;
      return finish();
    }
    if (phase_ == Phase::connecting) return end_connect_failed(ETIMEDOUT);
    if (phase_ == Phase::tls) return end_tls(true);
    judge_plain(true);
  }

  wire::AppReading read(bool complete) const {
    switch (spec_.app.protocol) {
      case AppProtocol::postgres: return wire::read_postgres(got_);
      case AppProtocol::http: return wire::read_http(got_, complete);
      case AppProtocol::redis: return wire::read_redis(got_);
      case AppProtocol::mysql: return wire::read_mysql(got_);
      default: {
        wire::AppReading r;
        r.state = wire::AppParse::wrong;
        return r;
      }
    }
  }

  // complete: nothing more will be read (closed, the limit, the deadline).
  void judge_plain(bool complete) {
    if (got_.empty()) {
      if (!complete) return read_more();
      result_.outcome = eof_ ? AppOutcome::closed : AppOutcome::silent;
      return finish();
    }
    auto r = read(complete);
    if (r.state == wire::AppParse::need_more && !complete) return read_more();
    if (r.state == wire::AppParse::wrong) {
      result_.outcome = AppOutcome::other_protocol;
      result_.spoke = wire::sniff(got_);
      // What a PostgreSQL server says to a request it does not understand is PostgreSQL all the same.
      return finish();
    }
    if (r.state == wire::AppParse::need_more) {
      result_.outcome = AppOutcome::incomplete;
      result_.spoke = wire::sniff(got_);
      if (result_.spoke == Spoken::unknown) result_.spoke = spoken_of(spec_.app.protocol);
      return finish();
    }
    if (r.tls_follows) {  // PostgreSQL 'S': the handshake follows on this connection
      result_.answer = r.answer;
      return start_tls();
    }
    answered(r);
  }

  void answered(const wire::AppReading& r) {
    result_.outcome = AppOutcome::answered;
    result_.spoke = spoken_of(spec_.app.protocol);
    static_cast<model::AppReply&>(result_) = r;
    finish();
  }

  void start_tls() {
    phase_ = Phase::tls;
    net::TlsOptions o;
    o.sni = spec_.app.sni.empty() ? spec_.host : spec_.app.sni;
    o.verify_name = o.sni.empty() ? spec_.dst.to_string() : o.sni;
    auto tls = net::TlsClient::create(o);
    if (!tls) {  // OpenSSL missing on this host: says nothing about the service
      result_.outcome = AppOutcome::unavailable;
      result_.tls_error = tls.error().message;
      return finish();
    }
    tls_ = std::move(*tls);
    tls_step();
  }

  void tls_step() {
    const auto state = tls_->step();
    auto out = tls_->take_output();
    if (state == net::TlsClient::State::failed) return end_tls(false);
    if (state == net::TlsClient::State::done) {
      result_.tls = tls_->facts();
      result_.outcome = AppOutcome::answered;
      result_.spoke = spoken_of(spec_.app.protocol);
      if (spec_.app.protocol == AppProtocol::tls) result_.answer = result_.tls->version;
      if (out.empty()) return finish();
      // TLS 1.3: the client's Finished is still to go. Sent, so the server sees a completed
      // handshake (not an error in its log), then the connection is closed; the deadline bounds it.
      auto buf = std::make_shared<wire::Bytes>(std::move(out));
      result_.bytes_sent += buf->size();
      auto self = shared_from_this();
      asio::async_write(socket_, asio::buffer(*buf), [self, buf](boost::system::error_code, std::size_t) {
        if (!self->finished_) self->finish();
      });
      return;
    }
    if (out.empty()) return read_more();
    if (result_.client_hello_bytes == 0) {
      result_.client_hello_bytes = out.size();
      request_at_ = Clock::time_point{};  // the first byte is timed from the ClientHello
    }
    send(std::move(out));
  }

  // The handshake ended without success: failed (OpenSSL said why), or closed, cut short or too long.
  void end_tls(bool cut) {
    const auto spoke = wire::sniff(tls_first_);
    if (tls_got_ > 0 && spoke != Spoken::tls) {
      result_.outcome = AppOutcome::other_protocol;
      result_.spoke = spoke;
      result_.first_bytes = tls_first_;  // what answered the ClientHello (not PostgreSQL's 'S')
      return finish();
    }
    if (!cut) {
      result_.outcome = AppOutcome::handshake_failed;
      result_.spoke = Spoken::tls;
      result_.tls_error = tls_->error();
      return finish();
    }
    if (tls_got_ == 0) {
      result_.outcome = eof_ ? AppOutcome::closed : AppOutcome::silent;
      return finish();
    }
    result_.outcome = eof_ ? AppOutcome::handshake_failed : AppOutcome::incomplete;
    result_.spoke = Spoken::tls;
    if (eof_) result_.tls_error = "the server closed the connection during the handshake";
    finish();
  }

  void end_connect_failed(int err) {
    result_.outcome = AppOutcome::connect_failed;
    result_.err = err;
    finish();
  }

  void finish() {
    result_.total_ms = ms_between(started_, Clock::now());
    if (result_.outcome == AppOutcome::silent || result_.outcome == AppOutcome::incomplete) read_tcp_info();
    complete();
  }

  // Silence is told apart from a request that never arrived: the kernel knows whether the peer's
  // host acknowledged our bytes, and how often it retransmitted them.
  // SIOCOUTQ: the bytes written and not yet acknowledged (sent or not). TCP_INFO: the segments out
  // on the wire unacknowledged, and the retransmissions. Bytes waiting that were never counted as
  // sent did not leave: this host's own OUTPUT rule refuses them.
  void read_tcp_info() {
    if (result_.bytes_sent == 0 || !socket_.is_open()) return;
    const int fd = socket_.native_handle();
    int waiting = 0;
    tcp_info info{};
    socklen_t len = sizeof info;
    if (::ioctl(fd, SIOCOUTQ, &waiting) != 0 || getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) return;
    result_.request_acked = waiting == 0;
    result_.request_held_here = waiting > 0 && info.tcpi_unacked == 0;
    result_.retransmits = static_cast<int>(info.tcpi_total_retrans);
  }
  void release() override {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

  AppCheckSpec spec_;
  asio::ip::tcp::socket socket_;
  Phase phase_ = Phase::connecting;
  Clock::time_point started_, connected_, request_at_;
  std::array<std::uint8_t, 4096> chunk_{};
  wire::Bytes got_;                     // the plain answer so far (at most read_limit)
  std::unique_ptr<net::TlsClient> tls_;
  std::size_t tls_got_ = 0;             // bytes of the handshake received
  wire::Bytes tls_first_;               // their first bytes
  bool eof_ = false;
};

}  // namespace

OperationPtr async_app_check(asio::io_context& io, const AppCheckSpec& spec, std::function<void(model::AppResult)> done) {
  auto op = std::make_shared<AppOperation>(io, spec, std::move(done));
  op->start();
  return op;
}

namespace {

bool fast_failure(AppOutcome o) {
  return o == AppOutcome::reset || o == AppOutcome::closed || o == AppOutcome::other_protocol || o == AppOutcome::handshake_failed ||
         o == AppOutcome::connect_failed;
}

class AppTriesOperation : public Operation, public std::enable_shared_from_this<AppTriesOperation> {
 public:
  AppTriesOperation(asio::io_context& io, AppCheckSpec spec, int most, std::function<void(AppTries)> done)
      : io_(io), spec_(std::move(spec)), most_(most), done_(std::move(done)) {}

  void next() {
    ++out_.tries;
    std::weak_ptr<AppTriesOperation> weak = shared_from_this();
    current_ = async_app_check(io_, spec_, [weak](model::AppResult r) {
      if (auto self = weak.lock()) self->one_done(std::move(r));
    });
  }
  void cancel() override {
    cancelled_ = true;
    if (current_) current_->cancel();
  }

 private:
  void one_done(model::AppResult r) {
    if (ended_) return;
    if (r.outcome == AppOutcome::answered) {
      ++out_.answered;
      if (failed_) out_.answer = std::move(r);
      else out_.result = std::move(r);
      return end();
    }
    const bool first_failure = !failed_ && r.outcome != AppOutcome::interrupted && r.outcome != AppOutcome::unavailable;
    if (first_failure) {
      failed_ = true;
      out_.result = r;
    } else if (!failed_) {
      out_.result = r;  // interrupted, unavailable: nothing else to say
    }
    // Time for another connection: a few round trips of the SYN's, and a moment for the service.
    const auto left = std::chrono::duration<double, std::milli>(spec_.deadline - std::chrono::steady_clock::now()).count();
    if (!cancelled_ && fast_failure(r.outcome) && out_.tries < most_ && left > 4 * spec_.syn_rtt_ms + 20) return next();
    end();
  }
  void end() {
    ended_ = true;
    current_.reset();
    asio::post(io_, [done = std::move(done_), out = std::move(out_)]() mutable { done(std::move(out)); });
  }

  asio::io_context& io_;
  AppCheckSpec spec_;
  int most_;
  std::function<void(AppTries)> done_;
  AppTries out_;
  OperationPtr current_;
  bool failed_ = false, cancelled_ = false, ended_ = false;
};

}  // namespace

OperationPtr async_app_tries(asio::io_context& io, const AppCheckSpec& spec, int most, std::function<void(AppTries)> done) {
  auto op = std::make_shared<AppTriesOperation>(io, spec, std::max(1, most), std::move(done));
  op->next();
  return op;
}

}  // namespace vpcprobe::probe
