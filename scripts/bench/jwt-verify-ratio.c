/*
 * A whole license verify written in C, against OpenSSL's RSA operation alone, in alternating
 * 10 ms slices of one process, as `license-bench verify-ratio` measures ours. It tells how close
 * to `openssl speed` a complete JWT verify gets in C with the same OpenSSL (issue 2's goal).
 *
 * The C verify does the steps of ours (LicenseVerifier.verifyIgnoringTime) in plain C: split at
 * the dots, strict base64url into stack buffers, the header parsed with jansson and checked (alg,
 * typ, kid, no crit), SHA-256 of the signing input, EVP_PKEY_verify on a context set up once, the
 * payload parsed with jansson and each claim of SPEC §1 type-checked; the parsed tree is the
 * result, freed after. (Debian's libjwt 1.10 was not used: it refuses any typ but "JWT".)
 *
 * A second figure, c-signature-only, is the least any JWS verify must do: split at the dots,
 * decode the signature, hash the signing input, check the signature; no header, no claims.
 *
 *   jwt-verify-ratio TOKEN-FILE PUBLIC-KEY-PEM SECONDS
 *   c-jansson verify-ratio alg=RS256 bits=2048 license_ops_per_s=X rsa_ops_per_s=Y ratio=Z
 *   c-signature-only verify-ratio alg=RS256 bits=2048 license_ops_per_s=X rsa_ops_per_s=Y ratio=Z
 */
#define _GNU_SOURCE /* memrchr */
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "monotonic-seconds.h"

static void fail(const char *what)
{
    fprintf(stderr, "jwt-verify-ratio: %s\n", what);
    exit(1);
}

/* ---- strict unpadded base64url (RFC 4648 §5) ---- */

static signed char sextets[256];

static void init_sextets(void)
{
    const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    memset(sextets, -1, sizeof(sextets));
    for (int i = 0; i < 64; i++) sextets[(unsigned char)alphabet[i]] = (signed char)i;
}

/* Decodes n characters into out (cap bytes); no 4n+1 length, no non-zero unused bits. */
static long base64url_decode(const char *in, size_t n, unsigned char *out, size_t cap)
{
    if (n % 4 == 1 || n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0) > cap) return -1;
    const unsigned char *s = (const unsigned char *)in;
    size_t o = 0, i = 0;
    for (; i + 4 <= n; i += 4) {
        int a = sextets[s[i]], b = sextets[s[i + 1]], c = sextets[s[i + 2]], d = sextets[s[i + 3]];
        if ((a | b | c | d) < 0) return -1;
        uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
        out[o++] = (unsigned char)(v >> 16);
        out[o++] = (unsigned char)(v >> 8);
        out[o++] = (unsigned char)v;
    }
    size_t rest = n - i;
    if (rest >= 2) {
        int a = sextets[s[i]], b = sextets[s[i + 1]], c = rest == 3 ? sextets[s[i + 2]] : 0;
        if ((a | b | c) < 0) return -1;
        uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6;
        if (v & (rest == 2 ? 0xFFFF : 0xFF)) return -1;
        out[o++] = (unsigned char)(v >> 16);
        if (rest == 3) out[o++] = (unsigned char)(v >> 8);
    }
    return (long)o;
}

/* ---- the header and the claims, typed as SPEC §1 and §5 ask ---- */

static const char *string_member(const json_t *object, const char *name)
{
    return json_string_value(json_object_get(object, name));
}

static int optional_integer(const json_t *object, const char *name)
{
    const json_t *value = json_object_get(object, name);
    return !value || json_is_integer(value);
}

static int optional_strings(const json_t *value, int required, int nonempty)
{
    if (!value) return !required;
    if (!json_is_array(value) || (nonempty && json_array_size(value) == 0)) return 0;
    size_t index;
    json_t *element;
    json_array_foreach(value, index, element) if (!json_is_string(element)) return 0;
    return 1;
}

static int header_ok(const unsigned char *bytes, size_t n, const char *alg)
{
    json_t *header = json_loadb((const char *)bytes, n, JSON_REJECT_DUPLICATES, NULL);
    const char *found = string_member(header, "alg"), *type = string_member(header, "typ");
    const json_t *kid = json_object_get(header, "kid");
    int ok = json_is_object(header) && found && strcmp(found, alg) == 0 && type
        && strcasecmp(type, "license+jwt") == 0 && (!kid || json_is_string(kid))
        && !json_object_get(header, "crit");
    json_decref(header);
    return ok;
}

static int claims_ok(const json_t *claims)
{
    if (!json_is_object(claims) || !string_member(claims, "iss") || !string_member(claims, "sub")
        || !string_member(claims, "jti") || !string_member(claims, "edition")
        || !json_is_integer(json_object_get(claims, "iat")) || !optional_integer(claims, "nbf")
        || !optional_integer(claims, "exp") || !optional_integer(claims, "grace"))
        return 0;
    const json_t *grace = json_object_get(claims, "grace"), *audience = json_object_get(claims, "aud");
    if (grace && json_integer_value(grace) < 0) return 0;
    if (!json_is_string(audience) && !optional_strings(audience, 1, 1)) return 0;
    if (!optional_strings(json_object_get(claims, "features"), 0, 0)) return 0;
    const json_t *limits = json_object_get(claims, "limits"), *customer = json_object_get(claims, "customer");
    if (limits) {
        if (!json_is_object(limits)) return 0;
        const char *name;
        json_t *limit;
        json_object_foreach((json_t *)limits, name, limit) if (!json_is_integer(limit)) return 0;
    }
    return !customer || json_is_string(customer);
}

/* ---- the verify and the RSA operation alone ---- */

struct subject {
    const char *token;
    size_t length;
    const char *alg;
    EVP_PKEY_CTX *context; /* set up once, as our pooled contexts are */
    unsigned char digest[32];
    unsigned char signature[1024];
    size_t signature_length;
};

static int verify_c_jansson(struct subject *s)
{
    const char *token = s->token, *end = s->token + s->length;
    const char *dot1 = memchr(token, '.', s->length);
    const char *dot2 = dot1 ? memchr(dot1 + 1, '.', (size_t)(end - dot1 - 1)) : NULL;
    if (!dot2 || memchr(dot2 + 1, '.', (size_t)(end - dot2 - 1))) return 0;
    unsigned char header[1024], payload[16384], signature[1024], digest[32];
    long header_length = base64url_decode(token, (size_t)(dot1 - token), header, sizeof(header));
    if (header_length < 0 || !header_ok(header, (size_t)header_length, s->alg)) return 0;
    long signature_length = base64url_decode(dot2 + 1, (size_t)(end - dot2 - 1), signature, sizeof(signature));
    unsigned int digest_length = 0;
    if (signature_length < 0
        || EVP_Digest(token, (size_t)(dot2 - token), digest, &digest_length, EVP_sha256(), NULL) != 1
        || EVP_PKEY_verify(s->context, signature, (size_t)signature_length, digest, digest_length) != 1)
        return 0;
    long payload_length = base64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), payload, sizeof(payload));
    if (payload_length < 0) return 0;
    json_t *claims = json_loadb((const char *)payload, (size_t)payload_length, JSON_REJECT_DUPLICATES, NULL);
    int ok = claims_ok(claims);
    json_decref(claims);
    return ok;
}

static int verify_signature_only(struct subject *s)
{
    const char *end = s->token + s->length, *dot2 = memrchr(s->token, '.', s->length);
    if (!dot2 || !memchr(s->token, '.', (size_t)(dot2 - s->token))) return 0;
    unsigned char signature[1024], digest[32];
    long signature_length = base64url_decode(dot2 + 1, (size_t)(end - dot2 - 1), signature, sizeof(signature));
    unsigned int digest_length = 0;
    return signature_length >= 0
        && EVP_Digest(s->token, (size_t)(dot2 - s->token), digest, &digest_length, EVP_sha256(), NULL) == 1
        && EVP_PKEY_verify(s->context, signature, (size_t)signature_length, digest, digest_length) == 1;
}

static int verify_rsa_alone(struct subject *s)
{
    return EVP_PKEY_verify(s->context, s->signature, s->signature_length, s->digest, sizeof(s->digest)) == 1;
}

typedef int (*verifier)(struct subject *);

/* Runs verify in batches of 8 for about milliseconds; adds to *operations and *seconds. */
static void run_slice(verifier verify, struct subject *s, double milliseconds, long *operations, double *seconds)
{
    double start = now_s(), elapsed = 0;
    do {
        for (int i = 0; i < 8; i++)
            if (!verify(s)) fail("a verify failed during the run");
        *operations += 8;
        elapsed = now_s() - start;
    } while (elapsed * 1000 < milliseconds);
    *seconds += elapsed;
}

static void compare(const char *name, verifier verify, struct subject *s, int bits, double seconds)
{
    long ops[2] = {0, 0};
    double secs[2] = {0, 0}, warm_secs = 0;
    long warm_ops = 0;
    run_slice(verify, s, 200, &warm_ops, &warm_secs);
    run_slice(verify_rsa_alone, s, 200, &warm_ops, &warm_secs);
    double end = now_s() + seconds;
    while (now_s() < end) {
        run_slice(verify, s, 10, &ops[0], &secs[0]);
        run_slice(verify_rsa_alone, s, 10, &ops[1], &secs[1]);
    }
    double license = ops[0] / secs[0], rsa = ops[1] / secs[1];
    printf("%s verify-ratio alg=%s bits=%d license_ops_per_s=%.1f rsa_ops_per_s=%.1f ratio=%.3f\n", name, s->alg,
           bits, license, rsa, license / rsa);
}

static char *read_file(const char *path, size_t *length)
{
    FILE *file = fopen(path, "rb");
    if (!file) fail(path);
    static char buffer[65536];
    size_t n = fread(buffer, 1, sizeof(buffer) - 1, file);
    fclose(file);
    while (n > 0 && (buffer[n - 1] == '\n' || buffer[n - 1] == '\r' || buffer[n - 1] == ' ')) n--;
    char *copy = malloc(n + 1);
    if (!copy) fail("out of memory");
    memcpy(copy, buffer, n);
    copy[n] = 0;
    *length = n;
    return copy;
}

int main(int argc, char **argv)
{
    if (argc != 4) fail("usage: jwt-verify-ratio TOKEN-FILE PUBLIC-KEY-PEM SECONDS");
    init_sextets();
    struct subject s = {0};
    s.token = read_file(argv[1], &s.length);
    size_t pem_length;
    char *pem = read_file(argv[2], &pem_length);
    double seconds = atof(argv[3]);
    BIO *bio = BIO_new_mem_buf(pem, (int)pem_length);
    EVP_PKEY *key = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    if (!key) fail("the public key does not load");
    unsigned char header[1024];
    const char *dot1 = strchr(s.token, '.');
    long header_length = dot1 ? base64url_decode(s.token, (size_t)(dot1 - s.token), header, sizeof(header)) : -1;
    json_t *parsed = header_length < 0 ? NULL : json_loadb((const char *)header, (size_t)header_length, 0, NULL);
    const char *alg = string_member(parsed, "alg");
    if (!alg || (strcmp(alg, "RS256") != 0 && strcmp(alg, "PS256") != 0)) fail("the token's alg is not RS256 or PS256");
    s.alg = strcmp(alg, "PS256") == 0 ? "PS256" : "RS256";
    json_decref(parsed);
    s.context = EVP_PKEY_CTX_new(key, NULL);
    int pss = strcmp(s.alg, "PS256") == 0;
    if (!s.context || EVP_PKEY_verify_init(s.context) <= 0
        || EVP_PKEY_CTX_set_signature_md(s.context, EVP_sha256()) <= 0
        || EVP_PKEY_CTX_set_rsa_padding(s.context, pss ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING) <= 0
        || (pss && EVP_PKEY_CTX_set_rsa_pss_saltlen(s.context, RSA_PSS_SALTLEN_AUTO) <= 0))
        fail("the verify context does not set up");
    const char *dot2 = strrchr(s.token, '.');
    long n = base64url_decode(dot2 + 1, strlen(dot2 + 1), s.signature, sizeof(s.signature));
    unsigned int digest_length = 0;
    if (n < 0 || EVP_Digest(s.token, (size_t)(dot2 - s.token), s.digest, &digest_length, EVP_sha256(), NULL) != 1)
        fail("the token's signature does not decode");
    s.signature_length = (size_t)n;

    /* Each verify must accept the token and refuse it with one signature character changed. */
    char *tampered = strdup(s.token);
    tampered[s.length - 3] = tampered[s.length - 3] == 'A' ? 'B' : 'A';
    struct subject bad = s;
    bad.token = tampered;
    if (!verify_c_jansson(&s) || verify_c_jansson(&bad) || !verify_signature_only(&s) || verify_signature_only(&bad))
        fail("a C verify does not judge the token right");

    compare("c-jansson", verify_c_jansson, &s, EVP_PKEY_get_bits(key), seconds);
    compare("c-signature-only", verify_signature_only, &s, EVP_PKEY_get_bits(key), seconds);
    return 0;
}
