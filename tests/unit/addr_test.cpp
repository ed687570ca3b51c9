#include <doctest/doctest.h>

#include "vpcprobe/wire/addr.hpp"

using vpcprobe::wire::Ipv4;
using vpcprobe::wire::Mac;

TEST_CASE("Ipv4 parses dotted quads strictly") {
  CHECK(Ipv4::parse("10.124.0.5")->value == 0x0a7c0005u);
  CHECK(Ipv4::parse("0.0.0.0")->value == 0u);
  CHECK(Ipv4::parse("255.255.255.255")->value == 0xffffffffu);
  for (const char* bad : {"999.1.1.1", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3", "01.2.3.4", "1.2.3.256", "a.b.c.d",
                          "1.2.3.4 ", "", "1..2.3", "1234.1.1.1", "10.0.0.1/24"}) {
    CAPTURE(bad);
    CHECK_FALSE(Ipv4::parse(bad).has_value());
  }
}

TEST_CASE("Ipv4 prints canonically and round-trips") {
  CHECK(Ipv4::from_octets(198, 51, 100, 10).to_string() == "198.51.100.10");
  CHECK(Ipv4::parse(Ipv4{0xc0000201}.to_string())->value == 0xc0000201u);
  CHECK(Ipv4::parse("127.0.0.1")->is_loopback());
  CHECK(Ipv4::parse("224.0.0.1")->is_multicast());
}

TEST_CASE("Mac parses and prints") {
  auto m = Mac::parse("02:AB:cd:00:11:ff");
  REQUIRE(m);
  CHECK(m->to_string() == "02:ab:cd:00:11:ff");
  CHECK(Mac::parse("02-ab-cd-00-11-ff").has_value());
  CHECK_FALSE(Mac::parse("02:ab:cd:00:11").has_value());
  CHECK_FALSE(Mac::parse("02:ab:cd:00:11:fg").has_value());
  CHECK_FALSE(Mac::parse("02:ab:cd:00:11:ff:").has_value());
  CHECK(Mac::broadcast().is_broadcast());
  CHECK(Mac{}.is_zero());
  CHECK(Mac::parse("01:00:5e:00:00:01")->is_multicast());
}

TEST_CASE("numeric-looking strings are told apart from names") {
  CHECK(vpcprobe::wire::looks_numeric_ipv4("999.1.1.1"));
  CHECK_FALSE(vpcprobe::wire::looks_numeric_ipv4("db.internal"));
  CHECK_FALSE(vpcprobe::wire::looks_numeric_ipv4(""));
}

using vpcprobe::wire::IpAddr;
using vpcprobe::wire::IpPrefix;
using vpcprobe::wire::Ipv6;

TEST_CASE("Ipv6 parses RFC 4291 forms and prints RFC 5952") {
  struct Case { const char* in; const char* out; };
  for (auto c : {Case{"fd00:7c::5", "fd00:7c::5"}, Case{"::", "::"}, Case{"::1", "::1"},
                 Case{"2001:DB8:0:0:0:0:2:1", "2001:db8::2:1"}, Case{"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
                 Case{"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"}, Case{"2001:db8::1:0:0:1", "2001:db8::1:0:0:1"},
                 Case{"fe80::1", "fe80::1"}, Case{"::ffff:10.124.0.5", "::ffff:10.124.0.5"},
                 Case{"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"}, Case{"0:0:0:0:0:0:0:0", "::"}}) {
    CAPTURE(c.in);
    auto a = Ipv6::parse(c.in);
    REQUIRE(a);
    CHECK(a->to_string() == c.out);
    CHECK(Ipv6::parse(a->to_string()) == a);
  }
  for (const char* bad : {"", ":", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::1", "g::1", "1:",
                          ":1", "::1.2.3", "::1.2.3.4:5", "fe80::1%eth0", "[::1]", "1:2:3:4:5:6:7:8::"}) {
    CAPTURE(bad);
    CHECK_FALSE(Ipv6::parse(bad).has_value());
  }
  CHECK(Ipv6::parse("::1")->is_loopback());
  CHECK(Ipv6::parse("fe80::1")->is_link_local());
  CHECK(Ipv6::parse("ff02::1:ff00:5")->is_multicast());
}

TEST_CASE("IpAddr holds either family; bytes are network order") {
  auto v4 = IpAddr::parse("10.124.0.5");
  REQUIRE(v4);
  CHECK(v4->is_v4());
  CHECK(v4->v4().value == 0x0a7c0005u);
  CHECK(v4->bytes().size() == 4);
  CHECK(v4->bytes()[0] == 10);
  CHECK(v4->to_string() == "10.124.0.5");
  auto v6 = IpAddr::parse("fd00:7c::5");
  REQUIRE(v6);
  CHECK(v6->is_v6());
  CHECK(v6->bytes().size() == 16);
  CHECK(v6->to_string() == "fd00:7c::5");
  CHECK(*v4 != *v6);
  CHECK(IpAddr::from_bytes(v6->bytes()) == v6);
  CHECK(IpAddr::from_bytes(v4->bytes()) == v4);
  std::uint8_t five[5] = {};
  CHECK_FALSE(IpAddr::from_bytes(five).has_value());
  CHECK(IpAddr{} == IpAddr(vpcprobe::wire::Ipv4{}));
}

TEST_CASE("IpPrefix contains by family and bits") {
  IpPrefix p{*IpAddr::parse("10.124.0.2"), 20};
  CHECK(p.contains(*IpAddr::parse("10.124.15.255")));
  CHECK_FALSE(p.contains(*IpAddr::parse("10.124.16.0")));
  CHECK_FALSE(p.contains(*IpAddr::parse("::ffff:10.124.0.5")));
  CHECK(IpPrefix{*IpAddr::parse("0.0.0.0"), 0}.contains(*IpAddr::parse("8.8.8.8")));
  IpPrefix v6{*IpAddr::parse("fd00:7c::2"), 64};
  CHECK(v6.contains(*IpAddr::parse("fd00:7c::5")));
  CHECK_FALSE(v6.contains(*IpAddr::parse("fd00:7d::5")));
  CHECK(IpPrefix{*IpAddr::parse("10.0.0.1"), 32}.contains(*IpAddr::parse("10.0.0.1")));
}

TEST_CASE("private, shared and public address scopes") {
  using vpcprobe::wire::is_non_public;
  for (const char* a : {"10.124.0.5", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1", "100.127.255.255",
                        "169.254.169.254", "127.0.0.1", "fd00:7c::5", "fe80::1", "::1", "::ffff:10.0.0.1"}) {
    CAPTURE(a);
    CHECK(is_non_public(*IpAddr::parse(a)));
  }
  for (const char* a : {"198.51.100.10", "172.32.0.1", "172.15.255.255", "100.128.0.1", "192.169.0.1", "8.8.8.8",
                        "2001:db8::1", "::ffff:198.51.100.10"}) {
    CAPTURE(a);
    CHECK_FALSE(is_non_public(*IpAddr::parse(a)));
  }
}
