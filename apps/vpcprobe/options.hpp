#pragma once
// Option checks and options every probing command shares, worded the same everywhere.
#include <chrono>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "vpcprobe/model/endpoint.hpp"
#include "vpcprobe/model/result.hpp"

namespace CLI {
class App;
}

namespace vpcprobe::app {

Result<void> check_count(const char* name, long value, long max);
Result<void> check_seconds(const char* name, double value, double min, double max);
Result<void> check_interface(const std::string& name);
// Runs the checks in order; the first that fails is the answer.
template <class... Checks>
Result<void> first_failure(const Checks&... checks) {
  Result<void> first;
  ((first = first ? checks : first), ...);
  return first;
}

// A parse result as a check: fine, or its error.
template <class T>
Result<void> parses(const Result<T>& r) {
  if (!r) return std::unexpected(r.error());
  return {};
}

// -4 / -6: one family only (they exclude each other). Neither: both, IPv4 first for a name.
struct FamilyFlags {
  bool v4 = false, v6 = false;
  model::FamilyPolicy policy() const { return v4 ? model::FamilyPolicy::only(wire::Family::v4) : v6 ? model::FamilyPolicy::only(wire::Family::v6) : model::FamilyPolicy{}; }
};
void add_family_flags(CLI::App& cmd, FamilyFlags& f, bool entries = false);  // entries: neigh's table, not a name

// What the user typed as a target: parsed once, and of a family this run speaks.
Result<model::Endpoint> target_endpoint(const std::string& text, model::FamilyPolicy families = {});
// The interface to send through: -I, or the zone of a link-local literal (fe80::1%vpc0); both,
// and different, is bad input.
Result<std::string> interface_for(const model::Endpoint& e, const std::string& interface);

// A socket (or set of sockets) per address family, opened while privileged before the target is
// resolved: a literal's family only, a name's every family the run speaks. The one the resolved
// address needs is taken after the drop; a family that could not be opened keeps its error,
// reported only if that family is the one needed.
template <class S>
struct PerFamily {
  std::optional<S> v4, v6;
  std::optional<Error> v4_error, v6_error;

  template <class Open>  // Open: Result<S>(wire::Family)
  static Result<PerFamily> open(model::FamilyPolicy families, Open open_one) {
    PerFamily p;
    for (auto f : {wire::Family::v4, wire::Family::v6}) {
      if (!families.speaks(f)) continue;
      auto s = open_one(f);
      if (s) (f == wire::Family::v4 ? p.v4 : p.v6) = std::move(*s);
      else (f == wire::Family::v4 ? p.v4_error : p.v6_error) = s.error();
    }
    // Nothing opened at all: the first family's reason now, before anything else happens.
    if (!p.v4 && !p.v6) {
      if (p.v4_error) return std::unexpected(*p.v4_error);
      if (p.v6_error) return std::unexpected(*p.v6_error);
      return fail(Errc::invalid_argument, "no address family to probe");
    }
    return p;
  }
  Result<S*> get(wire::Family f) {
    auto& s = f == wire::Family::v4 ? v4 : v6;
    if (s) return &*s;
    const auto& e = f == wire::Family::v4 ? v4_error : v6_error;
    if (e) return std::unexpected(*e);
    return fail(Errc::invalid_argument, fmt::format("no {} socket was opened for this target", wire::family_name(f)));
  }
};

std::chrono::milliseconds millis(double seconds);

// --pcap FILE, on every probing command.
void add_pcap_option(CLI::App& cmd, std::string& path);

}  // namespace vpcprobe::app
