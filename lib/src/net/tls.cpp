#include "vpcprobe/net/tls.hpp"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>
#include <ctime>

namespace vpcprobe::net {

namespace {

constexpr unsigned int kGreaseExtension = 0x1a1a;  // RFC 8701: a value servers must ignore

struct Padding {
  std::vector<unsigned char> bytes;
};

int add_padding(SSL*, unsigned int, unsigned int, const unsigned char** out, size_t* outlen, X509*, size_t, int*, void* arg) {
  const auto* p = static_cast<const Padding*>(arg);
  if (p->bytes.empty()) return 0;  // 0: do not add the extension
  *out = p->bytes.data();
  *outlen = p->bytes.size();
  return 1;
}
int parse_padding(SSL*, unsigned int, unsigned int, const unsigned char*, size_t, X509*, size_t, int*, void*) { return 1; }

bool is_address(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

std::string name_line(const X509_NAME* name) {
  if (!name) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  if (!bio) return {};
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(std::max(0L, std::min(n, 1024L))));
  BIO_free(bio);
  return out;
}

std::int64_t unix_time(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::vector<std::string> subject_alt_names(X509* cert) {
  std::vector<std::string> out;
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (!names) return out;
  const int n = sk_GENERAL_NAME_num(names);
  for (int i = 0; i < n && out.size() < 64; ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
    if (g->type == GEN_DNS) {
      const auto* s = g->d.dNSName;
      out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<std::size_t>(std::min(ASN1_STRING_length(s), 255)));
    } else if (g->type == GEN_IPADD) {
      const auto* s = g->d.iPAddress;
      char text[INET6_ADDRSTRLEN] = {};
      const int len = ASN1_STRING_length(s);
      if (len == 4 || len == 16) {
        inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(s), text, sizeof text);
        out.emplace_back(text);
      }
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

}  // namespace

struct TlsClient::Impl {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  BIO* in = nullptr;   // what the server sent, fed by us; owned by ssl
  BIO* out = nullptr;  // what to send, taken by us; owned by ssl
  Padding padding;
  std::string sni;
  ~Impl() {
    if (ssl) SSL_free(ssl);
    if (ctx) SSL_CTX_free(ctx);
  }
};

TlsClient::TlsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsClient::~TlsClient() = default;

Result<std::unique_ptr<TlsClient>> TlsClient::create(const TlsOptions& o) {
  auto impl = std::make_unique<Impl>();
  impl->ctx = SSL_CTX_new(TLS_client_method());
  if (!impl->ctx) return fail(Errc::system, "TLS: no context (OpenSSL)");
  SSL_CTX_set_min_proto_version(impl->ctx, TLS1_VERSION);
  // Verified, but never refused here: the result is a fact of the report (a private CA is normal).
  SSL_CTX_set_verify(impl->ctx, SSL_VERIFY_NONE, nullptr);
  // The hashed directory only (/etc/ssl/certs, or $SSL_CERT_DIR): issuers are looked up one by one
  // as the chain needs them. The bundle file would be parsed whole, ~150 certificates, tens of
  // milliseconds per handshake on the one thread that runs every probe.
  SSL_CTX_set_default_verify_dir(impl->ctx);
  impl->padding.bytes.assign(o.hello_padding, 0);
  if (o.hello_padding > 0 &&
      SSL_CTX_add_custom_ext(impl->ctx, kGreaseExtension, SSL_EXT_CLIENT_HELLO, add_padding, nullptr, &impl->padding,
                             parse_padding, nullptr) != 1)
    return fail(Errc::system, "TLS: cannot add the ClientHello padding (OpenSSL)");
  impl->ssl = SSL_new(impl->ctx);
  impl->in = BIO_new(BIO_s_mem());
  impl->out = BIO_new(BIO_s_mem());
  if (!impl->ssl || !impl->in || !impl->out) {
    if (impl->in) BIO_free(impl->in);
    if (impl->out) BIO_free(impl->out);
    return fail(Errc::system, "TLS: no session (OpenSSL)");
  }
  BIO_set_mem_eof_return(impl->in, -1);  // no bytes yet is "retry", not the end
  SSL_set_bio(impl->ssl, impl->in, impl->out);
  SSL_set_connect_state(impl->ssl);
  if (!o.sni.empty() && !is_address(o.sni)) {
    SSL_set_tlsext_host_name(impl->ssl, o.sni.c_str());
    impl->sni = o.sni;
  }
  if (!o.verify_name.empty()) {
    if (is_address(o.verify_name)) X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(impl->ssl), o.verify_name.c_str());
    else SSL_set1_host(impl->ssl, o.verify_name.c_str());
  }
  return std::unique_ptr<TlsClient>(new TlsClient(std::move(impl)));
}

TlsClient::State TlsClient::step() {
  ERR_clear_error();
  const int rc = SSL_do_handshake(impl_->ssl);
  if (rc == 1) return State::done;
  const int e = SSL_get_error(impl_->ssl, rc);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return State::want_input;
  const unsigned long code = ERR_peek_last_error();
  const char* reason = code ? ERR_reason_error_string(code) : nullptr;
  error_ = reason ? reason : "handshake failed";
  ERR_clear_error();
  return State::failed;
}

void TlsClient::feed(wire::ByteView received) {
  if (!received.empty()) BIO_write(impl_->in, received.data(), static_cast<int>(received.size()));
}

wire::Bytes TlsClient::take_output() {
  wire::Bytes out(static_cast<std::size_t>(BIO_ctrl_pending(impl_->out)));
  if (out.empty()) return out;
  const int n = BIO_read(impl_->out, out.data(), static_cast<int>(out.size()));
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

model::TlsFacts TlsClient::facts() const {
  model::TlsFacts f;
  SSL* ssl = impl_->ssl;
  f.version = SSL_get_version(ssl);
  if (const SSL_CIPHER* c = SSL_get_current_cipher(ssl)) f.cipher = SSL_CIPHER_get_name(c);
  f.sni = impl_->sni;
  if (X509* cert = SSL_get1_peer_certificate(ssl)) {
    f.subject = name_line(X509_get_subject_name(cert));
    f.issuer = name_line(X509_get_issuer_name(cert));
    f.sans = subject_alt_names(cert);
    f.not_before = unix_time(X509_get0_notBefore(cert));
    f.not_after = unix_time(X509_get0_notAfter(cert));
    f.earliest_expiry = f.not_after;
    if (f.not_after) f.days_left = static_cast<double>(f.not_after - static_cast<std::int64_t>(std::time(nullptr))) / 86400.0;
    X509_free(cert);
  }
  if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl)) {
    f.chain_length = sk_X509_num(chain);
    for (int i = 0; i < f.chain_length; ++i) {
      const auto t = unix_time(X509_get0_notAfter(sk_X509_value(chain, i)));
      if (t && (f.earliest_expiry == 0 || t < f.earliest_expiry)) f.earliest_expiry = t;
    }
  }
  const long v = SSL_get_verify_result(ssl);
  f.verified = v == X509_V_OK && f.chain_length > 0;
  if (!f.verified) f.verify_error = v == X509_V_OK ? "no certificate" : X509_verify_cert_error_string(v);
  return f;
}

}  // namespace vpcprobe::net
