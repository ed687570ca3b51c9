#pragma once
// One ICMP echo as an async operation. Over a raw socket the reply (or an ICMP error quoting our
// echo) is matched on source, id, sequence and payload tag; over a ping socket the kernel matches
// the id, we match the sequence and tag, and errors come from the socket's error queue. The
// family's table (probe/family.hpp) builds and reads the packets.
#include <chrono>
#include <cstdint>
#include <functional>

#include "vpcprobe/model/probe.hpp"
#include "vpcprobe/net/channel.hpp"
#include "vpcprobe/probe/family.hpp"
#include "vpcprobe/probe/operation.hpp"
#include "vpcprobe/wire/identity.hpp"

namespace vpcprobe::probe {

struct EchoSpec {
  wire::IpAddr target;
  std::uint16_t id = 0;        // raw: ours; ping socket: the port the socket is bound to
  std::uint16_t wire_seq = 0;
  int display_seq = 1;
  std::size_t payload_size = 56;
  std::uint64_t tag = 0;       // first payload bytes, so a reply must echo what this run sent
  std::chrono::milliseconds timeout{1000};
};

OperationPtr async_echo(asio::io_context& io, net::Channel& channel, const FamilyOps& family, model::ProbeMethod method,
                        const EchoSpec& spec, std::function<void(model::EchoResult)> done);

// Raw ICMP sockets see every ICMP packet the host receives. This kernel (BPF) filter passes only
// echo replies carrying `id`, and every non-reply (the errors that may quote our probes), so a
// flood of unrelated echo replies costs us nothing. Ping sockets need none: the kernel demuxes them.
Result<void> filter_echo_replies(net::Channel& channel, const FamilyOps& family, std::uint16_t id);

// Binds a ping socket to `id` so the kernel uses it as the echo identifier; tries a few ids
// derived from it when one is taken. Returns the id in use.
Result<std::uint16_t> bind_ping_socket(net::Channel& channel, const FamilyOps& family, std::uint16_t id);

// Claims an echo identifier for the method: a filter on a raw socket, a bound port on a ping socket.
Result<std::uint16_t> claim_echo_id(net::Channel& channel, const FamilyOps& family, model::ProbeMethod method, std::uint16_t id);

}  // namespace vpcprobe::probe

namespace vpcprobe::probe {

class Schedule;

// `count` echoes `interval` apart, as ping sends them; `each` sees every result (with its index)
// as it arrives, `done` runs once all have finished or the schedule was cancelled.
struct EchoSeries {
  wire::IpAddr target;
  std::uint16_t id = 0;
  int count = 3;
  std::chrono::milliseconds interval{1000};
  std::size_t payload_size = 56;
  std::chrono::milliseconds timeout{1000};
};
std::shared_ptr<Schedule> async_echo_series(asio::io_context& io, net::Channel& channel, const FamilyOps& family,
                                            model::ProbeMethod method, const wire::Identity& identity, const EchoSeries& series,
                                            std::function<void(std::size_t, model::EchoResult)> each, std::function<void()> done);

}  // namespace vpcprobe::probe
