// vpcprobe-consumer IP PORT: the public API of libvpcprobe from outside the project. It asks the
// kernel for the route to IP (rtnetlink), then runs one ICMP echo and one TCP connect probe to
// IP:PORT at once on an Asio io_context, and prints what each found:
//   route: unicast dev vpc0 src 10.124.0.2
//   echo: reply 0.051 ms
//   tcp 5432: open 0.034 ms (connected)
// Exit 0 when the port is open, 2 otherwise, 3 when something could not run.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include <vpcprobe/model/netinfo.hpp>
#include <vpcprobe/model/probe.hpp>
#include <vpcprobe/net/asio.hpp>
#include <vpcprobe/net/channel.hpp>
#include <vpcprobe/net/netlink_client.hpp>
#include <vpcprobe/probe/family.hpp>
#include <vpcprobe/probe/icmp.hpp>
#include <vpcprobe/probe/tcp.hpp>
#include <vpcprobe/render/words.hpp>
#include <vpcprobe/sys/privileged.hpp>
#include <vpcprobe/sys/random.hpp>
#include <vpcprobe/wire/identity.hpp>

using namespace vpcprobe;

namespace {
int fail(const std::string& what, const Error& e) {
  std::fprintf(stderr, "vpcprobe-consumer: %s: %s\n", what.c_str(), e.message.c_str());
  return 3;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: vpcprobe-consumer IP PORT\n");
    return 3;
  }
  auto dst = wire::IpAddr::parse(argv[1]);
  std::uint16_t port = 0;
  std::string_view port_text = argv[2];
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (!dst || !dst->is_v4() || ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0) {
    std::fprintf(stderr, "vpcprobe-consumer: want an IPv4 address and a port\n");
    return 3;
  }

  // Privileged first: a raw ICMP socket with CAP_NET_RAW, else a ping socket; then drop everything.
  auto icmp = sys::open_icmp_socket(wire::Family::v4, {});
  if (!icmp) return fail("ICMP socket", icmp.error());
  if (auto dropped = sys::drop_privileges(); !dropped) return fail("dropping privileges", dropped.error());

  auto nl = net::NetlinkClient::open();
  if (!nl) return fail("netlink", nl.error());
  auto route = nl->route_get(*dst);
  if (!route) return fail("route lookup", route.error());
  std::string dev = fmt::format("if{}", route->oif);
  if (auto link = nl->link(route->oif)) dev = link->name;
  fmt::print("route: {} dev {}{}{}\n", model::route_type_name(route->type), dev,
             route->gateway ? " via " + route->gateway->to_string() : "",
             route->prefsrc ? " src " + route->prefsrc->to_string() : "");

  asio::io_context io;
  auto channel = net::Channel::open(io, std::move(icmp->fd));
  if (!channel) return fail("ICMP channel", channel.error());
  auto family = probe::family_ops(wire::Family::v4);
  if (!family) return fail("family", family.error());
  wire::Identity identity(sys::random_secret());
  auto id = probe::claim_echo_id(**channel, **family, icmp->method, identity.icmp_id());
  if (!id) return fail("ICMP identifier", id.error());

  probe::EchoSpec echo;
  echo.target = *dst;
  echo.id = *id;
  echo.wire_seq = identity.seq_base();
  echo.tag = identity.payload_tag(echo.wire_seq);
  echo.timeout = std::chrono::milliseconds(1000);
  std::optional<model::EchoResult> echo_result;
  auto echo_op = probe::async_echo(io, **channel, **family, icmp->method, echo, [&](model::EchoResult r) { echo_result = r; });

  probe::ConnectSpec connect{*dst, port, 1, std::chrono::milliseconds(1000), ""};
  std::optional<model::TcpResult> tcp_result;
  auto tcp_op = probe::async_tcp_connect(io, connect, [&](model::TcpResult r) { tcp_result = r; });

  io.run();  // both completion handlers have run: each operation completes, at the latest on its timeout

  if (echo_result) {
    std::string extra;
    if (echo_result->error)
      extra = fmt::format(" ({} from {})", render::icmp_meaning(*echo_result->error), echo_result->error->from.to_string());
    fmt::print("echo: {} {:.3f} ms{}\n", model::echo_outcome_name(echo_result->outcome), echo_result->rtt_ms, extra);
  }
  if (!tcp_result) return fail("tcp", Error{Errc::system, "no result"});
  fmt::print("tcp {}: {} {:.3f} ms ({})\n", port, model::tcp_state_name(tcp_result->state), tcp_result->rtt_ms,
             render::tcp_detail(*tcp_result));
  return tcp_result->state == model::TcpState::open ? 0 : 2;
}
