#include "vpcprobe/wire/app.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include <fmt/format.h>

namespace vpcprobe::wire {

namespace {

using model::Spoken;

constexpr std::uint32_t kSslRequestCode = 80877103;  // 1234 << 16 | 5679
constexpr std::size_t kMaxLine = 8192;               // a status line or a Redis reply longer than this is not one

std::string_view as_text(ByteView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

bool starts_with(ByteView b, std::string_view prefix) { return as_text(b).starts_with(prefix); }
// The bytes so far could still become `prefix`.
bool could_be(ByteView b, std::string_view prefix) {
  const auto n = std::min(b.size(), prefix.size());
  return as_text(b).substr(0, n) == prefix.substr(0, n);
}

std::size_t find_crlf(ByteView b, std::size_t from = 0) {
  auto t = as_text(b);
  auto at = t.find("\r\n", from);
  return at == std::string_view::npos ? b.size() : at;
}

bool iequals_prefix(std::string_view line, std::string_view name) {
  if (line.size() < name.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return false;
  return true;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

// A printable, bounded copy of text from the wire.
std::string clean(std::string_view s, std::size_t most = 200) {
  std::string out;
  for (char c : s.substr(0, most)) out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  return out;
}

AppReading reading(AppParse state) {
  AppReading r;
  r.state = state;
  return r;
}
AppReading wrong() { return reading(AppParse::wrong); }
AppReading more() { return reading(AppParse::need_more); }

std::uint32_t le24(ByteView b) { return std::uint32_t{b[0]} | (std::uint32_t{b[1]} << 8) | (std::uint32_t{b[2]} << 16); }

// A PostgreSQL ErrorResponse: 'E', a length, fields (type byte, NUL-terminated text), a final NUL.
// Returns its message (the 'M' field), or nullopt when the bytes are not one (yet: `partial`).
std::optional<std::string> postgres_error(ByteView got, bool& partial) {
  partial = false;
  if (got.empty() || got[0] != 'E') return std::nullopt;
  Reader r(got.subspan(1));
  auto len = r.be32();
  if (!len) {
    partial = true;
    return std::nullopt;
  }
  if (*len < 5 || *len > 30000) return std::nullopt;
  auto body = r.take(*len - 4);
  if (!body) {
    partial = true;
    return std::nullopt;
  }
  auto t = as_text(*body);
  std::string message;
  std::size_t i = 0;
  while (i < t.size() && t[i] != '\0') {
    const char type = t[i++];
    auto end = t.find('\0', i);
    if (end == std::string_view::npos) return std::nullopt;
    if (type == 'M') message = clean(t.substr(i, end - i));
    i = end + 1;
  }
  return message;
}

}  // namespace

Bytes postgres_ssl_request() {
  Bytes out;
  Writer w(out);
  w.be32(8);
  w.be32(kSslRequestCode);
  return out;
}

Bytes redis_ping() {
  constexpr std::string_view ping = "*1\r\n$4\r\nPING\r\n";
  return Bytes(ping.begin(), ping.end());
}

Bytes http_head(const std::string& host, const std::string& path, const std::string& user_agent) {
  auto text = fmt::format("HEAD {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: {}\r\nAccept: */*\r\nConnection: close\r\n\r\n",
                          path.empty() ? "/" : path, host, user_agent);
  return Bytes(text.begin(), text.end());
}

Spoken sniff(ByteView b) {
  if (b.empty()) return Spoken::unknown;
  // a TLS record: content type 20..23, version major 3
  if (b[0] >= 0x14 && b[0] <= 0x17 && (b.size() < 2 || b[1] == 0x03)) return Spoken::tls;
  if (starts_with(b, "HTTP/")) return Spoken::http;
  if (starts_with(b, "SSH-")) return Spoken::ssh;
  if (starts_with(b, "220")) {
    auto line = as_text(b).substr(0, find_crlf(b));
    return line.find("FTP") != std::string_view::npos ? Spoken::ftp : Spoken::smtp;
  }
  if ((b[0] == '+' || b[0] == '-') && b.size() >= 2 && std::isupper(b[1])) return Spoken::redis;
  if (b.size() >= 5 && b[3] == 0 && (b[4] == 10 || b[4] == 0xff) && le24(b) > 0 && le24(b) < 4096) return Spoken::mysql;
  bool partial = false;
  if (postgres_error(b, partial) || partial) return b.size() >= 6 && b[5] == 'S' ? Spoken::postgres : Spoken::unknown;
  if (b.size() == 1 && (b[0] == 'N' || b[0] == 'S')) return Spoken::postgres;
  return Spoken::unknown;
}

AppReading read_postgres(ByteView got) {
  if (got.empty()) return more();
  if (got[0] == 'S' || got[0] == 'N') {
    // Anything after the one byte (before our handshake) would be injected: CVE-2021-23222.
    if (got.size() > 1) return wrong();
    AppReading r = reading(AppParse::done);
    r.answer = got[0] == 'S' ? "S" : "N";
    r.tls_follows = got[0] == 'S';
    return r;
  }
  bool partial = false;
  if (auto message = postgres_error(got, partial)) {
    AppReading r = reading(AppParse::done);
    r.answer = "E";
    r.error_reply = true;
    r.server = *message;  // the server's own words
    return r;
  }
  return partial ? more() : wrong();
}

AppReading read_http(ByteView got, bool complete) {
  if (!could_be(got, "HTTP/")) return wrong();
  const auto eol = find_crlf(got);
  if (eol == got.size()) return got.size() > kMaxLine ? wrong() : more();
  auto line = as_text(got).substr(0, eol);
  // HTTP/1.1 200 OK
  if (line.size() < 12 || line[8] != ' ' || !std::isdigit(static_cast<unsigned char>(line[9])) ||
      !std::isdigit(static_cast<unsigned char>(line[10])) || !std::isdigit(static_cast<unsigned char>(line[11])))
    return wrong();
  const auto end_of_headers = as_text(got).find("\r\n\r\n");
  if (end_of_headers == std::string_view::npos && !complete) return more();
  AppReading r = reading(AppParse::done);
  r.answer = clean(line);
  r.http_status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  r.error_reply = r.http_status >= 500;  // it answers, but reports its own failure (no backend, overloaded)
  auto headers = as_text(got).substr(eol + 2, end_of_headers == std::string_view::npos ? std::string_view::npos : end_of_headers - eol);
  while (!headers.empty()) {
    auto nl = headers.find("\r\n");
    auto h = headers.substr(0, nl);
    if (iequals_prefix(h, "server:")) r.server = clean(trim(h.substr(7)));
    if (nl == std::string_view::npos) break;
    headers.remove_prefix(nl + 2);
  }
  return r;
}

AppReading read_redis(ByteView got) {
  if (got.empty()) return more();
  const char kind = static_cast<char>(got[0]);
  if (kind != '+' && kind != '-' && kind != '$' && kind != '*' && kind != ':') return wrong();
  const auto eol = find_crlf(got);
  if (eol == got.size()) return got.size() > kMaxLine ? wrong() : more();
  AppReading r = reading(AppParse::done);
  auto line = as_text(got).substr(0, eol);
  r.answer = clean(line);
  if (kind == '-') {
    for (auto word : {"-NOAUTH", "-WRONGPASS", "-NOPERM"})
      if (line.starts_with(word)) r.auth_required = true;
    r.error_reply = !r.auth_required;
  }
  return r;
}

AppReading read_mysql(ByteView got) {
  if (got.size() < 5) return got.size() >= 4 && got[3] != 0 ? wrong() : more();
  const auto len = le24(got);
  if (got[3] != 0 || len == 0) return wrong();
  auto payload = got.subspan(4, std::min<std::size_t>(len, got.size() - 4));
  const bool whole = got.size() - 4 >= len;
  if (payload[0] == 0xff) {  // an error packet: code, '#' and a five-letter state, the message
    if (!whole) return len > 4096 ? wrong() : more();
    if (payload.size() < 3) return wrong();
    AppReading r = reading(AppParse::done);
    r.error_reply = true;
    r.mysql_error = payload[1] | (payload[2] << 8);
    auto text = as_text(payload.subspan(3));
    if (text.starts_with("#") && text.size() >= 6) text.remove_prefix(6);
    r.answer = clean(text);
    return r;
  }
  if (payload[0] != 10 && payload[0] != 9) return wrong();
  auto version = as_text(payload.subspan(1));
  auto nul = version.find('\0');
  if (nul == std::string_view::npos) return whole || version.size() > 256 ? wrong() : more();
  if (nul == 0 || nul > 256) return wrong();
  AppReading r = reading(AppParse::done);
  r.mysql_protocol = payload[0];
  r.answer = clean(version.substr(0, nul));
  return r;
}

std::string printable(ByteView bytes, std::size_t most) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < most; ++i) {
    const auto c = bytes[i];
    if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else if (c >= 0x20 && c < 0x7f && c != '\\') out += static_cast<char>(c);
    else out += fmt::format("\\x{:02x}", c);
  }
  if (bytes.size() > most) out += "...";
  return out;
}

}  // namespace vpcprobe::wire
