#pragma once
// What `vpcprobe ping` and `vpcprobe tcp` render.
#include <cstdint>
#include <string>
#include <vector>

#include "vpcprobe/model/probe.hpp"
#include "vpcprobe/model/status.hpp"
#include "vpcprobe/wire/addr.hpp"

namespace vpcprobe::model {

struct TargetInfo {
  std::string name;        // as typed
  wire::IpAddr addr;
  bool was_name = false;
  double resolve_ms = 0;
  // The name also resolved in the other family (not probed: -4/-6 choose); shown in the header.
  std::optional<wire::IpAddr> other_family;
  std::string zone;        // the interface of a link-local IPv6 literal (fe80::1%vpc0)
};

struct PingReport {
  TargetInfo target;
  ProbeMethod method = ProbeMethod::raw;
  std::size_t payload_size = 56;
  int ttl = 0;  // 0: system default
  bool dont_fragment = false;
  std::string interface;
  std::vector<EchoResult> probes;
  std::uint64_t rejected = 0;      // ICMP seen on our socket that answered none of our probes
  std::uint64_t send_retries = 0;  // transient send errors (ENOBUFS, EAGAIN) backed off from
  double elapsed_ms = 0;
  bool interrupted = false;
  Status status = Status::unknown;
};

struct TcpReport {
  TargetInfo target;
  ProbeMethod method = ProbeMethod::raw;
  std::vector<std::uint16_t> ports;
  std::vector<TcpResult> probes;
  std::uint64_t rejected = 0;
  std::uint64_t send_retries = 0;
  bool batched = false;            // connect(): ulimit -n forced probing in batches
  std::size_t batch_size = 0;
  double elapsed_ms = 0;
  bool interrupted = false;
  Status status = Status::unknown;
};

}  // namespace vpcprobe::model
