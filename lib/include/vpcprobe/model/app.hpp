#pragma once
// The application layer: whether the service behind an open port answers in its own protocol
// (PostgreSQL, TLS, HTTP, Redis, MySQL) over a real connection. Plain data: probe/app fills it,
// diag/ judges it, render/ puts it into words.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vpcprobe/model/result.hpp"

namespace vpcprobe::model {

// What to ask the service. `none`: only the port is checked (the transport layer).
enum class AppProtocol { none = 0, postgres, tls, http, redis, mysql };
std::string app_protocol_name(AppProtocol p);  // "none", "postgres", "tls", "http", "redis", "mysql"
// The protocol a name says ("postgres", ...); nullopt for an unknown word. "auto" is not one.
std::optional<AppProtocol> parse_app_protocol(const std::string& s);
// `auto`: the protocol a well-known port speaks (5432 postgres, 443/8443/6443 tls, 80/8080 http,
// 6379 redis, 3306 mysql), none for any other.
AppProtocol app_for_port(std::uint16_t port);
// `--app auto|none|PROTOCOL` for a path on `port` (none without a port); nullopt for an unknown word.
std::optional<AppProtocol> choose_app(const std::string& choice, std::optional<std::uint16_t> port);

// What was asked of one path's service, and how.
struct AppSpec {
  AppProtocol protocol = AppProtocol::none;
  std::string sni;          // TLS server name (empty: the name typed, none for an address)
  std::string http_path = "/";
  bool verify_cert = false; // an unverified certificate fails (else it is a warning)
  bool operator==(const AppSpec&) const = default;
};

// The application options as typed (--app, --sni, --http-path, --verify-cert, or a target's keys in
// the targets file): checked once at the edge, then turned into a path's AppSpec by its port.
struct AppChoice {
  std::string app = "auto";  // auto, none, or a protocol
  std::string sni;
  std::string http_path = "/";
  bool verify_cert = false;
};
// One clear sentence for what is wrong; `prefix` names where it was typed ("--app", "targets.toml: target 'db'").
Result<void> check_app_choice(const AppChoice& c, const std::string& prefix = "");
AppSpec app_spec_for(const AppChoice& c, std::optional<std::uint16_t> port);

// What spoke on the port, as far as its first bytes tell.
enum class Spoken {
  unknown = 0,  // nothing recognisable (or nothing at all)
  postgres, tls, http, redis, mysql, ssh, smtp, ftp,
};
std::string spoken_name(Spoken s);  // "PostgreSQL", "TLS", "HTTP", "Redis", "MySQL", "SSH", "SMTP", "FTP", "unknown"

// How the exchange ended.
enum class AppOutcome {
  answered = 1,      // the service answered in its protocol (see the details for errors it reported)
  silent,            // accepted, then nothing within the timeout
  reset,             // accepted, then reset (RST) before a complete answer
  closed,            // accepted, then closed (FIN) without a complete answer
  incomplete,        // started to answer, then stopped (or too slowly) before a complete answer
  other_protocol,    // answered in another protocol (see spoke)
  handshake_failed,  // TLS: the handshake failed (see tls_error)
  connect_failed,    // the connection itself failed (the SYN's answer was open, connect() was not)
  interrupted,       // cut short (a signal, the deadline) before it ended
  unavailable,       // could not run on this host (OpenSSL missing: see tls_error)
};
std::string app_outcome_name(AppOutcome o);

// The server certificate and the session, from a completed TLS handshake.
struct TlsFacts {
  std::string version;        // "TLSv1.3"
  std::string cipher;         // "TLS_AES_256_GCM_SHA384"
  std::string subject;        // one line, RFC 2253
  std::string issuer;
  std::vector<std::string> sans;  // DNS names and IP addresses
  std::int64_t not_before = 0, not_after = 0;  // Unix seconds
  double days_left = 0;       // until not_after, when the handshake was made (negative: expired)
  std::int64_t earliest_expiry = 0;  // the earliest notAfter of the chain the server sent (blackbox_exporter's)
  int chain_length = 0;       // certificates the server sent
  bool verified = false;      // against the system store, with the name (or address) checked
  std::string verify_error;   // why not
  std::string sni;            // the name sent (empty: none)
};

// What a service's answer said, as wire/app reads it from the bytes.
struct AppReply {
  std::string answer;        // in a few words: "N" (SSLRequest), the HTTP status line, "+PONG", the MySQL version
  bool error_reply = false;  // an error of the protocol's own, still the service answering (Redis -ERR, MySQL error packet, HTTP 5xx)
  bool auth_required = false;  // Redis -NOAUTH and the like: it answers, it wants a password
  int http_status = 0;
  std::string server;        // HTTP Server header; PostgreSQL: the ErrorResponse's message
  int mysql_protocol = 0;
  int mysql_error = 0;
};

struct AppResult : AppReply {
  AppProtocol protocol = AppProtocol::none;
  AppOutcome outcome = AppOutcome::interrupted;
  Spoken spoke = Spoken::unknown;  // what answered (the protocol asked, or another one)
  double connect_ms = 0;     // the TCP handshake of this connection
  std::optional<double> first_byte_ms;  // from the request (or, for a server that speaks first, the connection) to its first byte
  double total_ms = 0;       // from connect() to the end of the exchange
  std::size_t bytes_sent = 0, bytes_received = 0;
  std::size_t client_hello_bytes = 0;  // TLS: the ClientHello record(s) sent
  std::vector<std::uint8_t> first_bytes;  // the first bytes received (at most 16): evidence of what answered
  // silent, incomplete: did the server's host acknowledge what we sent (TCP_INFO)? false: the
  // request itself was lost on the way (data dropped after the handshake, or too big for the path)
  std::optional<bool> request_acked;
  bool request_held_here = false;  // not acknowledged, and never even counted as sent: this host's own firewall holds it
  int retransmits = 0;       // of our segments, by then
  bool out_of_time = false;  // interrupted: the timeout left too few round trips for the exchange
  int err = 0;               // errno of connect_failed / reset
  std::string tls_error;     // handshake_failed: OpenSSL's reason (or the alert)
  std::optional<TlsFacts> tls;  // tls, and postgres after 'S'
};

}  // namespace vpcprobe::model
