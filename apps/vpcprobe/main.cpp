// vpcprobe: which layer broke between the private VPC path and the public one.
#include <cerrno>
#include <csignal>
#include <exception>
#include <functional>
#include <memory>
#include <system_error>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.hpp"

using namespace vpcprobe::app;

namespace {

struct Entry {
  CLI::App* command;
  std::function<int()> run;
};

// Table-driven: a command is registered once, with its own options object.
template <class Cmd>
void add(CLI::App& app, std::vector<Entry>& entries) {
  auto options = std::make_shared<typename Cmd::Options>();
  entries.push_back({Cmd::setup(app, *options), [options] { return run_command<Cmd>(*options); }});
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is an EPIPE write error, handled where we write
  CLI::App app{"vpcprobe: find which layer breaks the private-VPC path (and not the public one)", "vpcprobe"};
  app.set_version_flag("--version", std::string("vpcprobe ") + VPCPROBE_VERSION);
  app.require_subcommand(1);
  // Global options, before the subcommand: where the run is made.
  std::string netns, pid;
  app.add_option("--netns", netns,
                 "run in this network namespace: a name under /run/netns or a path (e.g. /proc/PID/ns/net); "
                 "names resolve through /etc/netns/NAME as with `ip netns exec` (needs CAP_SYS_ADMIN)");
  app.add_option("--pid", pid,
                 "run in the network namespace of this process (a pod's container process, as crictl inspect shows it); "
                 "names resolve through its own /etc/hosts and /etc/resolv.conf (needs CAP_SYS_ADMIN)")
      ->excludes(app.get_option("--netns"));
  std::vector<Entry> entries;
  add<Arp>(app, entries);
  add<Ping>(app, entries);
  add<Diagnose>(app, entries);
  add<Neigh>(app, entries);
  add<Check>(app, entries);
  add<SelfCheck>(app, entries);
  add<Tcp>(app, entries);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    say(std::string(e.what()) + " (see --help)");
    return kExitUnknown;
  }
  if (!netns.empty() || app.get_option("--netns")->count() > 0)
    set_namespace_target({vpcprobe::model::NamespaceTarget::Kind::netns, netns});
  else if (app.get_option("--pid")->count() > 0)
    set_namespace_target({vpcprobe::model::NamespaceTarget::Kind::pid, pid});
  try {
    for (const auto& e : entries)
      if (e.command->parsed()) return e.run();
  } catch (const std::system_error& e) {
    if (e.code().value() == EMFILE || e.code().value() == ENFILE) {
      say("too many open files: `ulimit -n` is too low for vpcprobe (it needs about 16)");
      return kExitUnknown;
    }
    say(std::string("system error: ") + e.what());
    return kExitUnknown;
  } catch (const std::exception& e) {
    say(std::string("internal error: ") + e.what());
    return kExitUnknown;
  }
  say("no subcommand given (see --help)");
  return kExitUnknown;
}
