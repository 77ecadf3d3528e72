/*
 * OpenSSL's own RSA verify rate for each padding our licenses use, measured the way
 * `openssl speed rsaN` measures PKCS#1 v1.5 (which is the only padding it measures): one
 * EVP_PKEY_CTX set up once, then EVP_PKEY_verify of a prehashed digest in a loop, single thread.
 * So our PS256 signature step has an OpenSSL figure to be compared with, like RS256 has.
 *
 *   rsa-verify-openssl [SECONDS]   one line per bits and padding:
 *   openssl-evp rsa-verify padding=pss bits=2048 ops_per_s=X
 */
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include "monotonic-seconds.h"

static void fail(const char *what)
{
    fprintf(stderr, "rsa-verify-openssl: %s failed\n", what);
    exit(1);
}

/* Sets the padding (and for PSS a 32-byte salt to sign, any length to verify) and SHA-256. */
static void configure(EVP_PKEY_CTX *ctx, int pss, int signing)
{
    if (EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) <= 0) fail("set md");
    if (!pss) {
        if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0) fail("set padding");
        return;
    }
    if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) <= 0) fail("set padding");
    if (EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, signing ? 32 : RSA_PSS_SALTLEN_AUTO) <= 0) fail("set salt");
    if (EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) <= 0) fail("set mgf1");
}

static void measure(EVP_PKEY *key, int bits, int pss, double seconds)
{
    unsigned char digest[32], signature[512];
    size_t length = sizeof(signature);
    if (RAND_bytes(digest, sizeof(digest)) != 1) fail("random");
    EVP_PKEY_CTX *sign = EVP_PKEY_CTX_new(key, NULL);
    if (!sign || EVP_PKEY_sign_init(sign) <= 0) fail("sign init");
    configure(sign, pss, 1);
    if (EVP_PKEY_sign(sign, signature, &length, digest, sizeof(digest)) <= 0) fail("sign");
    EVP_PKEY_CTX *verify = EVP_PKEY_CTX_new(key, NULL);
    if (!verify || EVP_PKEY_verify_init(verify) <= 0) fail("verify init");
    configure(verify, pss, 0);
    long count = 0;
    double start = now_s(), elapsed = 0;
    while (elapsed < seconds) {
        for (int i = 0; i < 64; i++) {
            if (EVP_PKEY_verify(verify, signature, length, digest, sizeof(digest)) != 1) fail("verify");
        }
        count += 64;
        elapsed = now_s() - start;
    }
    printf("openssl-evp rsa-verify padding=%s bits=%d ops_per_s=%.1f\n", pss ? "pss" : "pkcs1", bits, count / elapsed);
    EVP_PKEY_CTX_free(sign);
    EVP_PKEY_CTX_free(verify);
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 2;
    const int sizes[] = {2048, 3072};
    for (int s = 0; s < 2; s++) {
        EVP_PKEY *key = EVP_RSA_gen(sizes[s]);
        if (!key) fail("key generation");
        measure(key, sizes[s], 0, seconds);
        measure(key, sizes[s], 1, seconds);
        EVP_PKEY_free(key);
    }
    return 0;
}
