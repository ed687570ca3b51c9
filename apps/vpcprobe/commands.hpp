#pragma once
// One struct per subcommand (the shape runner.hpp describes): options, setup, validate, the
// privileged resources it opens, and run. Each is defined in its own cmd_<name>.cpp.
#include <optional>
#include <string>

#include "options.hpp"
#include "runner.hpp"
#include "vpcprobe/model/arp.hpp"
#include "vpcprobe/model/check.hpp"
#include "vpcprobe/model/diagnosis.hpp"
#include "vpcprobe/model/neigh_audit.hpp"
#include "vpcprobe/model/reports.hpp"
#include "vpcprobe/model/self_check.hpp"
#include "vpcprobe/probe/session.hpp"
#include "vpcprobe/sys/privileged.hpp"

namespace CLI {
class App;
}

namespace vpcprobe::app {

// What a command does not define, it inherits: text or one JSON object (--json), no colour, no
// --pcap, no capability kept past the drop.
struct CommandDefaults {
  template <class O>
  static render::Format format(const O& o) { return o.json ? render::Format::json : render::Format::text; }
  template <class O>
  static bool color(const O&) { return false; }
  template <class O>
  static std::string pcap_path(const O&) { return ""; }
  template <class O>
  static sys::KeepCaps keep(const O&) { return {}; }
};
// The probing commands: --pcap FILE.
struct WithPcap : CommandDefaults {
  template <class O>
  static std::string pcap_path(const O& o) { return o.pcap; }
};

inline constexpr long kUnsetTtl = -999999;

struct Ping : WithPcap {
  using Report = model::PingReport;
  struct Options {
    std::string pcap, target, interface;
    long count = 3, size = 56, ttl = kUnsetTtl;
    double interval = 1.0, timeout = 1.0;
    bool dont_fragment = false, json = false;
    FamilyFlags family;
  };
  struct Sockets {
    PerFamily<sys::IcmpSocket> icmp;
  };
  static CLI::App* setup(CLI::App& parent, Options& o);
  static Result<void> validate(const Options& o);
  static Result<Sockets> open(const Options& o);
  static Result<model::Status> run(const Options& o, Sockets& s, Runtime<Report>& rt);
};

struct Tcp : WithPcap {
  using Report = model::TcpReport;
  struct Options {
    std::string pcap, target, ports, interface;  // target: HOST or HOST:PORT
    long count = 1;
    double interval = 0.2, timeout = 1.0;
    bool connect = false, json = false;
    FamilyFlags family;
  };
  struct RawPair {
    sys::UniqueFd tcp, icmp;  // raw SYN with its ICMP socket
  };
  struct Sockets {
    std::optional<PerFamily<RawPair>> raw;  // none: connect()
  };
  static CLI::App* setup(CLI::App& parent, Options& o);
  static Result<void> validate(const Options& o);
  static Result<Sockets> open(const Options& o);
  static Result<model::Status> run(const Options& o, Sockets& s, Runtime<Report>& rt);
};

struct Arp : WithPcap {
  using Report = model::ArpReport;
  struct Options {
    std::string pcap, target, interface;
    long count = 3;
    double interval = 0.2, timeout = 1.0;
    bool json = false;
    FamilyFlags family;
  };
  struct Sockets {
    PerFamily<sys::UniqueFd> neighbor;  // ARP for an IPv4 target, NDP for an IPv6 one
  };
  static CLI::App* setup(CLI::App& parent, Options& o);
  static Result<void> validate(const Options& o);
  static Result<Sockets> open(const Options& o);
  static Result<model::Status> run(const Options& o, Sockets& s, Runtime<Report>& rt);
};

struct Diagnose : WithPcap {
  using Report = model::Diagnosis;
  struct Options {
    std::string pcap, private_target, public_target, port;  // HOST[:PORT]; port: default for both
    double timeout = 1.0;
    long count = 5;
    bool json = false;
    model::AppChoice app;  // --app, --sni, --http-path, --verify-cert
    std::string color = "auto";
    FamilyFlags family;
  };
  using Sockets = probe::DiagnosisSockets;
  static CLI::App* setup(CLI::App& parent, Options& o);
  static Result<void> validate(const Options& o);
  static bool color(const Options& o);
  static Result<Sockets> open(const Options& o);
  static Result<model::Status> run(const Options& o, Sockets& s, Runtime<Report>& rt);
};

struct Neigh : CommandDefaults {
  using Report = model::NeighReport;
  struct Options {
    std::string interface, fix, textfile_dir;  // fix: "", "replace" or "delete" (a bare --fix means replace)
    bool verify = false, health = false, fix_given = false, force = false, dry_run = false, watch_given = false, json = false;
    double rate = 1000, timeout = 1.0, watch = 0;
    long rounds = 0;
    FamilyFlags family;
  };
  struct Sockets {
    std::optional<sys::UniqueFd> arp, ndp;
  };
  static CLI::App* setup(CLI::App& parent, Options& o);
  static Result<void> validate(const Options& o);
  static render::Format format(const Options& o) {
    return o.json ? (o.watch > 0 ? render::Format::jsonl : render::Format::json) : render::Format::text;
  }
  static sys::KeepCaps keep(const Options& o);
  static Result<Sockets> open(const Options& o);
  static Result<model::Status> run(const Options& o, Sockets& s, Runtime<Report>& rt);
};

struct Check : CommandDefaults {
  using Report = model::CheckReport;
  struct Options {
    std::string file, output = "text", textfile_dir, warn, crit;
    double deadline = 10, rate = 1000, watch = 0;
    long rounds = 0;
    bool watch_given = false;
  };
  using Sockets = probe::DiagnosisSockets;
  static CLI::App* setup(CLI::App& parent, Options& o);
  static Result<void> validate(const Options& o);
  static render::Format format(const Options& o);
  static Result<Sockets> open(const Options& o);
  static Result<model::Status> run(const Options& o, Sockets& s, Runtime<Report>& rt);
};

struct SelfCheck : CommandDefaults {
  using Report = model::SelfCheckReport;
  struct Options {
    bool json = false;
  };
  using Sockets = model::SelfCheckReport;  // what opening each socket kind showed, before the drop
  static CLI::App* setup(CLI::App& parent, Options& o);
  static Result<void> validate(const Options&) { return {}; }
  static Result<Sockets> open(const Options& o);
  static Result<model::Status> run(const Options& o, Sockets& s, Runtime<Report>& rt);
};

}  // namespace vpcprobe::app
