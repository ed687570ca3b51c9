#include "vpcprobe/model/app.hpp"

namespace vpcprobe::model {

std::string app_protocol_name(AppProtocol p) {
  switch (p) {
    case AppProtocol::none: return "none";
    case AppProtocol::postgres: return "postgres";
    case AppProtocol::tls: return "tls";
    case AppProtocol::http: return "http";
    case AppProtocol::redis: return "redis";
    case AppProtocol::mysql: return "mysql";
  }
  return "none";
}

std::optional<AppProtocol> parse_app_protocol(const std::string& s) {
  for (auto p : {AppProtocol::none, AppProtocol::postgres, AppProtocol::tls, AppProtocol::http, AppProtocol::redis, AppProtocol::mysql})
    if (s == app_protocol_name(p)) return p;
  return std::nullopt;
}

AppProtocol app_for_port(std::uint16_t port) {
  switch (port) {
    case 5432: return AppProtocol::postgres;
    case 443:
    case 8443:
    case 6443: return AppProtocol::tls;
    case 80:
    case 8080: return AppProtocol::http;
    case 6379: return AppProtocol::redis;
    case 3306: return AppProtocol::mysql;
    default: return AppProtocol::none;
  }
}

std::optional<AppProtocol> choose_app(const std::string& choice, std::optional<std::uint16_t> port) {
  auto chosen = choice == "auto" ? std::optional(port ? app_for_port(*port) : AppProtocol::none) : parse_app_protocol(choice);
  if (chosen && !port) return AppProtocol::none;
  return chosen;
}

Result<void> check_app_choice(const AppChoice& c, const std::string& prefix) {
  // "--app" on the command line, "target 'db': app" in the targets file
  const std::string at = prefix.empty() ? "--" : prefix + ": ";
  if (c.app != "auto" && !parse_app_protocol(c.app))
    return fail(Errc::invalid_argument, at + "app must be auto, none, postgres, tls, http, redis or mysql, got '" + c.app + "'");
  if (c.sni.size() > 253) return fail(Errc::invalid_argument, at + "sni is longer than a DNS name can be (253)");
  for (char ch : c.sni)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_'))
      return fail(Errc::invalid_argument, at + "sni must be a DNS name, got '" + c.sni + "'");
  if (c.http_path.empty() || c.http_path.front() != '/' || c.http_path.size() > 1024)
    return fail(Errc::invalid_argument, at + (prefix.empty() ? "http-path" : "http_path") + " must start with '/' (at most 1024 characters), got '" + c.http_path + "'");
  for (char ch : c.http_path)
    if (ch <= 0x20 || ch >= 0x7f) return fail(Errc::invalid_argument, at + (prefix.empty() ? "http-path" : "http_path") + " must be printable, without spaces (percent-encode them)");
  return {};
}

AppSpec app_spec_for(const AppChoice& c, std::optional<std::uint16_t> port) {
  AppSpec s;
  s.protocol = choose_app(c.app, port).value_or(AppProtocol::none);
  s.sni = c.sni;
  s.http_path = c.http_path;
  s.verify_cert = c.verify_cert;
  return s;
}

std::string spoken_name(Spoken s) {
  switch (s) {
    case Spoken::postgres: return "PostgreSQL";
    case Spoken::tls: return "TLS";
    case Spoken::http: return "HTTP";
    case Spoken::redis: return "Redis";
    case Spoken::mysql: return "MySQL";
    case Spoken::ssh: return "SSH";
    case Spoken::smtp: return "SMTP";
    case Spoken::ftp: return "FTP";
    case Spoken::unknown: return "unknown";
  }
  return "unknown";
}

std::string app_outcome_name(AppOutcome o) {
  switch (o) {
    case AppOutcome::answered: return "answered";
    case AppOutcome::silent: return "silent";
    case AppOutcome::reset: return "reset";
    case AppOutcome::closed: return "closed";
    case AppOutcome::incomplete: return "incomplete";
    case AppOutcome::other_protocol: return "other_protocol";
    case AppOutcome::handshake_failed: return "handshake_failed";
    case AppOutcome::connect_failed: return "connect_failed";
    case AppOutcome::interrupted: return "interrupted";
    case AppOutcome::unavailable: return "unavailable";
  }
  return "unknown";
}

}  // namespace vpcprobe::model
