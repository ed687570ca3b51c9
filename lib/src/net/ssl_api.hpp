#pragma once
// OpenSSL, loaded only when a TLS handshake is asked for (the application layer's tls and
// postgres checks). Linked at start-up, libssl and libcrypto would cost every command — a one-echo
// ping included — about 1.2 ms and 1.9 MB of RSS (bench/README.md, "footprint"). The shared build
// dlopen()s libssl.so.3 on first use; the static build links OpenSSL in and fills the same table.
// Private to lib/src: OpenSSL's headers stay out of the installed ones.
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "vpcprobe/model/result.hpp"

namespace vpcprobe::net {

#define VPCPROBE_SSL_FUNCTIONS(X)                                                                                   \
  X(TLS_client_method) X(SSL_CTX_new) X(SSL_CTX_free) X(SSL_CTX_set_verify) X(SSL_CTX_set_default_verify_dir)      \
  X(SSL_CTX_add_custom_ext) X(SSL_CTX_ctrl) X(SSL_new) X(SSL_free) X(SSL_set_bio) X(SSL_set_connect_state)        \
  X(SSL_ctrl) X(SSL_set1_host) X(SSL_get0_param) X(SSL_do_handshake) X(SSL_get_error) X(SSL_get_version)          \
  X(SSL_get_current_cipher) X(SSL_CIPHER_get_name) X(SSL_get1_peer_certificate) X(SSL_get_peer_cert_chain)        \
  X(SSL_get_verify_result) X(BIO_new) X(BIO_s_mem) X(BIO_free) X(BIO_ctrl) X(BIO_write) X(BIO_read)              \
  X(BIO_ctrl_pending) X(X509_NAME_print_ex) X(X509_get_subject_name) X(X509_get_issuer_name)                       \
  X(X509_get0_notBefore) X(X509_get0_notAfter) X(X509_free) X(X509_get_ext_d2i) X(ASN1_TIME_to_tm)                \
  X(ASN1_STRING_get0_data) X(ASN1_STRING_length) X(GENERAL_NAMES_free) X(OPENSSL_sk_num) X(OPENSSL_sk_value)      \
  X(X509_VERIFY_PARAM_set1_ip_asc) X(ERR_clear_error) X(ERR_peek_last_error) X(ERR_reason_error_string)           \
  X(X509_verify_cert_error_string) X(SSL_CTX_set_default_verify_file) X(X509_get_default_cert_dir)                  \
  X(X509_get_default_cert_dir_env)

struct SslApi {
#define VPCPROBE_SSL_MEMBER(name) decltype(&::name) name = nullptr;
  VPCPROBE_SSL_FUNCTIONS(VPCPROBE_SSL_MEMBER)
#undef VPCPROBE_SSL_MEMBER
};

// The table, loaded on the first call and kept for the life of the process; an error naming the
// package to install when OpenSSL cannot be loaded.
Result<const SslApi*> ssl_api();

}  // namespace vpcprobe::net
