#pragma once
// One ICMP echo as an async operation. Over a raw socket the reply (or an ICMP error quoting our
// echo) is matched on source, id, sequence and payload tag; over a ping socket the kernel matches
// the id, we match the sequence and tag, and errors come from the socket's error queue.
#include <chrono>
#include <cstdint>
#include <functional>

#include "vpcprobe/model/probe.hpp"
#include "vpcprobe/net/channel.hpp"
#include "vpcprobe/probe/operation.hpp"

namespace vpcprobe::probe {

struct EchoSpec {
  wire::Ipv4 target;
  std::uint16_t id = 0;        // raw: ours; ping socket: the port the socket is bound to
  std::uint16_t wire_seq = 0;
  int display_seq = 1;
  std::size_t payload_size = 56;
  std::uint64_t tag = 0;       // first payload bytes, so a reply must echo what this run sent
  std::chrono::milliseconds timeout{1000};
};

OperationPtr async_echo(asio::io_context& io, net::Channel& channel, model::ProbeMethod method, const EchoSpec& spec,
                        std::function<void(model::EchoResult)> done);

// Raw ICMP sockets see every ICMP packet the host receives. This kernel (BPF) filter passes only
// echo replies carrying `id`, and every non-reply (the errors that may quote our probes), so a
// flood of unrelated echo replies costs us nothing. Ping sockets need none: the kernel demuxes them.
Result<void> filter_echo_replies(net::Channel& channel, std::uint16_t id);

// Binds a ping socket to `id` so the kernel uses it as the echo identifier; tries a few ids
// derived from it when one is taken. Returns the id in use.
Result<std::uint16_t> bind_ping_socket(net::Channel& channel, std::uint16_t id);

}  // namespace vpcprobe::probe
