#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "vpcprobe/diag/probe_status.hpp"
#include "vpcprobe/wire/identity.hpp"
#include "vpcprobe/render/probes.hpp"

using namespace vpcprobe;
using model::EchoOutcome;
using model::Status;
using model::TcpState;

namespace {
model::EchoResult echo(int seq, EchoOutcome o, double rtt = 0) {
  model::EchoResult e;
  e.seq = seq;
  e.outcome = o;
  e.rtt_ms = rtt;
  if (o == EchoOutcome::reply) {
    e.ttl = 64;
    e.bytes = 64;
  }
  if (o == EchoOutcome::icmp_error)
    e.error = model::IcmpErrorInfo{3, 1, 0, *wire::IpAddr::parse("10.124.0.1")};
  return e;
}
model::TcpResult tcp(TcpState s) {
  model::TcpResult t;
  t.port = 5432;
  t.state = s;
  t.rtt_ms = 0.5;
  t.signal = s == TcpState::open ? model::TcpSignal::syn_ack : model::TcpSignal::no_answer;
  return t;
}
model::PingReport ping_report() {
  model::PingReport r;
  r.target = {"db.vpc.internal", *wire::IpAddr::parse("10.124.0.5"), true, 1.25, std::nullopt, ""};
  r.probes = {echo(1, EchoOutcome::reply, 1.0), echo(2, EchoOutcome::icmp_error, 0.2), echo(3, EchoOutcome::timeout),
              echo(4, EchoOutcome::reply, 3.0)};
  r.rejected = 5;
  r.elapsed_ms = 3001;
  r.status = diag::ping_status(r.probes);
  return r;
}
}  // namespace

TEST_CASE("ping status: all, some, none answered; interrupted probes do not count") {
  using V = std::vector<model::EchoResult>;
  CHECK(diag::ping_status(V{echo(1, EchoOutcome::reply), echo(2, EchoOutcome::reply)}) == Status::ok);
  CHECK(diag::ping_status(V{echo(1, EchoOutcome::reply), echo(2, EchoOutcome::timeout)}) == Status::degraded);
  CHECK(diag::ping_status(V{echo(1, EchoOutcome::icmp_error), echo(2, EchoOutcome::timeout)}) == Status::failing);
  CHECK(diag::ping_status(V{echo(1, EchoOutcome::send_error)}) == Status::failing);
  CHECK(diag::ping_status(V{echo(1, EchoOutcome::reply), echo(2, EchoOutcome::interrupted)}) == Status::ok);
  CHECK(diag::ping_status(V{echo(1, EchoOutcome::interrupted)}) == Status::unknown);
  CHECK(diag::ping_status(V{}) == Status::unknown);
}

TEST_CASE("tcp status: open everywhere is ok; closed, rejected and filtered fail") {
  using V = std::vector<model::TcpResult>;
  CHECK(diag::tcp_status(V{tcp(TcpState::open)}) == Status::ok);
  CHECK(diag::tcp_status(V{tcp(TcpState::open), tcp(TcpState::closed)}) == Status::degraded);
  for (auto s : {TcpState::closed, TcpState::rejected, TcpState::filtered, TcpState::error})
    CHECK(diag::tcp_status(V{tcp(s)}) == Status::failing);
  CHECK(diag::tcp_status(V{tcp(TcpState::interrupted)}) == Status::unknown);
}

TEST_CASE("ping text: reply, error with router, timeout, and a ping-style summary") {
  auto r = ping_report();
  CHECK(render::ping_header(r) == "PING db.vpc.internal (10.124.0.5, resolved in 1.2 ms) 56(84) bytes of data via raw socket\n");
  CHECK(render::ping_line(r, r.probes[0]) == "64 bytes from 10.124.0.5: icmp_seq=1 ttl=64 time=1.000 ms\n");
  CHECK(render::ping_line(r, r.probes[1]) == "From 10.124.0.1 icmp_seq=2 host unreachable (ICMP type 3 code 1)\n");
  CHECK(render::ping_line(r, r.probes[2]) == "no reply for icmp_seq=3\n");
  auto s = render::ping_summary(r);
  CHECK(s.find("4 packets transmitted, 2 received, 1 errors, 50% packet loss, time 3001ms") != std::string::npos);
  CHECK(s.find("rtt min/avg/max/mdev = 1.000/2.000/3.000/1.000 ms") != std::string::npos);
  CHECK(s.find("5 ICMP packets ignored") != std::string::npos);
}

TEST_CASE("ping JSON") {
  auto j = nlohmann::json::parse(render::ping_json(ping_report()));
  CHECK(j["schema"] == "vpcprobe.ping/1");
  CHECK(j["status"] == "degraded");
  CHECK(j["summary"]["sent"] == 4);
  CHECK(j["summary"]["received"] == 2);
  CHECK(j["summary"]["loss_percent"] == 50.0);
  CHECK(j["probes"][1]["icmp_error"]["from"] == "10.124.0.1");
  CHECK(j["probes"][2]["rtt_ms"].is_null());
  CHECK(j["target"]["resolve_ms"] == 1.25);
}

TEST_CASE("tcp text and JSON say why a port failed") {
  model::TcpReport r;
  r.target = {"10.124.0.5", *wire::IpAddr::parse("10.124.0.5"), false, 0, std::nullopt, ""};
  r.ports = {5432};
  auto rej = tcp(TcpState::rejected);
  rej.error = model::IcmpErrorInfo{3, 13, 0, *wire::IpAddr::parse("10.124.0.5")};
  rej.signal = model::TcpSignal::icmp_error;
  r.probes = {tcp(TcpState::open), rej, tcp(TcpState::filtered)};
  r.status = diag::tcp_status(r.probes);
  CHECK(render::tcp_line(r, r.probes[0]) == "5432/tcp  open      0.500 ms  (SYN-ACK)\n");
  CHECK(render::tcp_line(r, r.probes[1]).find("rejected  0.500 ms  (communication administratively prohibited (ICMP type 3 code 13) from 10.124.0.5)") != std::string::npos);
  CHECK(render::tcp_line(r, r.probes[2]).find("filtered") != std::string::npos);
  CHECK(render::tcp_summary(r).find("3 probes: 1 open, 0 closed, 1 rejected, 1 filtered") != std::string::npos);
  auto j = nlohmann::json::parse(render::tcp_json(r));
  CHECK(j["schema"] == "vpcprobe.tcp/1");
  CHECK(j["probes"][1]["icmp_error"]["code"] == 13);
  CHECK(j["probes"][2]["rtt_ms"].is_null());
  CHECK(j["status"] == "degraded");
}

TEST_CASE("identities come from the secret: stable within a run, different across runs") {
  wire::Identity a(42), b(43);
  auto dst = *wire::IpAddr::parse("10.124.0.5");
  auto src = *wire::IpAddr::parse("10.124.0.2");
  CHECK(a.icmp_id() == wire::Identity(42).icmp_id());
  CHECK(a.icmp_id() != b.icmp_id());
  CHECK(a.icmp_id() != 0);
  auto port = a.tcp_source_port(0);
  CHECK(port >= 61000);
  std::set<std::uint16_t> ports;
  for (int i = 0; i < 1024; ++i) ports.insert(a.tcp_source_port(i));
  CHECK(ports.size() == 1024);  // no two probes of a run share a source port
  CHECK(a.tcp_isn(src, dst, port, 5432) != b.tcp_isn(src, dst, port, 5432));
  CHECK(a.payload_tag(1) != a.payload_tag(2));
}
