#include "vpcprobe/net/tls.hpp"

#include <arpa/inet.h>
#include <dirent.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

#include "ssl_api.hpp"

#if VPCPROBE_SSL_DLOPEN
#include "../sys/library.hpp"
#endif

namespace vpcprobe::net {

namespace {

Result<SslApi> load() {
  SslApi api;
#if VPCPROBE_SSL_DLOPEN
  // libssl.so.3 brings libcrypto.so.3 along; dlsym() on its handle searches both.
  auto lib = sys::open_library({sys::kLibssl}, sys::kLibsslMissing);
  if (!lib) return std::unexpected(lib.error());
  const char* missing = nullptr;
#define VPCPROBE_SSL_RESOLVE(name) sys::resolve(*lib, api.name, #name, missing);
  VPCPROBE_SSL_FUNCTIONS(VPCPROBE_SSL_RESOLVE)
#undef VPCPROBE_SSL_RESOLVE
  if (missing) return fail(Errc::system, fmt::format("TLS: the OpenSSL found has no {} (OpenSSL 3 is needed)", missing));
  // Never dlclose()d: sessions may live until exit.
#else
#define VPCPROBE_SSL_LINKED(name) api.name = &::name;
  VPCPROBE_SSL_FUNCTIONS(VPCPROBE_SSL_LINKED)
#undef VPCPROBE_SSL_LINKED
#endif
  return api;
}

}  // namespace

Result<const SslApi*> ssl_api() {
  static const Result<SslApi> loaded = load();
  if (!loaded) return std::unexpected(loaded.error());
  return &*loaded;
}

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

// Does the trust store's hashed directory ($SSL_CERT_DIR, else OpenSSL's default) hold any
// certificate link (NAME.0)? Debian's /etc/ssl/certs does; a system with only a bundle file does not.
bool hashed_dir(const SslApi& a) {
  const char* env = std::getenv(a.X509_get_default_cert_dir_env());
  const std::string dirs = env && *env ? env : a.X509_get_default_cert_dir();
  std::size_t from = 0;
  while (from <= dirs.size()) {
    const auto to = std::min(dirs.find(':', from), dirs.size());
    if (DIR* d = ::opendir(dirs.substr(from, to - from).c_str())) {
      bool found = false;
      while (const dirent* e = ::readdir(d))
        if (std::string_view name = e->d_name; name.size() > 2 && name.ends_with(".0")) {
          found = true;
          break;
        }
      ::closedir(d);
      if (found) return true;
    }
    from = to + 1;
  }
  return false;
}

bool is_address(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

std::string name_line(const SslApi& a, const X509_NAME* name) {
  if (!name) return {};
  BIO* bio = a.BIO_new(a.BIO_s_mem());
  if (!bio) return {};
  a.X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long n = a.BIO_ctrl(bio, BIO_CTRL_INFO, 0, reinterpret_cast<char*>(&data));  // BIO_get_mem_data
  std::string out(data ? data : "", data ? static_cast<std::size_t>(std::max(0L, std::min(n, 1024L))) : 0);
  a.BIO_free(bio);
  return out;
}

std::int64_t unix_time(const SslApi& a, const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || a.ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::vector<std::string> subject_alt_names(const SslApi& a, X509* cert) {
  std::vector<std::string> out;
  auto* names = static_cast<GENERAL_NAMES*>(a.X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (!names) return out;
  const auto* stack = reinterpret_cast<const OPENSSL_STACK*>(names);
  const int n = a.OPENSSL_sk_num(stack);
  for (int i = 0; i < n && out.size() < 64; ++i) {
    const auto* g = static_cast<const GENERAL_NAME*>(a.OPENSSL_sk_value(stack, i));
    if (!g) continue;
    if (g->type == GEN_DNS) {
      // The server's bytes: printable ASCII only, so a name cannot carry escape sequences to a terminal.
      const auto* str = g->d.dNSName;
      const auto* data = a.ASN1_STRING_get0_data(str);
      std::string name;
      for (int k = 0; data && k < std::clamp(a.ASN1_STRING_length(str), 0, 255); ++k)
        name += data[k] >= 0x20 && data[k] < 0x7f ? static_cast<char>(data[k]) : '?';
      out.push_back(std::move(name));
    } else if (g->type == GEN_IPADD) {
      const auto* str = g->d.iPAddress;
      char text[INET6_ADDRSTRLEN] = {};
      const int len = a.ASN1_STRING_length(str);
      if (len == 4 || len == 16) {
        inet_ntop(len == 4 ? AF_INET : AF_INET6, a.ASN1_STRING_get0_data(str), text, sizeof text);
        out.emplace_back(text);
      }
    }
  }
  a.GENERAL_NAMES_free(names);
  return out;
}

}  // namespace

struct TlsClient::Impl {
  const SslApi* api = nullptr;
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  BIO* in = nullptr;   // what the server sent, fed by us; owned by ssl
  BIO* out = nullptr;  // what to send, taken by us; owned by ssl
  Padding padding;
  std::string sni;
  ~Impl() {
    if (ssl) api->SSL_free(ssl);
    if (ctx) api->SSL_CTX_free(ctx);
  }
};

void TlsClient::preload() { (void)ssl_api(); }

TlsClient::TlsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsClient::~TlsClient() = default;

Result<std::unique_ptr<TlsClient>> TlsClient::create(const TlsOptions& o) {
  auto loaded = ssl_api();
  if (!loaded) return std::unexpected(loaded.error());
  const SslApi& a = **loaded;
  auto impl = std::make_unique<Impl>();
  impl->api = &a;
  impl->ctx = a.SSL_CTX_new(a.TLS_client_method());
  if (!impl->ctx) return fail(Errc::system, "TLS: no context (OpenSSL)");
  a.SSL_CTX_ctrl(impl->ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_VERSION, nullptr);
  // Verified, but never refused here: the result is a fact of the report (a private CA is normal).
  a.SSL_CTX_set_verify(impl->ctx, SSL_VERIFY_NONE, nullptr);
  // The hashed directory (/etc/ssl/certs, or $SSL_CERT_DIR): issuers are looked up one by one as
  // the chain needs them. The bundle file is parsed whole, ~150 certificates, tens of milliseconds
  // on the one thread that runs every probe: only where there is no hashed directory.
  a.SSL_CTX_set_default_verify_dir(impl->ctx);
  static const bool have_dir = hashed_dir(a);
  if (!have_dir) a.SSL_CTX_set_default_verify_file(impl->ctx);
  impl->padding.bytes.assign(o.hello_padding, 0);
  if (o.hello_padding > 0 &&
      a.SSL_CTX_add_custom_ext(impl->ctx, kGreaseExtension, SSL_EXT_CLIENT_HELLO, add_padding, nullptr, &impl->padding, parse_padding,
                               nullptr) != 1)
    return fail(Errc::system, "TLS: cannot add the ClientHello padding (OpenSSL)");
  impl->ssl = a.SSL_new(impl->ctx);
  impl->in = a.BIO_new(a.BIO_s_mem());
  impl->out = a.BIO_new(a.BIO_s_mem());
  if (!impl->ssl || !impl->in || !impl->out) {
    if (impl->in) a.BIO_free(impl->in);
    if (impl->out) a.BIO_free(impl->out);
    return fail(Errc::system, "TLS: no session (OpenSSL)");
  }
  a.BIO_ctrl(impl->in, BIO_C_SET_BUF_MEM_EOF_RETURN, -1, nullptr);  // no bytes yet is "retry", not the end
  a.SSL_set_bio(impl->ssl, impl->in, impl->out);
  a.SSL_set_connect_state(impl->ssl);
  if (!o.sni.empty() && !is_address(o.sni)) {
    a.SSL_ctrl(impl->ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(o.sni.c_str()));
    impl->sni = o.sni;
  }
  if (!o.verify_name.empty()) {
    if (is_address(o.verify_name)) a.X509_VERIFY_PARAM_set1_ip_asc(a.SSL_get0_param(impl->ssl), o.verify_name.c_str());
    else a.SSL_set1_host(impl->ssl, o.verify_name.c_str());
  }
  return std::unique_ptr<TlsClient>(new TlsClient(std::move(impl)));
}

TlsClient::State TlsClient::step() {
  const SslApi& a = *impl_->api;
  a.ERR_clear_error();
  const int rc = a.SSL_do_handshake(impl_->ssl);
  if (rc == 1) return State::done;
  const int e = a.SSL_get_error(impl_->ssl, rc);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return State::want_input;
  const unsigned long code = a.ERR_peek_last_error();
  const char* reason = code ? a.ERR_reason_error_string(code) : nullptr;
  error_ = reason ? reason : "handshake failed";
  a.ERR_clear_error();
  return State::failed;
}

void TlsClient::feed(wire::ByteView received) {
  if (!received.empty()) impl_->api->BIO_write(impl_->in, received.data(), static_cast<int>(received.size()));
}

wire::Bytes TlsClient::take_output() {
  const SslApi& a = *impl_->api;
  wire::Bytes out(static_cast<std::size_t>(a.BIO_ctrl_pending(impl_->out)));
  if (out.empty()) return out;
  const int n = a.BIO_read(impl_->out, out.data(), static_cast<int>(out.size()));
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

model::TlsFacts TlsClient::facts() const {
  const SslApi& a = *impl_->api;
  model::TlsFacts f;
  SSL* ssl = impl_->ssl;
  if (const char* v = a.SSL_get_version(ssl)) f.version = v;
  if (const SSL_CIPHER* c = a.SSL_get_current_cipher(ssl))
    if (const char* name = a.SSL_CIPHER_get_name(c)) f.cipher = name;
  f.sni = impl_->sni;
  if (X509* cert = a.SSL_get1_peer_certificate(ssl)) {
    f.subject = name_line(a, a.X509_get_subject_name(cert));
    f.issuer = name_line(a, a.X509_get_issuer_name(cert));
    f.sans = subject_alt_names(a, cert);
    f.not_before = unix_time(a, a.X509_get0_notBefore(cert));
    f.not_after = unix_time(a, a.X509_get0_notAfter(cert));
    f.earliest_expiry = f.not_after;
    if (f.not_after) f.days_left = static_cast<double>(f.not_after - static_cast<std::int64_t>(std::time(nullptr))) / 86400.0;
    a.X509_free(cert);
  }
  if (const auto* chain = reinterpret_cast<const OPENSSL_STACK*>(a.SSL_get_peer_cert_chain(ssl))) {
    f.chain_length = a.OPENSSL_sk_num(chain);
    for (int i = 0; i < f.chain_length; ++i) {
      const auto t = unix_time(a, a.X509_get0_notAfter(static_cast<const X509*>(a.OPENSSL_sk_value(chain, i))));
      if (t && (f.earliest_expiry == 0 || t < f.earliest_expiry)) f.earliest_expiry = t;
    }
  }
  const long v = a.SSL_get_verify_result(ssl);
  f.verified = v == X509_V_OK && f.chain_length > 0;
  if (!f.verified) {
    const char* why = v == X509_V_OK ? "no certificate" : a.X509_verify_cert_error_string(v);
    f.verify_error = why ? why : "not verified";
  }
  return f;
}

}  // namespace vpcprobe::net
