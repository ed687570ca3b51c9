#pragma once
// One file per subcommand: an options struct, setup_x(CLI::App&, opts), run_x(opts) -> exit code.
#include <string>

namespace CLI {
class App;
}

namespace vpcprobe::app {

struct ArpOptions {
  std::string target;
  std::string interface;
  long count = 3;
  double interval = 0.2;
  double timeout = 1.0;
  bool json = false;
};
CLI::App* setup_arp(CLI::App& parent, ArpOptions& opts);
int run_arp(const ArpOptions& opts);

}  // namespace vpcprobe::app
