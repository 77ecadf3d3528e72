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

/// BIO_get_mem_data is a macro; Swift cannot call it directly.
static inline long LicenseBusOpenSSL_BIO_get_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

/// BIO_s_mem-backed BIO that owns a copy of nothing: it reads from `data` in place.
static inline BIO *LicenseBusOpenSSL_BIO_new_mem_buf(const void *data, int length) {
    return BIO_new_mem_buf(data, length);
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

#endif
