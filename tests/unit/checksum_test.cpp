#include <doctest/doctest.h>

#include "test_util.hpp"
#include "vpcprobe/wire/checksum.hpp"

using namespace vpcprobe::wire;

TEST_CASE("RFC 1071 example: 00 01 f2 03 f4 f5 f6 f7") {
  // 0001 + f203 + f4f5 + f6f7 = 0x2ddf0; fold: ddf0 + 2 = ddf2; ~ddf2 = 220d.
  const auto data = hex("00 01 f2 03 f4 f5 f6 f7");
  CHECK(ones_complement_sum(data) == 0xddf2);
  CHECK(internet_checksum(data) == 0x220d);
}

TEST_CASE("odd length pads the last byte with zero on the right") {
  // 0102 + 0300 = 0402; ~0402 = fbfd.
  CHECK(ones_complement_sum(hex("01 02 03")) == 0x0402);
  CHECK(internet_checksum(hex("01 02 03")) == 0xfbfd);
}

TEST_CASE("carries fold back in and edge values") {
  // ffff + ffff = 1fffe; fold: fffe + 1 = ffff; ~ffff = 0.
  CHECK(ones_complement_sum(hex("ff ff ff ff")) == 0xffff);
  CHECK(internet_checksum(hex("ff ff ff ff")) == 0x0000);
  CHECK(ones_complement_sum({}) == 0);
  CHECK(internet_checksum({}) == 0xffff);
  // An unfolded initial value is folded too: 0x1_0000 is 1 in one's complement.
  CHECK(ones_complement_sum({}, 0x10000) == 1);
}

TEST_CASE("a buffer carrying its own checksum sums to zero") {
  auto data = hex("00 01 f2 03 f4 f5 f6 f7 22 0d");
  CHECK(internet_checksum(data) == 0);
}

TEST_CASE("sums chain: sum(a) then b equals sum(a + b) for even-length a") {
  const auto a = hex("00 01 f2 03");
  const auto b = hex("f4 f5 f6 f7 09");
  auto ab = a;
  ab.insert(ab.end(), b.begin(), b.end());
  CHECK(ones_complement_sum(b, ones_complement_sum(a)) == ones_complement_sum(ab));
  CHECK(internet_checksum(b, ones_complement_sum(a)) == internet_checksum(ab));
}

TEST_CASE("pseudo header sum") {
  // 10.0.0.1 -> 10.0.0.2, TCP, 24 bytes: 0a00 + 0001 + 0a00 + 0002 + 0006 + 0018 = 1421.
  CHECK(pseudo_header_sum(Ipv4::from_octets(10, 0, 0, 1), Ipv4::from_octets(10, 0, 0, 2), 6, 24) ==
        0x1421);
  // Same as summing the 12 pseudo-header bytes.
  CHECK(pseudo_header_sum(Ipv4::from_octets(192, 168, 1, 1), Ipv4::from_octets(172, 16, 9, 9), 17,
                          0x1234) ==
        ones_complement_sum(hex("c0 a8 01 01 ac 10 09 09 00 11 12 34")));
}
