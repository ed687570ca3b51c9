// vpcprobe: which layer broke between the private VPC path and the public one.
#include <csignal>
#include <cstdio>
#include <cerrno>
#include <exception>
#include <system_error>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "common.hpp"

using namespace vpcprobe::app;

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is an EPIPE write error, handled where we write
  CLI::App app{"vpcprobe: find which layer breaks the private-VPC path (and not the public one)", "vpcprobe"};
  app.set_version_flag("--version", std::string("vpcprobe ") + VPCPROBE_VERSION);
  app.require_subcommand(1);

  ArpOptions arp;
  CLI::App* arp_cmd = setup_arp(app, arp);
  PingOptions ping;
  CLI::App* ping_cmd = setup_ping(app, ping);
  DiagnoseOptions diagnose;
  CLI::App* diagnose_cmd = setup_diagnose(app, diagnose);
  NeighOptions neigh;
  CLI::App* neigh_cmd = setup_neigh(app, neigh);
  CheckOptions check;
  CLI::App* check_cmd = setup_check(app, check);
  SelfCheckOptions self_check;
  CLI::App* self_check_cmd = setup_self_check(app, self_check);
  TcpOptions tcp;
  CLI::App* tcp_cmd = setup_tcp(app, tcp);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    return report_error(std::string(e.what()) + " (see --help)", kExitUnknown);
  }
  try {
    if (diagnose_cmd->parsed()) return run_diagnose(diagnose);
    if (arp_cmd->parsed()) return run_arp(arp);
    if (self_check_cmd->parsed()) return run_self_check(self_check);
    if (check_cmd->parsed()) return run_check(check);
    if (neigh_cmd->parsed()) {
      neigh.fix_given = neigh_cmd->count("--fix") > 0;
      neigh.watch_given = neigh_cmd->count("--watch") > 0;
      return run_neigh(neigh);
    }
    if (ping_cmd->parsed()) return run_ping(ping);
    if (tcp_cmd->parsed()) return run_tcp(tcp);
  } catch (const std::system_error& e) {
    if (e.code().value() == EMFILE || e.code().value() == ENFILE)
      return report_error("too many open files: `ulimit -n` is too low for vpcprobe (it needs about 16)", kExitUnknown);
    return report_error(std::string("system error: ") + e.what(), kExitUnknown);
  } catch (const std::exception& e) {
    return report_error(std::string("internal error: ") + e.what(), kExitUnknown);
  }
  return report_error("no subcommand given (see --help)", kExitUnknown);
}
