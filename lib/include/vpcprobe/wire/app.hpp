#pragma once
// The few bytes each application check sends, and the reading of what came back: pure functions
// over untrusted bytes (bounded, never past the end), so that the probe only moves bytes.
//
//  PostgreSQL SSLRequest (protocol 3, "53.3. Message Formats"):
//    +--------------------+----------------------------+
//    | length = 8 (be32)  | code = 80877103 (be32)     |   answered by one byte: 'S' or 'N'
//    +--------------------+----------------------------+   ('E': a server too old for SSL)
//  MySQL initial handshake (server first):
//    | payload length (le24) | seq = 0 | protocol 10 | server version ... NUL | ...
//    or an error packet:     | ...     | 0xff | error code (le16) | '#' state(5) | message |
//  Redis: "*1\r\n$4\r\nPING\r\n" answered by "+PONG\r\n" or an error line "-NOAUTH ...\r\n".
//  HTTP: "HEAD / HTTP/1.1" answered by "HTTP/1.1 200 OK\r\n" and headers up to an empty line.
#include <cstdint>
#include <string>

#include "vpcprobe/model/app.hpp"
#include "vpcprobe/wire/bytes.hpp"

namespace vpcprobe::wire {

Bytes postgres_ssl_request();
Bytes redis_ping();
// `host` goes into the Host header as given (a name, or an address; IPv6 in brackets).
Bytes http_head(const std::string& host, const std::string& path, const std::string& user_agent);

// What the first bytes of an answer look like (at least one byte; more tells more).
model::Spoken sniff(ByteView first);

// Reading an answer as it arrives: more bytes needed, a complete answer in the protocol asked, or
// an answer in another (or no known) protocol.
enum class AppParse { need_more = 1, done, wrong };
struct AppReading : model::AppReply {
  AppParse state = AppParse::need_more;
  bool tls_follows = false;  // PostgreSQL 'S': the server waits for a TLS handshake
};

// Each reads everything received so far (`got`); `complete`: no more bytes will come (the peer
// closed, or the read limit or the deadline was reached), so a partial answer is judged as it is.
AppReading read_postgres(ByteView got);
AppReading read_http(ByteView got, bool complete);
AppReading read_redis(ByteView got);
AppReading read_mysql(ByteView got);

// Printable evidence of bytes that were not understood: ASCII where printable, \xNN elsewhere.
std::string printable(ByteView bytes, std::size_t most = 32);

}  // namespace vpcprobe::wire
