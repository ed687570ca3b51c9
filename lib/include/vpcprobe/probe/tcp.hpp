#pragma once
// TCP reachability of one port as an async operation.
//  - SYN (raw socket, CAP_NET_RAW): SYN-ACK acking our ISN -> open (and we send RST, as nmap does);
//    RST acking our ISN -> closed; an ICMP error quoting our SYN -> rejected; nothing -> filtered.
//  - connect (unprivileged): a non-blocking connect(); refused -> closed; an ICMP-derived errno ->
//    rejected (with the ICMP type/code from the socket's error queue when the kernel queued it);
//    timeout -> filtered.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "vpcprobe/model/probe.hpp"
#include "vpcprobe/net/channel.hpp"
#include "vpcprobe/probe/family.hpp"
#include "vpcprobe/probe/operation.hpp"
#include "vpcprobe/wire/identity.hpp"

namespace vpcprobe::probe {

struct SynSpec {
  wire::IpAddr src, dst;
  std::uint16_t sport = 0, dport = 0;
  std::uint32_t isn = 0;
  int attempt = 1;
  std::chrono::milliseconds timeout{1000};
};

// icmp may be null (then ICMP rejections show as filtered).
OperationPtr async_tcp_syn(asio::io_context& io, net::Channel& tcp, net::Channel* icmp, const FamilyOps& family,
                           const SynSpec& spec, std::function<void(model::TcpResult)> done);

struct ConnectSpec {
  wire::IpAddr dst;
  std::uint16_t port = 0;
  int attempt = 1;
  std::chrono::milliseconds timeout{1000};
  std::string bind_device;
};

OperationPtr async_tcp_connect(asio::io_context& io, const ConnectSpec& spec, std::function<void(model::TcpResult)> done);

}  // namespace vpcprobe::probe

namespace vpcprobe::probe {

class Schedule;

// Every port of `ports`, `rounds` times `interval` apart (each round probes all ports at once):
// raw SYNs from `src` when a raw TCP channel is given, else connect(). connect() needs a
// descriptor per probe in flight: with max_in_flight set, the probes go out in batches that fit.
struct TcpSweep {
  wire::IpAddr src, dst;
  std::vector<std::uint16_t> ports;
  int rounds = 1;
  std::chrono::milliseconds interval{200};
  std::chrono::milliseconds timeout{1000};
  std::string bind_device;
  std::size_t max_in_flight = 0;  // 0: no limit
};
std::shared_ptr<Schedule> async_tcp_sweep(asio::io_context& io, net::Channel* tcp_raw, net::Channel* icmp, const FamilyOps& family,
                                          const wire::Identity& identity, const TcpSweep& sweep,
                                          std::function<void(std::size_t, model::TcpResult)> each, std::function<void()> done);

}  // namespace vpcprobe::probe
