#pragma once
// One file per subcommand: an options struct, setup_x(CLI::App&, opts), run_x(opts) -> exit code.
#include <string>

namespace CLI {
class App;
}

namespace vpcprobe::app {

struct ArpOptions {
  std::string pcap;  // --pcap FILE
  std::string target;
  std::string interface;
  long count = 3;
  double interval = 0.2;
  double timeout = 1.0;
  bool json = false;
};
CLI::App* setup_arp(CLI::App& parent, ArpOptions& opts);
int run_arp(const ArpOptions& opts);

inline constexpr long kUnsetTtl = -999999;

struct PingOptions {
  std::string pcap;  // --pcap FILE
  std::string target;
  long count = 3;
  double interval = 1.0;
  double timeout = 1.0;
  long size = 56;
  bool dont_fragment = false;
  long ttl = kUnsetTtl;
  std::string interface;
  bool json = false;
};
CLI::App* setup_ping(CLI::App& parent, PingOptions& opts);
int run_ping(const PingOptions& opts);

struct TcpOptions {
  std::string pcap;  // --pcap FILE
  std::string target;  // HOST or HOST:PORT
  std::string ports;
  long count = 1;
  double interval = 0.2;
  double timeout = 1.0;
  bool connect = false;
  std::string interface;
  bool json = false;
};
CLI::App* setup_tcp(CLI::App& parent, TcpOptions& opts);
int run_tcp(const TcpOptions& opts);

struct DiagnoseOptions {
  std::string pcap;  // --pcap FILE
  std::string private_target;  // HOST[:PORT]
  std::string public_target;   // HOST[:PORT], optional
  std::string port;            // default port for both
  double timeout = 1.0;
  bool json = false;
  std::string color = "auto";
};
CLI::App* setup_diagnose(CLI::App& parent, DiagnoseOptions& opts);
int run_diagnose(const DiagnoseOptions& opts);

struct NeighOptions {
  std::string interface;
  bool verify = false;
  std::string fix;  // "", "replace" or "delete" (a bare --fix means replace)
  bool fix_given = false;
  bool force = false;
  bool dry_run = false;
  double rate = 1000;
  double timeout = 1.0;
  double watch = 0;
  bool watch_given = false;
  long rounds = 0;
  bool json = false;
  std::string textfile_dir;
};
CLI::App* setup_neigh(CLI::App& parent, NeighOptions& opts);
int run_neigh(NeighOptions opts);

struct CheckOptions {
  std::string file;
  std::string output = "text";
  double deadline = 10;
  double rate = 1000;
  std::string textfile_dir;
  std::string warn, crit;
};
CLI::App* setup_check(CLI::App& parent, CheckOptions& opts);
int run_check(const CheckOptions& opts);

struct SelfCheckOptions {
  bool json = false;
};
CLI::App* setup_self_check(CLI::App& parent, SelfCheckOptions& opts);
int run_self_check(const SelfCheckOptions& opts);

}  // namespace vpcprobe::app
