#pragma once
// A TLS client handshake with OpenSSL, driven over memory buffers: the caller moves the bytes
// (probe/app owns the socket, the deadline and the read limit), this only speaks TLS. OpenSSL's
// headers stay in tls.cpp.
#include <cstddef>
#include <memory>
#include <string>

#include "vpcprobe/model/app.hpp"
#include "vpcprobe/model/result.hpp"
#include "vpcprobe/wire/bytes.hpp"

namespace vpcprobe::net {

struct TlsOptions {
  std::string sni;          // sent as server_name when it is a name (never for an address)
  std::string verify_name;  // the name (or address) the certificate must be for
  // Extra bytes in the ClientHello (an extension of a GREASE type, which servers ignore, RFC 8701),
  // so it is as large as current browsers' with post-quantum key shares (1.5-2 KB): a path that
  // drops big first segments shows here, as it does for them.
  std::size_t hello_padding = 1400;
};

class TlsClient {
 public:
  enum class State { want_input = 1, done, failed };
  static Result<std::unique_ptr<TlsClient>> create(const TlsOptions& options);
  // Loads OpenSSL now (the shared build loads it on first use): called when a TLS check is
  // planned, so the loading does not land in the middle of the probes' timing.
  static void preload();
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  // Runs the handshake as far as the bytes fed so far allow.
  State step();
  void feed(wire::ByteView received);
  wire::Bytes take_output();  // what to send now
  // failed: OpenSSL's reason ("wrong version number", "tlsv1 alert handshake failure")
  std::string error() const { return error_; }
  // done: the session and the server's certificate.
  model::TlsFacts facts() const;

 private:
  struct Impl;
  explicit TlsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string error_;
};

}  // namespace vpcprobe::net
