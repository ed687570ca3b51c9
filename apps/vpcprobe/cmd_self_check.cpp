// vpcprobe self-check: what this process may do, one line per layer, and how to get what is missing.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "vpcprobe/sys/privileged.hpp"
#include "vpcprobe/sys/self_check.hpp"

namespace vpcprobe::app {

CLI::App* setup_self_check(CLI::App& parent, SelfCheckOptions& o) {
  auto* cmd = parent.add_subcommand("self-check", "explain which layers this process can test, and what is missing");
  cmd->add_flag("--json", o.json, "print one JSON object (schema vpcprobe.self-check/1)");
  return cmd;
}

int run_self_check(const SelfCheckOptions& o) {
  auto priv = sys::read_privileges();
  auto lines = sys::self_check(priv);  // opens and closes each socket kind: nothing is sent
  if (auto dropped = sys::drop_privileges(); !dropped) return report_error(dropped.error());
  bool all_full = true;
  for (auto& l : lines) all_full &= l.full;
  if (o.json) {
    nlohmann::json j;
    j["schema"] = "vpcprobe.self-check/1";
    j["process"] = {{"uid", priv.uid}, {"euid", priv.euid}, {"gid", priv.gid}, {"cap_eff", priv.cap_eff},
                    {"cap_prm", priv.cap_prm}, {"cap_bnd", priv.cap_bnd}, {"no_new_privs", priv.no_new_privs},
                    {"ping_group_range", priv.ping_group_range}};
    j["layers"] = nlohmann::json::array();
    for (auto& l : lines)
      j["layers"].push_back({{"area", l.area}, {"used_by", l.used_by}, {"full", l.full}, {"available", l.available}, {"how", l.how}});
    j["status"] = all_full ? "ok" : "degraded";
    print(j.dump(2) + "\n");
  } else {
    std::string out = fmt::format("process: uid {} euid {} gid {}, CapEff={} CapPrm={} CapBnd={} NoNewPrivs={}, "
                                  "ping_group_range '{}'\n",
                                  priv.uid, priv.euid, priv.gid, priv.cap_eff, priv.cap_prm, priv.cap_bnd,
                                  priv.no_new_privs ? 1 : 0, priv.ping_group_range);
    for (auto& l : lines)
      out += fmt::format("{:<22} {:<14} {}  [{}]\n", l.area, l.full ? "full" : l.available ? "fallback" : "NOT AVAILABLE",
                         l.how, l.used_by);
    print(out);
  }
  return all_full ? kExitOk : kExitDegraded;
}

}  // namespace vpcprobe::app
