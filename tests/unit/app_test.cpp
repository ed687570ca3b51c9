// The application layer's bytes: what each check sends, how answers are read (whole, partial,
// wrong, hostile), what the first bytes of a stranger say, and which port asks which protocol.
#include <doctest/doctest.h>

#include <string>

#include "test_util.hpp"
#include "vpcprobe/model/app.hpp"
#include "vpcprobe/wire/app.hpp"

using namespace vpcprobe;
using namespace vpcprobe::wire;

namespace {
Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }
}  // namespace

TEST_CASE("app: the requests on the wire") {
  // length 8, code 1234.5679 (80877103 = 0x04d2162f)
  CHECK(postgres_ssl_request() == hex("00 00 00 08 04 d2 16 2f"));
  CHECK(redis_ping() == text("*1\r\n$4\r\nPING\r\n"));
  CHECK(http_head("db.vpc.internal", "/healthz", "vpcprobe") ==
        text("HEAD /healthz HTTP/1.1\r\nHost: db.vpc.internal\r\nUser-Agent: vpcprobe\r\nAccept: */*\r\nConnection: close\r\n\r\n"));
}

TEST_CASE("app: PostgreSQL answers the SSLRequest with one byte, or an error") {
  CHECK(read_postgres({}).state == AppParse::need_more);
  auto n = read_postgres(text("N"));
  CHECK(n.state == AppParse::done);
  CHECK(n.answer == "N");
  CHECK_FALSE(n.tls_follows);
  auto s = read_postgres(text("S"));
  CHECK(s.state == AppParse::done);
  CHECK(s.tls_follows);
  // Bytes after 'S' before our handshake would be injected (CVE-2021-23222): not PostgreSQL's answer.
  CHECK(read_postgres(text("S\x16\x03")).state == AppParse::wrong);
  // ErrorResponse: 'E', length 0x2f, fields S, C, M, the final NUL
  auto e = read_postgres(hex("45 00 00 00 32 53 46 41 54 41 4c 00 43 30 41 30 30 30 00 4d 75 6e 73 75 70 70 6f 72 74 65 64 20 66 72 "
                             "6f 6e 74 65 6e 64 20 70 72 6f 74 6f 63 6f 6c 00 00"));
  CHECK(e.state == AppParse::done);
  CHECK(e.error_reply);
  CHECK(e.server == "unsupported frontend protocol");
  CHECK(read_postgres(hex("45 00 00 00 2f 53 46")).state == AppParse::need_more);  // half of it
  CHECK(read_postgres(hex("45 ff ff ff ff")).state == AppParse::wrong);            // a length no error has
  CHECK(read_postgres(text("HTTP/1.1 400 Bad Request\r\n")).state == AppParse::wrong);
}

TEST_CASE("app: HTTP status line and Server header, complete or cut") {
  CHECK(read_http(text("HTT"), false).state == AppParse::need_more);
  CHECK(read_http(text("HTTP/1.1 200 OK\r\nServer: x"), false).state == AppParse::need_more);  // headers not ended yet
  auto r = read_http(text("HTTP/1.1 503 Service Unavailable\r\nDate: now\r\nserver:  nginx/1.22 \r\n\r\n"), false);
  CHECK(r.state == AppParse::done);
  CHECK(r.http_status == 503);
  CHECK(r.error_reply);  // it answers, and says it cannot serve: a warning
  CHECK(r.answer == "HTTP/1.1 503 Service Unavailable");
  CHECK(r.server == "nginx/1.22");
  // the connection ended (or the limit, the deadline) after the status line: still an HTTP answer
  auto cut = read_http(text("HTTP/1.0 200 OK\r\nX-Filler: aaaa"), true);
  CHECK(cut.state == AppParse::done);
  CHECK(cut.http_status == 200);
  CHECK_FALSE(cut.error_reply);
  CHECK(read_http(text("HTTP/1.1 2x0 OK\r\n"), false).state == AppParse::wrong);
  CHECK(read_http(text("SSH-2.0-OpenSSH\r\n"), false).state == AppParse::wrong);
  CHECK(read_http(text("HTTP/1.1 200 OK"), true).state == AppParse::need_more);  // the caller calls this incomplete
  CHECK(read_http(Bytes(9000, 'H'), false).state == AppParse::wrong);
}

TEST_CASE("app: Redis PING: PONG, a password wanted, or an error") {
  CHECK(read_redis(text("+PON")).state == AppParse::need_more);
  auto pong = read_redis(text("+PONG\r\n"));
  CHECK(pong.state == AppParse::done);
  CHECK(pong.answer == "+PONG");
  CHECK_FALSE(pong.error_reply);
  auto auth = read_redis(text("-NOAUTH Authentication required.\r\n"));
  CHECK(auth.auth_required);
  CHECK_FALSE(auth.error_reply);
  auto err = read_redis(text("-LOADING Redis is loading the dataset in memory\r\n"));
  CHECK(err.error_reply);
  CHECK(read_redis(text("HTTP/1.1 400\r\n")).state == AppParse::wrong);
}

TEST_CASE("app: MySQL greeting, error packet, and what is neither") {
  // length 0x0b, seq 0, protocol 10, "8.0.36\0", thread id 1
  auto g = read_mysql(hex("0b 00 00 00 0a 38 2e 30 2e 33 36 00 01 00 00 00"));
  CHECK(g.state == AppParse::done);
  CHECK(g.mysql_protocol == 10);
  CHECK(g.answer == "8.0.36");
  CHECK(read_mysql(hex("0b 00 00 00 0a 38 2e")).state == AppParse::need_more);
  // error 1130 (0x046a), state HY000
  auto e = read_mysql(hex("12 00 00 ff 6a 04 23 48 59 30 30 30 48 6f 73 74 20 64 65 6e 69 65 64 00"));
  CHECK(e.state == AppParse::wrong);  // sequence number 0xff: not a greeting
  auto e2 = read_mysql(hex("10 00 00 00 ff 6a 04 23 48 59 30 30 30 48 6f 73 74 20 6e 6f"));
  CHECK(e2.state == AppParse::done);
  CHECK(e2.error_reply);
  CHECK(e2.mysql_error == 1130);
  CHECK(e2.answer == "Host no");
  // A "greeting" of 16 MB whose version never ends: judged on the first 256 bytes, not read whole.
  Bytes huge = hex("ff ff ff 00 0a");
  huge.resize(5 + 300, 'a');
  CHECK(read_mysql(huge).state == AppParse::wrong);
  CHECK(read_mysql(text("+PONG\r\n")).state == AppParse::wrong);
}

TEST_CASE("app: the first bytes name the stranger") {
  CHECK(sniff(hex("16 03 03 00 7a 02")) == model::Spoken::tls);
  CHECK(sniff(hex("15 03 01 00 02 02 46")) == model::Spoken::tls);  // an alert
  CHECK(sniff(text("HTTP/1.1 400 Bad Request")) == model::Spoken::http);
  CHECK(sniff(text("SSH-2.0-OpenSSH_9.2")) == model::Spoken::ssh);
  CHECK(sniff(text("220 mail ESMTP Postfix\r\n")) == model::Spoken::smtp);
  CHECK(sniff(text("220 ProFTPD Server\r\n")) == model::Spoken::ftp);
  CHECK(sniff(text("-ERR unknown command\r\n")) == model::Spoken::redis);
  CHECK(sniff(hex("0b 00 00 00 0a 38 2e 30")) == model::Spoken::mysql);
  CHECK(sniff(hex("45 00 00 00 2f 53 46 41")) == model::Spoken::postgres);
  CHECK(sniff(text("N")) == model::Spoken::postgres);
  CHECK(sniff(hex("00 01 02 03")) == model::Spoken::unknown);
  CHECK(sniff({}) == model::Spoken::unknown);
  CHECK(printable(text("HTTP/1.1\r\n\x01")) == "HTTP/1.1\\r\\n\\x01");
  CHECK(printable(Bytes(40, 'a'), 4) == "aaaa...");
}

TEST_CASE("app: --app auto chooses by port; every word is checked at the edge") {
  using model::AppProtocol;
  CHECK(model::choose_app("auto", 5432) == AppProtocol::postgres);
  for (int p : {443, 8443, 6443}) CHECK(model::choose_app("auto", static_cast<std::uint16_t>(p)) == AppProtocol::tls);
  for (int p : {80, 8080}) CHECK(model::choose_app("auto", static_cast<std::uint16_t>(p)) == AppProtocol::http);
  CHECK(model::choose_app("auto", 6379) == AppProtocol::redis);
  CHECK(model::choose_app("auto", 3306) == AppProtocol::mysql);
  CHECK(model::choose_app("auto", 22) == AppProtocol::none);
  CHECK(model::choose_app("tls", 5432) == AppProtocol::tls);
  CHECK(model::choose_app("redis", std::nullopt) == AppProtocol::none);  // no port: nothing to ask
  CHECK_FALSE(model::choose_app("postgresql", 5432));
  model::AppChoice c;
  CHECK(model::check_app_choice(c));
  c.app = "pg";
  CHECK(model::check_app_choice(c).error().message == "--app must be auto, none, postgres, tls, http, redis or mysql, got 'pg'");
  c = {};
  c.http_path = "healthz";
  CHECK(model::check_app_choice(c, "targets.toml: target 'db'").error().message ==
        "targets.toml: target 'db': http_path must start with '/' (at most 1024 characters), got 'healthz'");
  c = {};
  c.http_path = "/a b";
  CHECK_FALSE(model::check_app_choice(c));
  c = {};
  c.sni = "db example";
  CHECK_FALSE(model::check_app_choice(c));
}
