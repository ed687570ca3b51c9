#pragma once
// The targets file of `vpcprobe check` (TOML):
//
//   timeout = 1.0                # seconds each probe waits (optional)
//   port = 5432                  # TCP port for paths given without one (optional)
//
//   [[target]]
//   name = "orders-db"           # [A-Za-z0-9_.-], unique; becomes the `target` label
//   private = "db.vpc.internal:5432"
//   public = "db.public.example:5432"   # optional
//   app = "auto"                 # the application check: auto (by port), none, postgres, tls, http,
//                                # redis, mysql (optional; a top-level `app` is every target's default)
//   sni = "db.example"           # TLS server name (optional; default: the name typed)
//   http_path = "/healthz"       # HTTP: the path of the HEAD request (optional)
//   verify_cert = true           # TLS: an unverified certificate fails (optional; default: a warning)
//
//   [[neigh]]
//   interface = "vpc0"           # audit this interface's neighbor table (omit: all interfaces)
//
// Unknown keys are errors: a typo must not silently drop a check.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vpcprobe/model/app.hpp"
#include "vpcprobe/model/endpoint.hpp"
#include "vpcprobe/model/result.hpp"

namespace vpcprobe::config {

struct Target {
  std::string name;
  model::Endpoint private_path;
  std::optional<model::Endpoint> public_path;
  model::AppChoice app;
};

struct NeighAuditSpec {
  std::string interface;  // empty: every interface
  bool health = true;     // judge the neighbor subsystem too (`health = false` turns it off)
};

struct Targets {
  std::optional<double> timeout;
  std::optional<std::uint16_t> port;
  std::vector<Target> targets;
  std::vector<NeighAuditSpec> neigh;
};

inline constexpr std::size_t kMaxTargets = 256;

// Pure: parses and validates the text of a targets file. Endpoints are parsed by
// model::parse_endpoint and checked against the families this run speaks, as on the command line.
Result<Targets> parse_targets(std::string_view toml_text, std::string_view source_name = "targets file");

}  // namespace vpcprobe::config
