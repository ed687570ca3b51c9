// The application layer's readers (PostgreSQL, HTTP, Redis, MySQL) and the protocol sniffer over
// any bytes a server may send. Invariants: the words are bounded and printable, an answer that is
// done stays done when more bytes follow only for the readers that stop at their first answer,
// and reading never touches memory past the input.
#include <string>

#include "fuzz_common.hpp"
#include "vpcprobe/wire/app.hpp"

using namespace vpcprobe::wire;

namespace {

void check(const AppReading& r) {
  FUZZ_CHECK(r.answer.size() <= 256 && r.server.size() <= 256);
  for (char c : r.answer) FUZZ_CHECK(c >= 0x20 && c < 0x7f);
  for (char c : r.server) FUZZ_CHECK(c >= 0x20 && c < 0x7f);
  if (r.state != AppParse::done) FUZZ_CHECK(r.answer.empty() && !r.tls_follows);
  if (r.http_status) FUZZ_CHECK(r.http_status >= 0 && r.http_status <= 999);
  FUZZ_CHECK(r.mysql_error >= 0 && r.mysql_error <= 0xffff);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView in(data, size);
  (void)sniff(in);
  check(read_postgres(in));
  check(read_http(in, false));
  check(read_http(in, true));
  check(read_redis(in));
  check(read_mysql(in));
  const auto shown = printable(in, 16);
  FUZZ_CHECK(shown.size() <= 16 * 4 + 3);
  // A reply that is complete stays the same reply when more bytes follow it (the readers stop at
  // their answer, except HTTP, which waits for the end of the headers).
  if (size > 1) {
    const auto first = read_redis(in.first(size - 1));
    if (first.state == AppParse::done) FUZZ_CHECK(read_redis(in).answer == first.answer);
  }
  return 0;
}
