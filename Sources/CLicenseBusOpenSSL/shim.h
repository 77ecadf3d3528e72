#ifndef LICENSE_BUS_OPENSSL_SHIM_H
#define LICENSE_BUS_OPENSSL_SHIM_H

// Only non-deprecated OpenSSL 3 APIs are visible to Swift.
#define OPENSSL_API_COMPAT 30000
#define OPENSSL_NO_DEPRECATED 1

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

/// BIO_get_mem_data is a macro; Swift cannot call it directly.
static inline long LicenseBusOpenSSL_BIO_get_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

/// The "auto" salt length for PSS verification (RSA_PSS_SALTLEN_AUTO is a macro).
static inline int LicenseBusOpenSSL_RSA_PSS_SALTLEN_AUTO(void) {
    return RSA_PSS_SALTLEN_AUTO;
}

/// Decoder selection for a public key (EVP_PKEY_PUBLIC_KEY is a composite macro).
static inline int LicenseBusOpenSSL_EVP_PKEY_PUBLIC_KEY(void) {
    return EVP_PKEY_PUBLIC_KEY;
}

/// Decoder selection for a key pair (EVP_PKEY_KEYPAIR is a composite macro).
static inline int LicenseBusOpenSSL_EVP_PKEY_KEYPAIR(void) {
    return EVP_PKEY_KEYPAIR;
}

/// A decoder context that reads one PEM key (any PEM key label) into `*key`. OpenSSL keeps the
/// input-type pointer without copying it, so it must live as long as the context: a C literal
/// does, a Swift string bridged for the call does not (its bytes are a temporary).
static inline OSSL_DECODER_CTX *LicenseBusOpenSSL_OSSL_DECODER_CTX_new_for_pkey_PEM(EVP_PKEY **key, int selection) {
    return OSSL_DECODER_CTX_new_for_pkey(key, "PEM", NULL, NULL, selection, NULL, NULL);
}

/// Sets the lowest TLS version a context accepts (SSL_CTX_set_min_proto_version is a macro).
static inline int LicenseBusOpenSSL_SSL_CTX_set_min_proto_version_TLS1_2(SSL_CTX *context) {
    return (int)SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
}

/// Lets SSL_write be retried with a buffer that moved (SSL_CTX_set_mode is a macro).
static inline void LicenseBusOpenSSL_SSL_CTX_set_moving_write_buffer_mode(SSL_CTX *context) {
    SSL_CTX_set_mode(context, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
}

/// Sets the SNI name of a connection (SSL_set_tlsext_host_name is a macro).
static inline int LicenseBusOpenSSL_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

#endif
