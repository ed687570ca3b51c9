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
