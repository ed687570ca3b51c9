// The application layer: what answered on the port, in a table cell, sentences and JSON.
#include "app_words.hpp"

#include <fmt/format.h>

#include <cstring>
#include <ctime>

#include "json_util.hpp"
#include "path_words.hpp"
#include "vpcprobe/render/words.hpp"
#include "vpcprobe/wire/app.hpp"

namespace vpcprobe::render::detail {

using model::AppOutcome;
using model::AppProtocol;
using model::Check;
using model::Finding;
using nlohmann::json;

namespace {

LayerWords words(std::string summary, std::vector<std::string> evidence = {}) { return {std::move(summary), std::move(evidence)}; }

std::string where(const model::PathResult& p) { return detail::with_port(p, ip_of(p), p.port.value_or(0)); }

// A Unix time in UTC, as `format` says (strftime); `none` for 0 (unknown).
std::string utc(std::int64_t t, const char* format, const char* none) {
  if (t == 0) return none;
  const auto tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}
std::string date_of(std::int64_t t) { return utc(t, "%Y-%m-%d", "?"); }
std::string iso_of(std::int64_t t) { return utc(t, "%Y-%m-%dT%H:%M:%SZ", ""); }

// What went out first: the words for the request the answer (or the silence) followed.
std::string request_words(const model::PathResult& p, const model::AppResult& a) {
  switch (p.app.protocol) {
    case AppProtocol::postgres:
      if (a.client_hello_bytes) return fmt::format("the TLS ClientHello ({} bytes) that followed its 'S'", a.client_hello_bytes);
      return "the PostgreSQL SSLRequest";
    case AppProtocol::tls: return fmt::format("the TLS ClientHello ({} bytes)", a.client_hello_bytes);
    case AppProtocol::http: return fmt::format("HEAD {}", p.app.http_path);
    case AppProtocol::redis: return "the Redis PING";
    case AppProtocol::mysql: return "the connection (MySQL speaks first: its greeting)";
    case AppProtocol::none: break;
  }
  return "the request";
}

std::string ms(double v) { return fmt::format("{:.1f} ms", v); }

std::string tls_summary(const model::TlsFacts& t) {
  const double days = t.days_left;
  std::string s = t.version;
  if (t.not_after) s += days < 0 ? ", cert expired" : fmt::format(", cert {:.0f} days", days);
  return s;
}

std::string tls_sentence(const model::AppResult& a) {
  const auto& t = *a.tls;
  std::string s = fmt::format("TLS handshake: {} {}", t.version, t.cipher);
  if (!t.subject.empty()) s += fmt::format("; certificate {} issued by {}", t.subject, t.issuer);
  if (t.not_after)
    s += t.days_left < 0 ? fmt::format(", expired on {} ({:.0f} days ago)", date_of(t.not_after), -t.days_left)
                         : fmt::format(", valid until {} ({:.0f} days)", date_of(t.not_after), t.days_left);
  if (!t.sans.empty()) {
    std::string list;
    for (std::size_t i = 0; i < t.sans.size() && i < 6; ++i) list += (i ? ", " : "") + t.sans[i];
    if (t.sans.size() > 6) list += fmt::format(" and {} more", t.sans.size() - 6);
    s += "; names " + list;
  }
  s += fmt::format("; SNI {}", t.sni.empty() ? "none (an address)" : t.sni);
  s += fmt::format("; ClientHello {} bytes.", a.client_hello_bytes);
  return s;
}

std::string verify_sentence(const model::PathResult& p, const model::TlsFacts& t) {
  if (t.verified) return "The certificate verifies against the system's trust store for that name.";
  return fmt::format("The certificate does not verify against the system's trust store: {}{}.", t.verify_error,
                     p.app.verify_cert ? "" : " (normal with a private CA; --verify-cert makes this a failure)");
}

// "PostgreSQL (SSLRequest: N)", "HTTP/1.1 200 OK", "Redis +PONG", "MySQL 8.0.36", "TLSv1.3, cert 89 days"
std::string answered_summary(const model::AppResult& a) {
  switch (a.protocol) {
    case AppProtocol::postgres: {
      std::string s = fmt::format("PostgreSQL (SSLRequest: {})", a.answer);
      if (a.tls) s += " " + a.tls->version;
      return s;
    }
    case AppProtocol::tls: return a.tls ? tls_summary(*a.tls) : "TLS";
    case AppProtocol::http: return a.answer;
    case AppProtocol::redis: return a.auth_required ? "Redis (needs AUTH)" : fmt::format("Redis {}", a.answer);
    case AppProtocol::mysql: return a.mysql_error ? fmt::format("MySQL error {}", a.mysql_error) : fmt::format("MySQL {}", a.answer);
    case AppProtocol::none: break;
  }
  return "answered";
}

std::string answered_sentence(const model::PathResult& p, const model::AppResult& a) {
  const std::string w = where(p);
  const std::string timing =
      a.first_byte_ms ? fmt::format("first byte {} after {}, connect {}", ms(*a.first_byte_ms), request_words(p, a), ms(a.connect_ms))
                      : fmt::format("connect {}", ms(a.connect_ms));
  switch (a.protocol) {
    case AppProtocol::postgres:
      if (a.answer == "E")
        return fmt::format("PostgreSQL at {} answered the SSLRequest with an error: \"{}\" ({}).", w, a.server, timing);
      if (a.answer == "S")
        return fmt::format("PostgreSQL at {} answered the SSLRequest with 'S' and completed the TLS handshake ({}).", w, timing);
      return fmt::format("PostgreSQL at {} answered the SSLRequest with 'N': it does not offer TLS, a plain startup follows ({}).", w,
                         timing);
    case AppProtocol::tls: return fmt::format("{} completed a TLS handshake ({}).", w, timing);
    case AppProtocol::http:
      return fmt::format("HTTP at {} answered HEAD {} with \"{}\"{} ({}).", w, p.app.http_path, a.answer,
                         a.server.empty() ? "" : fmt::format(", Server: {}", a.server), timing);
    case AppProtocol::redis:
      if (a.auth_required) return fmt::format("Redis at {} answered PING with \"{}\": it answers and wants a password ({}).", w, a.answer, timing);
      if (a.error_reply) return fmt::format("Redis at {} answered PING with an error: \"{}\" ({}).", w, a.answer, timing);
      return fmt::format("Redis at {} answered PING with \"{}\" ({}).", w, a.answer, timing);
    case AppProtocol::mysql:
      if (a.mysql_error)
        return fmt::format("MySQL at {} greeted with error {}: \"{}\" ({}).", w, a.mysql_error, a.answer, timing);
      return fmt::format("MySQL at {} greeted with protocol {}, server version {} ({}).", w, a.mysql_protocol, a.answer, timing);
    case AppProtocol::none: break;
  }
  return fmt::format("{} answered ({}).", w, timing);
}

std::string big_hello_words(const model::AppResult& a) {
  if (a.client_hello_bytes <= 1200) return "";
  return fmt::format(" The ClientHello ({} bytes) fills a full-size segment, so a path that drops large packets looks the same: "
                     "see the mtu row.", a.client_hello_bytes);
}

std::string bytes_words(const model::AppResult& a) {
  return fmt::format("\"{}\"", wire::printable(a.first_bytes, 16));
}

}  // namespace

std::string asked_name(AppProtocol p) {
  switch (p) {
    case AppProtocol::postgres: return "PostgreSQL";
    case AppProtocol::tls: return "TLS";
    case AppProtocol::http: return "HTTP";
    case AppProtocol::redis: return "Redis";
    case AppProtocol::mysql: return "MySQL";
    case AppProtocol::none: break;
  }
  return "none";
}

std::string s_client_command(const model::PathResult& p) {
  std::string name = !p.app.sni.empty() ? p.app.sni : (p.target && p.target->was_name ? p.input : std::string());
  return fmt::format("openssl s_client -connect {}{}{} -showcerts </dev/null", where(p), name.empty() ? "" : " -servername " + name,
                     p.app.protocol == AppProtocol::postgres ? " -starttls postgres" : "");
}

LayerWords application_words(const model::PathResult& p, const model::LayerResult& l) {
  if (l.finding == Finding::no_address) return words("no address");
  if (l.finding == Finding::app_not_asked) {
    if (!p.port) return words("no port given");
    return words("not asked", {fmt::format("No application check for port {} (--app auto knows 5432, 443, 8443, 6443, 80, 8080, 6379 "
                                           "and 3306; --app PROTOCOL asks one).", *p.port)});
  }
  if (l.finding == Finding::not_run) {
    if (!l.not_run) return words("not asked");
    if (l.not_run->cause == model::Cause::below_failure) return words("port not open");
    if (l.not_run->cause == model::Cause::interrupted) {
      if (p.app_result && p.app_result->out_of_time) {
        const auto rtt = model::path_rtt(p);
        return words("out of time (raise --timeout)",
                     {fmt::format("--timeout left too few round trips (the path's is {:.1f} ms) to ask the service: not tested; "
                                  "raise --timeout.", rtt ? rtt->ms : 0.0)});
      }
      return words("interrupted", {"The application check was cut short."});
    }
    if (l.check == Check::not_tested) return words("not tested", {describe(*l.not_run) + "."});
    return words("not asked", {describe(*l.not_run)});
  }
  if (!p.app_result) return words("unknown");
  const auto& a = *p.app_result;
  const std::string w = where(p);
  const std::string asked = asked_name(p.app.protocol);
  const double waited = a.total_ms - a.connect_ms;
  switch (l.finding) {
    case Finding::app_intermittent: {
      // what the failing connection was, in the words of a consistent failure of that kind
      model::LayerResult failed = l;
      failed.check = Check::fail;
      switch (a.outcome) {
        case AppOutcome::reset: failed.finding = Finding::app_reset; break;
        case AppOutcome::closed: failed.finding = Finding::app_closed; break;
        case AppOutcome::other_protocol: failed.finding = Finding::app_other_protocol; break;
        case AppOutcome::handshake_failed: failed.finding = Finding::app_handshake_failed; break;
        default: failed.finding = Finding::app_connect_failed; break;
      }
      const auto what = application_words(p, failed);
      const int failed_tries = p.app_tries - p.app_answered;
      std::vector<std::string> ev{fmt::format(
          "Of {} connections to {}, {} failed ({}) and {} answered{}: an intermittent fault: one backend of several behind a load "
          "balancer or proxy, or a limit the service reaches now and then.",
          p.app_tries, w, failed_tries, what.summary, p.app_answered,
          p.app_answer ? fmt::format(" ({})", answered_summary(*p.app_answer)) : std::string())};
      for (const auto& e : what.evidence) ev.push_back("The failing one: " + e);
      return words(fmt::format("intermittent: {} of {} failed", failed_tries, p.app_tries), ev);
    }
    case Finding::app_answered:
    case Finding::app_error_reply: {
      std::vector<std::string> ev{answered_sentence(p, a)};
      if (a.tls) ev.push_back(tls_sentence(a));
      const std::string t = a.first_byte_ms ? " " + ms(*a.first_byte_ms) : std::string();
      return words(answered_summary(a) + t, ev);
    }
    case Finding::app_cert_unverified: {
      std::vector<std::string> ev{verify_sentence(p, *a.tls), answered_sentence(p, a), tls_sentence(a)};
      return words(p.app.protocol == AppProtocol::postgres ? "PostgreSQL+TLS, cert not verified" : a.tls->version + ", cert not verified", ev);
    }
    case Finding::app_silent: {
      std::string s = fmt::format("{} accepted the connection (connect {}) and then said nothing for {} after {}: the service is hung "
                                  "or overloaded, or a proxy or load balancer in front of it holds connections it has no backend for.",
                                  w, ms(a.connect_ms), ms(waited), request_words(p, a));
      if (a.request_acked == true) s += " Its host acknowledged the request (TCP): it arrived, and the service did not answer.";
      s += big_hello_words(a);
      if (l.check == Check::warn) s += " The path also loses probes, so this may be loss.";
      return words("accepted, then silent", {s});
    }
    case Finding::app_request_lost: {
      if (a.request_held_here)
        return words("request held on this host",
                     {fmt::format("{} accepted the connection (connect {}), but {} never left this host: it waits unsent after {} "
                                  "while the handshake passed: {}.",
                                  w, ms(a.connect_ms), request_words(p, a), ms(waited), local_rule_words())});
      std::string s = fmt::format("{} accepted the connection (connect {}), but {} was never acknowledged ({} retransmission{} in {}): "
                                  "the handshake passes and the data after it is lost on the way: a firewall or security appliance "
                                  "that drops segments by length or content, or a path that drops large packets.",
                                  w, ms(a.connect_ms), request_words(p, a), a.retransmits, a.retransmits == 1 ? "" : "s", ms(waited));
      s += big_hello_words(a);
      if (l.check == Check::warn) s += " The path also loses probes, so this may be loss.";
      return words("request never acknowledged", {s});
    }
    case Finding::app_incomplete:
      return words(fmt::format("incomplete answer ({} byte{})", a.bytes_received, a.bytes_received == 1 ? "" : "s"),
                   {fmt::format("{} began to answer {} ({} byte{}: {}) and then stopped before the answer was complete (waited {}).", w,
                                request_words(p, a), a.bytes_received, a.bytes_received == 1 ? "" : "s", bytes_words(a), ms(waited))});
    case Finding::app_reset:
      return words("reset after accept",
                   {fmt::format("{} accepted the connection and then reset it {} later{}: the service (or a proxy in front of it) refuses "
                                "clients it has accepted: a connection limit, a client allow-list, a proxy without a healthy backend.",
                                w, ms(waited), a.bytes_received ? fmt::format(", after {} bytes ({})", a.bytes_received, bytes_words(a))
                                                                : std::string(" without a word"))});
    case Finding::app_closed:
      return words("closed without a word",
                   {fmt::format("{} accepted the connection and closed it {} after {} without sending a byte: a proxy with no backend, "
                                "or a service that drops clients it does not accept (a connection limit, an allow-list).",
                                w, ms(waited), request_words(p, a))});
    case Finding::app_other_protocol: {
      const std::string spoke = a.spoke == model::Spoken::unknown ? std::string("something else") : model::spoken_name(a.spoke);
      return words(a.spoke == model::Spoken::unknown ? fmt::format("not {}", asked) : fmt::format("speaks {}, not {}", spoke, asked),
                   {fmt::format("{} answered {} in {}, not {}: {}. Another service listens on the port, or the address belongs to a "
                                "proxy or load balancer.", w, request_words(p, a), spoke, asked, bytes_words(a))});
    }
    case Finding::app_handshake_failed:
      return words("TLS handshake failed", {fmt::format("The TLS handshake with {} failed: {} (ClientHello {} bytes).", w,
                                                        a.tls_error.empty() ? "no reason given" : a.tls_error, a.client_hello_bytes)});
    case Finding::app_connect_failed:
      return words("connect failed", {fmt::format("A SYN found {} open, but a connection to it failed: {}.{}", w, std::strerror(a.err),
                                                  l.check == Check::warn ? " The path also loses probes, so this may be loss." : "")});
    default: return words("unknown");
  }
}

json application_json(const model::PathResult& p) {
  if (!p.port || p.app.protocol == AppProtocol::none) return nullptr;
  json j = {{"asked", model::app_protocol_name(p.app.protocol)},
            {"not_run", p.app_not_run ? json(describe(*p.app_not_run)) : json(nullptr)}};
  if (!p.app_result) return j;
  const auto& a = *p.app_result;
  auto opt_str = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  j["outcome"] = model::app_outcome_name(a.outcome);
  j["spoke"] = a.spoke == model::Spoken::unknown ? json(nullptr) : json(model::spoken_name(a.spoke));
  j["answer"] = opt_str(a.answer);
  j["error_reply"] = a.error_reply;
  j["auth_required"] = a.auth_required;
  j["http_status"] = a.http_status ? json(a.http_status) : json(nullptr);
  j["server"] = opt_str(a.server);
  j["mysql_protocol"] = a.mysql_protocol ? json(a.mysql_protocol) : json(nullptr);
  j["mysql_error"] = a.mysql_error ? json(a.mysql_error) : json(nullptr);
  j["connect_ms"] = round3(a.connect_ms);
  j["first_byte_ms"] = a.first_byte_ms ? json(round3(*a.first_byte_ms)) : json(nullptr);
  j["total_ms"] = round3(a.total_ms);
  j["bytes_sent"] = a.bytes_sent;
  j["bytes_received"] = a.bytes_received;
  j["client_hello_bytes"] = a.client_hello_bytes ? json(a.client_hello_bytes) : json(nullptr);
  j["first_bytes"] = a.first_bytes.empty() ? json(nullptr) : json(wire::printable(a.first_bytes, 16));
  j["errno"] = a.err ? json(std::strerror(a.err)) : json(nullptr);
  j["request_acked"] = a.request_acked ? json(*a.request_acked) : json(nullptr);
  j["request_held_here"] = a.request_held_here;
  j["retransmits"] = a.retransmits;
  j["tls_error"] = opt_str(a.tls_error);
  json tls = nullptr;
  if (a.tls) {
    const auto& t = *a.tls;
    tls = {{"version", t.version}, {"cipher", t.cipher}, {"subject", t.subject}, {"issuer", t.issuer}, {"sans", t.sans},
           {"not_before", iso_of(t.not_before)}, {"not_after", iso_of(t.not_after)}, {"days_left", round3(t.days_left)},
           {"earliest_expiry", t.earliest_expiry}, {"chain_length", t.chain_length}, {"verified", t.verified},
           {"verify_error", opt_str(t.verify_error)}, {"sni", opt_str(t.sni)}};
  }
  j["tls"] = tls;
  j["tries"] = p.app_tries;
  j["answered_tries"] = p.app_answered;
  j["other_answer"] = p.app_answer ? json{{"outcome", model::app_outcome_name(p.app_answer->outcome)},
                                          {"answer", opt_str(p.app_answer->answer)},
                                          {"summary", answered_summary(*p.app_answer)}}
                                   : json(nullptr);
  return j;
}

}  // namespace vpcprobe::render::detail
