// One parser at the edge: what every command and the targets file accept as a target.
#include <doctest/doctest.h>

#include "vpcprobe/model/endpoint.hpp"

using namespace vpcprobe;
using model::parse_endpoint;

TEST_CASE("endpoints: names, IPv4 and IPv6 literals, with and without a port") {
  struct Case {
    const char* text;
    const char* host;
    int port;  // -1: none
    bool literal;
    const char* zone;
    const char* canonical;
  };
  const Case cases[] = {
      {"db.vpc.internal", "db.vpc.internal", -1, false, "", "db.vpc.internal"},
      {"db.vpc.internal:5432", "db.vpc.internal", 5432, false, "", "db.vpc.internal:5432"},
      {"10.124.0.5", "10.124.0.5", -1, true, "", "10.124.0.5"},
      {"10.124.0.5:1", "10.124.0.5", 1, true, "", "10.124.0.5:1"},
      {"fd00:7c::5", "fd00:7c::5", -1, true, "", "fd00:7c::5"},
      {"[fd00:7c::5]:5432", "fd00:7c::5", 5432, true, "", "[fd00:7c::5]:5432"},
      {"[fd00:7c::5]", "fd00:7c::5", -1, true, "", "fd00:7c::5"},
      {"fe80::1%vpc0", "fe80::1", -1, true, "vpc0", "fe80::1%vpc0"},
      {"[fe80::1%vpc0]:22", "fe80::1", 22, true, "vpc0", "[fe80::1%vpc0]:22"},
      {"localhost:65535", "localhost", 65535, false, "", "localhost:65535"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto e = parse_endpoint(c.text);
    REQUIRE(e);
    CHECK(e->host == c.host);
    CHECK(e->port.has_value() == (c.port >= 0));
    if (c.port >= 0) CHECK(*e->port == c.port);
    CHECK(e->literal.has_value() == c.literal);
    CHECK(e->is_name() == !c.literal);
    CHECK(e->zone == c.zone);
    CHECK(e->text() == c.canonical);
  }
}

TEST_CASE("endpoints: every malformed one is one clear invalid_argument") {
  struct Case {
    const char* text;
    const char* says;
  };
  const Case cases[] = {
      {"", "empty"},
      {"db:0", "not a port"},
      {"db:65536", "not a port"},
      {"db:", "not a port"},
      {"db:54x", "not a port"},
      {"999.1.1.1", "not a valid IPv4 address"},
      {"999.1.1.1:22", "not a valid IPv4 address"},
      {"a;b:5432", "host name contains ';'"},
      {"fd00::5:5432:x", "not a valid IPv6 address"},
      {"fd00::1:2:3:4:5:6:7:8", "[ADDRESS]:PORT"},
      {"[fd00::5", "'[' without ']'"},
      {"[fd00::5]x", "expected ':PORT'"},
      {"[fd00::5]:0", "not a port"},
      {"[not-v6]:22", "not a valid IPv6 address"},
      {"fd00::5%vpc0", "belongs only to a link-local"},
      {"fe80::1%", "is not an interface name"},
      {"fe80::1%a/b", "is not an interface name"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto e = parse_endpoint(c.text);
    REQUIRE_FALSE(e);
    CHECK(e.error().code == Errc::invalid_argument);
    CHECK(e.error().message.find(c.says) != std::string::npos);
  }
  std::string long_label(64, 'a');
  CHECK_FALSE(parse_endpoint(long_label + ".example"));
  CHECK_FALSE(parse_endpoint(std::string(254, 'a')));
}

TEST_CASE("family policy: both families by default, one with -4/-6; link-local needs its zone") {
  auto v6 = *parse_endpoint("[fd00:7c::5]:5432");
  auto v4 = *parse_endpoint("10.124.0.5");
  auto name = *parse_endpoint("db.vpc.internal");
  CHECK(model::check_family(v6));
  CHECK(model::check_family(v4));
  CHECK(model::check_family(name));
  const auto only4 = model::FamilyPolicy::only(wire::Family::v4), only6 = model::FamilyPolicy::only(wire::Family::v6);
  REQUIRE_FALSE(model::check_family(v6, only4));
  CHECK(model::check_family(v6, only4).error().message.find("-4") != std::string::npos);
  CHECK(model::check_family(v6, only6));
  REQUIRE_FALSE(model::check_family(v4, only6));
  CHECK(model::check_family(v4, only6).error().message.find("-6") != std::string::npos);
  CHECK(model::check_family(name, only6));
  // A link-local literal without its interface cannot be sent to; with one it can.
  auto ll = *parse_endpoint("fe80::1");
  REQUIRE_FALSE(model::check_family(ll));
  CHECK(model::check_family(ll).error().message.find("%IFACE") != std::string::npos);
  CHECK(model::check_family(*parse_endpoint("fe80::1%vpc0")));
  // The sockets a run opens: a literal's own family, a name's every family the run speaks.
  CHECK(model::families_for(v6, {}).v6);
  CHECK_FALSE(model::families_for(v6, {}).v4);
  CHECK(model::families_for(name, {}).v4);
  CHECK(model::families_for(name, {}).v6);
  CHECK_FALSE(model::families_for(name, only4).v6);
}

TEST_CASE("ports and port lists") {
  CHECK(*model::parse_port("5432") == 5432);
  CHECK_FALSE(model::parse_port("0"));
  CHECK_FALSE(model::parse_port("123456"));
  CHECK(*model::parse_ports("80,443") == std::vector<std::uint16_t>{80, 443});
  CHECK(model::parse_ports("8000-8010")->size() == 11);
  CHECK_FALSE(model::parse_ports("10-5"));
  CHECK_FALSE(model::parse_ports("1,,2"));
  CHECK_FALSE(model::parse_ports("1-70000"));
  auto many = model::parse_ports("1-2000");
  REQUIRE_FALSE(many);
  CHECK(many.error().message.find("at most 1024") != std::string::npos);
}
