#include "vpcprobe/config/targets.hpp"

// Header-only and without exceptions (errors are values here); Debian's shared build of toml++
// is compiled with exceptions, so it is not linked.
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>

#include <fmt/format.h>

#include <set>


namespace vpcprobe::config {

namespace {

Result<std::uint16_t> port_of(std::int64_t v, const std::string& where) {
  if (v < 1 || v > 65535) return fail(Errc::invalid_argument, fmt::format("{}: port {} is not 1-65535", where, v));
  return static_cast<std::uint16_t>(v);
}

bool valid_name(const std::string& n) {
  if (n.empty() || n.size() > 64) return false;
  for (char c : n)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
      return false;
  return true;
}

Result<void> only_keys(const toml::table& t, std::initializer_list<std::string_view> allowed, const std::string& where) {
  for (const auto& [key, _] : t) {
    bool ok = false;
    for (auto a : allowed) ok |= key.str() == a;
    if (!ok) return fail(Errc::invalid_argument, fmt::format("{}: unknown key '{}'", where, key.str()));
  }
  return {};
}

}  // namespace

namespace {
Result<model::Endpoint> endpoint(std::string_view text) {
  auto e = model::parse_endpoint(text);
  if (!e) return e;
  if (auto ok = model::check_family(*e); !ok) return std::unexpected(ok.error());
  if (!e->zone.empty())
    return fail(Errc::invalid_argument, fmt::format("'{}' is link-local: a neighbor, not a service path to check", e->text()));
  return e;
}
}  // namespace

Result<Targets> parse_targets(std::string_view text, std::string_view source) {
  auto parsed = toml::parse(text, source);
  if (!parsed) {
    const auto& err = parsed.error();
    return fail(Errc::invalid_argument, fmt::format("{} line {}: {}", source, err.source().begin.line, err.description()));
  }
  const toml::table& root = parsed.table();
  std::string src(source);
  if (auto ok = only_keys(root, {"timeout", "port", "app", "target", "neigh"}, src); !ok) return std::unexpected(ok.error());
  Targets out;
  std::string default_app = "auto";
  if (auto* a = root.get("app")) {
    auto v = a->value<std::string>();
    if (!v) return fail(Errc::invalid_argument, fmt::format("{}: app must be a string", src));
    default_app = *v;
  }
  if (auto* t = root.get("timeout")) {
    auto v = t->value<double>();
    if (!v || !(*v >= 0.05 && *v <= 60)) return fail(Errc::invalid_argument, fmt::format("{}: timeout must be 0.05 to 60 seconds", src));
    out.timeout = *v;
  }
  if (auto* p = root.get("port")) {
    auto v = p->value<std::int64_t>();
    if (!v) return fail(Errc::invalid_argument, fmt::format("{}: port must be a number", src));
    auto port = port_of(*v, src);
    if (!port) return std::unexpected(port.error());
    out.port = *port;
  }
  std::set<std::string> names;
  if (auto* arr = root.get("target")) {
    auto* targets = arr->as_array();
    if (!targets) return fail(Errc::invalid_argument, fmt::format("{}: write targets as [[target]] tables", src));
    for (std::size_t i = 0; i < targets->size(); ++i) {
      std::string where = fmt::format("{}: target #{}", src, i + 1);
      auto* t = (*targets)[i].as_table();
      if (!t) return fail(Errc::invalid_argument, where + ": not a table");
      if (auto ok = only_keys(*t, {"name", "private", "public", "app", "sni", "http_path", "verify_cert"}, where); !ok)
        return std::unexpected(ok.error());
      Target target;
      auto name = (*t)["name"].value<std::string>();
      if (!name || !valid_name(*name))
        return fail(Errc::invalid_argument, where + ": name must be 1-64 of [A-Za-z0-9_.-]");
      if (!names.insert(*name).second) return fail(Errc::invalid_argument, fmt::format("{}: target name '{}' is used twice", src, *name));
      target.name = *name;
      where = fmt::format("{}: target '{}'", src, target.name);
      auto priv = (*t)["private"].value<std::string>();
      if (!priv) return fail(Errc::invalid_argument, where + ": 'private' (HOST[:PORT]) is required");
      auto pe = endpoint(*priv);
      if (!pe) return fail(Errc::invalid_argument, fmt::format("{}: private: {}", where, pe.error().message));
      target.private_path = *pe;
      if (auto pub = (*t)["public"].value<std::string>()) {
        auto ue = endpoint(*pub);
        if (!ue) return fail(Errc::invalid_argument, fmt::format("{}: public: {}", where, ue.error().message));
        target.public_path = *ue;
      } else if ((*t).contains("public")) {
        return fail(Errc::invalid_argument, where + ": 'public' must be a string");
      }
      target.app.app = default_app;
      for (auto [key, into] : {std::pair{"app", &target.app.app}, std::pair{"sni", &target.app.sni}, std::pair{"http_path", &target.app.http_path}})
        if (t->contains(key)) {
          auto v = (*t)[key].value<std::string>();
          if (!v) return fail(Errc::invalid_argument, fmt::format("{}: {} must be a string", where, key));
          *into = *v;
        }
      if (t->contains("verify_cert")) {
        auto v = (*t)["verify_cert"].value<bool>();
        if (!v) return fail(Errc::invalid_argument, where + ": verify_cert must be true or false");
        target.app.verify_cert = *v;
      }
      if (auto ok = model::check_app_choice(target.app, where); !ok) return std::unexpected(ok.error());
      out.targets.push_back(std::move(target));
    }
  }
  if (out.targets.size() > kMaxTargets)
    return fail(Errc::invalid_argument, fmt::format("{}: at most {} targets per run", src, kMaxTargets));
  if (auto* arr = root.get("neigh")) {
    auto* audits = arr->as_array();
    if (!audits) return fail(Errc::invalid_argument, fmt::format("{}: write neighbor audits as [[neigh]] tables", src));
    for (std::size_t i = 0; i < audits->size(); ++i) {
      std::string where = fmt::format("{}: neigh #{}", src, i + 1);
      auto* t = (*audits)[i].as_table();
      if (!t) return fail(Errc::invalid_argument, where + ": not a table");
      if (auto ok = only_keys(*t, {"interface", "health"}, where); !ok) return std::unexpected(ok.error());
      NeighAuditSpec n;
      if (t->contains("health")) {
        auto h = (*t)["health"].value<bool>();
        if (!h) return fail(Errc::invalid_argument, where + ": health must be true or false");
        n.health = *h;
      }
      if (t->contains("interface")) {
        auto iface = (*t)["interface"].value<std::string>();
        if (!iface || iface->empty() || iface->size() > 15)
          return fail(Errc::invalid_argument, where + ": interface must be a name of 1-15 characters");
        n.interface = *iface;
      }
      out.neigh.push_back(n);
    }
  }
  if (out.targets.empty() && out.neigh.empty())
    return fail(Errc::invalid_argument, fmt::format("{}: nothing to check (no [[target]] and no [[neigh]])", src));
  return out;
}

}  // namespace vpcprobe::config
