// vpcprobe self-check: what this process may do, one line per layer, and how to get what is missing.
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "vpcprobe/render/self_check.hpp"
#include "vpcprobe/sys/self_check.hpp"

namespace vpcprobe::app {

CLI::App* SelfCheck::setup(CLI::App& parent, Options& o) {
  auto* cmd = parent.add_subcommand("self-check", "explain which layers this process can test, and what is missing");
  cmd->add_flag("--json", o.json, "print one JSON object (schema vpcprobe.self-check/1)");
  return cmd;
}

// Opening (and closing) each socket kind is the test, so it happens while still privileged.
Result<SelfCheck::Sockets> SelfCheck::open(const Options&) { return sys::self_check(sys::read_privileges()); }

Result<model::Status> SelfCheck::run(const Options&, Sockets& s, Runtime<Report>& rt) {
  rt.emit(s);
  return s.all_full() ? model::Status::ok : model::Status::degraded;
}

}  // namespace vpcprobe::app
