/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for RS256 JWTs (crypto/jwt.c): sign/verify, and the rejection
 * of every forgery shape in the security checklist (§6.1, §16): alg none,
 * HS256 keyed with our public key, other algs, unknown kid, tampering,
 * malformed and over-long input, duplicate keys, crit, rotated-out keys.
 * Forged tokens are signed here with OpenSSL directly, as an independent
 * oracle, using the real private key obtained through the sealed export.
 * Our tokens (signed with OpenSSL by jwt.c) are checked with plain OpenSSL
 * and with jose, also when signed from several threads at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <string.h>

#include <jose/jose.h>
#include <jose/openssl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "crypto/b64url.h"
#include "crypto/jwt.h"
#include "crypto/keyring.h"
#include "crypto/masterkey.h"

#define SIGNERS 4
#define TOKENS_PER_SIGNER 16

struct fixture {
    struct atrium_masterkey *mk;
    struct atrium_keyring *kr;
    char *kid;
    EVP_PKEY *priv; /* the keyring's key, for forging test tokens */
};

/* Recover the private key of key through its sealed export. */
static EVP_PKEY *private_of(struct atrium_masterkey *mk, struct atrium_signing_key *key)
{
    AUTO_FREE char *blob = NULL;
    AUTO_FREE char *aad = xasprintf("signing-key:%s", atrium_signing_key_kid(key));
    unsigned char *pt = NULL;
    size_t len = 0;
    assert_int_equal(atrium_signing_key_export(key, mk, &blob), 0);
    assert_int_equal(atrium_masterkey_open(mk, blob, aad, &pt, &len), 0);
    json_auto_t *doc = json_loadb((const char *)pt, len, 0, NULL);
    atrium_masterkey_plaintext_free(pt, len);
    EVP_PKEY *pkey = jose_openssl_jwk_to_EVP_PKEY(NULL, json_object_get(doc, "jwk"));
    assert_non_null(pkey);
    return pkey;
}

static int group_setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));
    struct atrium_signing_key *key = NULL;
    f->mk = atrium_masterkey_generate();
    f->kr = atrium_keyring_new();
    if (atrium_signing_key_generate(&key) < 0)
        return -1;
    f->kid = xstrdup(atrium_signing_key_kid(key));
    f->priv = private_of(f->mk, key);
    if (atrium_keyring_add(f->kr, key, true) < 0)
        return -1;
    *state = f;
    return 0;
}

static int group_teardown(void **state)
{
    struct fixture *f = *state;
    EVP_PKEY_free(f->priv);
    xfree(f->kid);
    atrium_keyring_free(f->kr);
    atrium_masterkey_free(f->mk);
    xfree(f);
    return 0;
}

static char *b64s(const char *s)
{
    return atrium_b64url_encode_alloc(s, strlen(s));
}

/* "<b64 hdr>.<b64 payload>.<sig>" signed with key (RSA PKCS#1 v1.5 or PSS). */
static char *forge_rsa(EVP_PKEY *key, const EVP_MD *md, bool pss, const char *hdr_b64,
                       const char *payload_b64)
{
    AUTO_FREE char *input = xasprintf("%s.%s", hdr_b64, payload_b64);
    unsigned char sig[512];
    size_t sig_len = sizeof(sig);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    assert_int_equal(EVP_DigestSignInit(ctx, &pctx, md, NULL, key), 1);
    if (pss)
        assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 1);
    assert_int_equal(
        EVP_DigestSign(ctx, sig, &sig_len, (const unsigned char *)input, strlen(input)), 1);
    EVP_MD_CTX_free(ctx);
    AUTO_FREE char *sig_b64 = atrium_b64url_encode_alloc(sig, sig_len);
    return xasprintf("%s.%s", input, sig_b64);
}

static char *forge(struct fixture *f, const char *hdr_json, const char *payload_json)
{
    AUTO_FREE char *h = b64s(hdr_json);
    AUTO_FREE char *p = b64s(payload_json);
    return forge_rsa(f->priv, EVP_sha256(), false, h, p);
}

/* Rejected with ATRIUM_EAUTH, for the reason containing why (if not NULL). */
static void expect_rejected_why(struct fixture *f, const char *token, const char *why)
{
    json_t *claims = NULL;
    struct atrium_errinfo e;
    assert_int_equal(atrium_jwt_verify(f->kr, token, ATRIUM_JWT_MAX_LEN, &claims, &e),
                     ATRIUM_EAUTH);
    assert_null(claims);
    assert_true(e.message[0] != '\0');
    if (why && !strstr(e.message, why))
        fail_msg("rejected for \"%s\", expected \"%s\"", e.message, why);
}

static void expect_rejected(struct fixture *f, const char *token)
{
    expect_rejected_why(f, token, NULL);
}

static void expect_accepted(struct fixture *f, const char *token)
{
    json_t *claims = NULL;
    assert_int_equal(atrium_jwt_verify(f->kr, token, ATRIUM_JWT_MAX_LEN, &claims, NULL), 0);
    json_decref(claims);
}

static char *sign_claims(struct atrium_keyring *kr, const char *sub)
{
    json_auto_t *claims = json_pack("{s:s,s:s,s:I}", "sub", sub, "aud", "api://x", "exp",
                                    (json_int_t)(atrium_now() + 3600));
    char *token = NULL;
    assert_int_equal(atrium_jwt_sign(kr, claims, &token), 0);
    return token;
}

static void test_sign_verify(void **state)
{
    struct fixture *f = *state;
    json_auto_t *claims = json_pack("{s:s,s:s,s:i,s:[s,s]}", "sub", "u1", "tid", "t", "exp",
                                    2000000000, "roles", "a", "b");
    AUTO_FREE char *token = NULL;
    json_auto_t *back = NULL;

    assert_int_equal(atrium_jwt_sign(f->kr, claims, &token), 0);
    assert_int_equal(atrium_jwt_verify(f->kr, token, ATRIUM_JWT_MAX_LEN, &back, NULL), 0);
    assert_true(json_equal(claims, back));

    /* Entra's header: typ, alg, kid, x5t, in that order. */
    size_t hlen = (size_t)(strchr(token, '.') - token);
    AUTO_FREE unsigned char *hdr = NULL;
    size_t n = 0;
    assert_int_equal(atrium_b64url_decode_alloc(token, hlen, &hdr, &n), 0);
    json_auto_t *jwks = NULL;
    assert_int_equal(atrium_keyring_jwks(f->kr, NULL, &jwks), 0);
    const char *x5t =
        json_string_value(json_object_get(json_array_get(json_object_get(jwks, "keys"), 0), "x5t"));
    AUTO_FREE char *want =
        xasprintf("{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\"%s\",\"x5t\":\"%s\"}", f->kid, x5t);
    assert_string_equal((const char *)hdr, want);
}

/* The RS256 signature over "<header>.<payload>" verifies with plain OpenSSL and key. */
static void assert_plain_rs256(EVP_PKEY *key, const char *token)
{
    const char *dot2 = strrchr(token, '.');
    unsigned char sig[512];
    size_t sig_len = 0;
    assert_non_null(dot2);
    assert_int_equal(atrium_b64url_decode(dot2 + 1, strlen(dot2 + 1), sig, sizeof(sig), &sig_len),
                     0);
    assert_int_equal(sig_len, 256);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key), 1);
    assert_int_equal(
        EVP_DigestVerify(ctx, sig, sig_len, (const unsigned char *)token, (size_t)(dot2 - token)),
        1);
    EVP_MD_CTX_free(ctx);
}

/* The token verifies with jose alone, against the key published in the JWKS. */
static void assert_jose_verifies(struct fixture *f, const char *token)
{
    const char *dot1 = strchr(token, '.');
    const char *dot2 = strrchr(token, '.');
    json_auto_t *jwks = NULL;
    assert_int_equal(atrium_keyring_jwks(f->kr, NULL, &jwks), 0);
    json_auto_t *jws =
        json_pack("{s:s%,s:s%,s:s}", "protected", token, (size_t)(dot1 - token), "payload",
                  dot1 + 1, (size_t)(dot2 - dot1 - 1), "signature", dot2 + 1);
    assert_non_null(jws);
    assert_true(
        jose_jws_ver(NULL, jws, NULL, json_array_get(json_object_get(jwks, "keys"), 0), false));
}

/* Our OpenSSL signature is plain RS256 (interoperability), and jose agrees. */
static void test_signature_is_plain_rs256(void **state)
{
    struct fixture *f = *state;
    AUTO_FREE char *token = sign_claims(f->kr, "u2");
    assert_plain_rs256(f->priv, token);
    assert_jose_verifies(f, token);
}

static void test_modified_payload_rejected(void **state)
{
    struct fixture *f = *state;
    AUTO_FREE char *token = sign_claims(f->kr, "alice");
    char *dot1 = strchr(token, '.');
    char *dot2 = strrchr(token, '.');
    AUTO_FREE char *hdr = xstrndup(token, (size_t)(dot1 - token));
    AUTO_FREE char *evil = b64s("{\"sub\":\"admin\",\"aud\":\"api://x\",\"exp\":4000000000}");
    AUTO_FREE char *forged = xasprintf("%s.%s%s", hdr, evil, dot2);
    expect_rejected_why(f, forged, "signature does not verify");
}

static void test_modified_signature_rejected(void **state)
{
    struct fixture *f = *state;
    AUTO_FREE char *token = sign_claims(f->kr, "bob");
    char *sig = strrchr(token, '.') + 1;
    sig[10] = sig[10] == 'A' ? 'B' : 'A';
    expect_rejected_why(f, token, "signature does not verify");
}

static void test_alg_none_rejected(void **state)
{
    struct fixture *f = *state;
    AUTO_FREE char *hdr_json = xasprintf("{\"alg\":\"none\",\"kid\":\"%s\"}", f->kid);
    AUTO_FREE char *h = b64s(hdr_json);
    AUTO_FREE char *p = b64s("{\"sub\":\"admin\",\"exp\":4000000000}");
    AUTO_FREE char *empty_sig = xasprintf("%s.%s.", h, p);
    AUTO_FREE char *no_sig = xasprintf("%s.%s", h, p);
    expect_rejected_why(f, empty_sig, "not a compact JWS");
    expect_rejected_why(f, no_sig, "not a compact JWS");
    /* Even with a valid RSA signature over those bytes. */
    AUTO_FREE char *signed_none = forge_rsa(f->priv, EVP_sha256(), false, h, p);
    expect_rejected_why(f, signed_none, "alg is not RS256");
    AUTO_FREE char *none_caps = forge(f, "{\"alg\":\"None\",\"kid\":\"x\"}", "{}");
    expect_rejected_why(f, none_caps, "alg is not RS256");
}

/* HS256 with the RSA public key (PEM, or JWK text) as the HMAC secret. */
static void test_hs256_with_public_key_rejected(void **state)
{
    struct fixture *f = *state;
    AUTO_FREE char *hdr_json =
        xasprintf("{\"typ\":\"JWT\",\"alg\":\"HS256\",\"kid\":\"%s\"}", f->kid);
    AUTO_FREE char *h = b64s(hdr_json);
    AUTO_FREE char *p = b64s("{\"sub\":\"admin\",\"exp\":4000000000}");
    AUTO_FREE char *input = xasprintf("%s.%s", h, p);
    json_auto_t *jwks = NULL;
    assert_int_equal(atrium_keyring_jwks(f->kr, NULL, &jwks), 0);
    AUTO_FREE char *jwk_text = json_dumps(json_array_get(json_object_get(jwks, "keys"), 0), 0);

    BIO *bio = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PUBKEY(bio, f->priv), 1);
    char *pem = NULL;
    long pem_len = BIO_get_mem_data(bio, &pem);
    const void *secrets[] = {pem, jwk_text};
    size_t lens[] = {(size_t)pem_len, strlen(jwk_text)};
    for (size_t i = 0; i < 2; i++) {
        unsigned char mac[32];
        unsigned int mac_len = 0;
        assert_non_null(HMAC(EVP_sha256(), secrets[i], (int)lens[i], (const unsigned char *)input,
                             strlen(input), mac, &mac_len));
        AUTO_FREE char *mac_b64 = atrium_b64url_encode_alloc(mac, mac_len);
        AUTO_FREE char *token = xasprintf("%s.%s", input, mac_b64);
        expect_rejected_why(f, token, "alg is not RS256");
    }
    BIO_free(bio);
}

/* Correctly signed by our key, but an algorithm other than RS256. */
static void test_other_algs_rejected(void **state)
{
    struct fixture *f = *state;
    AUTO_FREE char *p = b64s("{\"sub\":\"u\"}");
    AUTO_FREE char *h384_json = xasprintf("{\"alg\":\"RS384\",\"kid\":\"%s\"}", f->kid);
    AUTO_FREE char *h384 = b64s(h384_json);
    AUTO_FREE char *t384 = forge_rsa(f->priv, EVP_sha384(), false, h384, p);
    expect_rejected_why(f, t384, "alg is not RS256");
    AUTO_FREE char *hps_json = xasprintf("{\"alg\":\"PS256\",\"kid\":\"%s\"}", f->kid);
    AUTO_FREE char *hps = b64s(hps_json);
    AUTO_FREE char *tps = forge_rsa(f->priv, EVP_sha256(), true, hps, p);
    expect_rejected_why(f, tps, "alg is not RS256");
}

static void test_forged_header_oracle_accepts(void **state)
{
    /* Sanity check of the forging helper: a well-formed header is accepted. */
    struct fixture *f = *state;
    AUTO_FREE char *hdr = xasprintf("{\"alg\":\"RS256\",\"kid\":\"%s\"}", f->kid);
    AUTO_FREE char *token = forge(f, hdr, "{\"sub\":\"u\"}");
    expect_accepted(f, token);
    /* jku, x5u and jwk headers are ignored, not followed. */
    AUTO_FREE char *hdr2 = xasprintf(
        "{\"alg\":\"RS256\",\"kid\":\"%s\",\"jku\":\"https://evil/\",\"x5u\":\"https://evil/\"}",
        f->kid);
    AUTO_FREE char *token2 = forge(f, hdr2, "{\"sub\":\"u\"}");
    expect_accepted(f, token2);
}

static void test_attacker_key_rejected(void **state)
{
    struct fixture *f = *state;
    EVP_PKEY *evil = EVP_RSA_gen(2048);
    json_auto_t *evil_jwk = jose_openssl_jwk_from_EVP_PKEY(NULL, evil);
    AUTO_FREE char *evil_text = json_dumps(evil_jwk, JSON_COMPACT);
    /* Our kid, an embedded jwk: the key must never come from the token. */
    AUTO_FREE char *hdr_json =
        xasprintf("{\"alg\":\"RS256\",\"kid\":\"%s\",\"jwk\":%s}", f->kid, evil_text);
    AUTO_FREE char *h = b64s(hdr_json);
    AUTO_FREE char *p = b64s("{\"sub\":\"admin\"}");
    AUTO_FREE char *token = forge_rsa(evil, EVP_sha256(), false, h, p);
    expect_rejected_why(f, token, "signature does not verify");
    EVP_PKEY_free(evil);
}

static void test_kid_rejected(void **state)
{
    struct fixture *f = *state;
    const char *bad[] = {
        "{\"alg\":\"RS256\",\"kid\":\"unknown\"}",
        "{\"alg\":\"RS256\"}",
        "{\"alg\":\"RS256\",\"kid\":42}",
        "{\"alg\":\"RS256\",\"kid\":\"\"}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        AUTO_FREE char *token = forge(f, bad[i], "{\"sub\":\"u\"}");
        expect_rejected_why(f, token, "kid");
    }
}

static void test_signed_but_malformed_rejected(void **state)
{
    struct fixture *f = *state;
    AUTO_FREE char *dup_alg =
        xasprintf("{\"alg\":\"RS256\",\"alg\":\"none\",\"kid\":\"%s\"}", f->kid);
    AUTO_FREE char *dup_kid = xasprintf("{\"alg\":\"RS256\",\"kid\":\"x\",\"kid\":\"%s\"}", f->kid);
    AUTO_FREE char *crit =
        xasprintf("{\"alg\":\"RS256\",\"kid\":\"%s\",\"crit\":[\"exp\"]}", f->kid);
    AUTO_FREE char *typ = xasprintf("{\"alg\":\"RS256\",\"kid\":\"%s\",\"typ\":1}", f->kid);
    AUTO_FREE char *good = xasprintf("{\"alg\":\"RS256\",\"kid\":\"%s\"}", f->kid);
    const char *cases[][3] = {
        {dup_alg, "{}", "header"},
        {dup_kid, "{}", "header"},
        {crit, "{}", "crit"},
        {typ, "{}", "typ"},
        {"[\"RS256\"]", "{}", "header"},
        {good, "{\"sub\":\"a\",\"sub\":\"b\"}", "payload"}, /* duplicate claim */
        {good, "[1,2]", "payload"},                         /* not an object */
        {good, "not json", "payload"},
        {good, "{\"a\":\"\\u0000\"}", "payload"}, /* NUL in a string */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        AUTO_FREE char *token = forge(f, cases[i][0], cases[i][1]);
        expect_rejected_why(f, token, cases[i][2]);
    }
}

/* A correctly signed token whose header uses non-canonical base64url. */
static void test_non_canonical_segment_rejected(void **state)
{
    struct fixture *f = *state;
    AUTO_FREE char *hdr_json = xasprintf("{\"alg\":\"RS256\",\"kid\":\"%s\"}", f->kid);
    AUTO_FREE char *h = b64s(hdr_json);
    AUTO_FREE char *p = b64s("{\"sub\":\"u\"}");
    AUTO_FREE char *h_pad = xasprintf("%s==", h);
    AUTO_FREE char *t_pad = forge_rsa(f->priv, EVP_sha256(), false, h_pad, p);
    expect_rejected_why(f, t_pad, "header");
    /* Payload "{}" is "e30"; "e31" decodes to the same bytes with stray bits. */
    AUTO_FREE char *t_bits = forge_rsa(f->priv, EVP_sha256(), false, h, "e31");
    expect_rejected_why(f, t_bits, "payload");
    AUTO_FREE char *t_ok = forge_rsa(f->priv, EVP_sha256(), false, h, "e30");
    expect_accepted(f, t_ok);
}

static void test_garbage_rejected(void **state)
{
    struct fixture *f = *state;
    AUTO_FREE char *token = sign_claims(f->kr, "u");
    AUTO_FREE char *dot = xasprintf("%s.", token);
    AUTO_FREE char *space = xasprintf("%s ", token);
    AUTO_FREE char *nl = xasprintf("%s\n", token);
    AUTO_FREE char *pad = xasprintf("%s=", token);
    AUTO_FREE char *extra = xasprintf("%s.e30", token);
    AUTO_FREE char *lead = xasprintf(" %s", token);
    const char *cases[] = {
        "",      ".",    "..",   "...",  "a",           "a.b",
        "a.b.c", "a..c", ".b.c", "a.b.", "e30.e30.e30", "eyJhbGciOiJub25lIn0.e30.",
        dot,     space,  nl,     pad,    extra,         lead,
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_rejected(f, cases[i]);
    json_t *claims = NULL;
    assert_int_equal(atrium_jwt_verify(f->kr, NULL, 100, &claims, NULL), ATRIUM_EAUTH);
}

static void test_over_long_rejected(void **state)
{
    struct fixture *f = *state;
    AUTO_FREE char *token = sign_claims(f->kr, "u");
    size_t len = strlen(token);
    json_t *claims = NULL;
    struct atrium_errinfo e;
    assert_int_equal(atrium_jwt_verify(f->kr, token, len - 1, &claims, &e), ATRIUM_EAUTH);
    assert_non_null(strstr(e.message, "too long"));
    assert_int_equal(atrium_jwt_verify(f->kr, token, len, &claims, NULL), 0);
    json_decref(claims);
    /* A huge token is refused by length before any parsing. */
    char *huge = xmalloc(1 << 20);
    memset(huge, 'A', (1 << 20) - 1);
    huge[(1 << 20) - 1] = '\0';
    expect_rejected(f, huge);
    xfree(huge);
}

static void test_rotation(void **state)
{
    struct fixture *f = *state;
    struct atrium_keyring *kr = atrium_keyring_new();
    struct atrium_signing_key *k1 = NULL, *k2 = NULL;
    json_t *claims = NULL;

    assert_int_equal(atrium_signing_key_generate(&k1), 0);
    AUTO_FREE char *kid1 = xstrdup(atrium_signing_key_kid(k1));
    assert_int_equal(atrium_keyring_add(kr, k1, true), 0);
    AUTO_FREE char *old_token = sign_claims(kr, "u");

    assert_int_equal(atrium_signing_key_generate(&k2), 0);
    AUTO_FREE char *kid2 = xstrdup(atrium_signing_key_kid(k2));
    assert_int_equal(atrium_keyring_rotate(kr, k2, 3600), 0);
    AUTO_FREE char *new_token = sign_claims(kr, "u");
    AUTO_FREE char *new_hdr = xstrndup(new_token, (size_t)(strchr(new_token, '.') - new_token));
    AUTO_FREE unsigned char *raw = NULL;
    size_t n = 0;
    assert_int_equal(atrium_b64url_decode_alloc(new_hdr, strlen(new_hdr), &raw, &n), 0);
    assert_non_null(strstr((const char *)raw, kid2));

    /* During the grace period both verify. */
    assert_int_equal(atrium_jwt_verify(kr, old_token, ATRIUM_JWT_MAX_LEN, &claims, NULL), 0);
    json_decref(claims);
    assert_int_equal(atrium_jwt_verify(kr, new_token, ATRIUM_JWT_MAX_LEN, &claims, NULL), 0);
    json_decref(claims);
    /* Past its not_after the old key no longer verifies, even before pruning. */
    assert_int_equal(atrium_keyring_retire(kr, kid1, atrium_now() - 1), 0);
    assert_int_equal(atrium_jwt_verify(kr, old_token, ATRIUM_JWT_MAX_LEN, &claims, NULL),
                     ATRIUM_EAUTH);
    assert_int_equal(atrium_keyring_retire(kr, kid1, 0), 0);
    assert_int_equal(atrium_jwt_verify(kr, old_token, ATRIUM_JWT_MAX_LEN, &claims, NULL), 0);
    json_decref(claims);
    assert_int_equal(atrium_keyring_remove(kr, kid1), 0);
    assert_int_equal(atrium_jwt_verify(kr, old_token, ATRIUM_JWT_MAX_LEN, &claims, NULL),
                     ATRIUM_EAUTH);
    /* The other keyring (another deployment) does not know these keys. */
    expect_rejected(f, new_token);
    atrium_keyring_free(kr);
}

static void test_sign_errors(void **state)
{
    struct atrium_keyring *kr = atrium_keyring_new();
    json_auto_t *claims = json_pack("{s:s}", "sub", "u");
    json_auto_t *arr = json_array();
    char *token = NULL;
    assert_int_equal(atrium_jwt_sign(kr, claims, &token), ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_jwt_sign(kr, arr, &token), ATRIUM_EINVAL);
    assert_null(token);
    atrium_keyring_free(kr);
}

static int check_times(int64_t now, const char *claims_json)
{
    json_auto_t *claims = json_loads(claims_json, 0, NULL);
    assert_non_null(claims);
    return atrium_jwt_check_times(claims, now, 300, NULL);
}

static void test_check_times(void **state)
{
    assert_int_equal(check_times(1000, "{\"exp\":2000}"), 0);
    assert_int_equal(check_times(2000, "{\"exp\":2000}"), 0); /* within leeway */
    assert_int_equal(check_times(2300, "{\"exp\":2000}"), ATRIUM_EAUTH);
    assert_int_equal(check_times(1000, "{}"), ATRIUM_EAUTH); /* exp required */
    assert_int_equal(check_times(1000, "{\"exp\":\"2000\"}"), ATRIUM_EAUTH);
    assert_int_equal(check_times(1000, "{\"exp\":2000.5}"), ATRIUM_EAUTH);
    assert_int_equal(check_times(1000, "{\"exp\":5000,\"nbf\":1200}"), 0);
    assert_int_equal(check_times(1000, "{\"exp\":5000,\"nbf\":1400}"), ATRIUM_EAUTH);
    assert_int_equal(check_times(1000, "{\"exp\":5000,\"iat\":1250}"), 0);
    assert_int_equal(check_times(1000, "{\"exp\":5000,\"iat\":1400}"), ATRIUM_EAUTH);
    assert_int_equal(check_times(1000, "{\"exp\":5000,\"iat\":null}"), ATRIUM_EAUTH);
}

/* OpenID Connect Core 1.0, appendix A.4 example (RS256). */
static void test_half_hash(void **state)
{
    const char *at = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y";
    char out[ATRIUM_JWT_HALF_HASH_LEN + 1];
    atrium_jwt_half_hash(at, strlen(at), out);
    assert_string_equal(out, "77QmUPtjPfzWtF2AnpK9RQ");
}

struct worker {
    struct fixture *f;
    int failures;
};

static void *worker_run(void *arg)
{
    struct worker *w = arg;
    for (int i = 0; i < 15; i++) {
        json_auto_t *claims = json_pack("{s:i,s:i}", "i", i, "exp", 2000000000);
        char *token = NULL;
        json_t *back = NULL;
        if (atrium_jwt_sign(w->f->kr, claims, &token) < 0 ||
            atrium_jwt_verify(w->f->kr, token, ATRIUM_JWT_MAX_LEN, &back, NULL) < 0 ||
            !json_equal(claims, back))
            w->failures++;
        json_decref(back);
        xfree(token);
    }
    return NULL;
}

/* Concurrent signers and verifiers while the keyring changes underneath. */
static void test_threads(void **state)
{
    struct fixture *f = *state;
    pthread_t threads[4];
    struct worker workers[4];
    struct atrium_signing_key *extra = NULL;

    assert_int_equal(atrium_signing_key_generate(&extra), 0);
    AUTO_FREE char *extra_kid = xstrdup(atrium_signing_key_kid(extra));
    for (int i = 0; i < 4; i++) {
        workers[i] = (struct worker){.f = f};
        assert_int_equal(pthread_create(&threads[i], NULL, worker_run, &workers[i]), 0);
    }
    assert_int_equal(atrium_keyring_add(f->kr, extra, false), 0);
    json_auto_t *jwks = NULL;
    assert_int_equal(atrium_keyring_jwks(f->kr, NULL, &jwks), 0);
    assert_int_equal(atrium_keyring_remove(f->kr, extra_kid), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(threads[i], NULL);
        assert_int_equal(workers[i].failures, 0);
    }
}

struct signer {
    struct fixture *f;
    pthread_barrier_t *start;
    int id;
    char *tokens[TOKENS_PER_SIGNER];
    int failures;
};

static void *signer_run(void *arg)
{
    struct signer *s = arg;
    pthread_barrier_wait(s->start);
    for (int i = 0; i < TOKENS_PER_SIGNER; i++) {
        json_auto_t *claims = json_pack("{s:i,s:i,s:s,s:i}", "signer", s->id, "i", i, "aud",
                                        "api://x", "exp", 2000000000);
        if (!claims || atrium_jwt_sign(s->f->kr, claims, &s->tokens[i]) < 0)
            s->failures++;
    }
    return NULL;
}

/* Tokens signed from several threads at once (one shared EVP_PKEY) all verify. */
static void test_concurrent_signing(void **state)
{
    struct fixture *f = *state;
    pthread_barrier_t start;
    pthread_t threads[SIGNERS];
    struct signer signers[SIGNERS];

    assert_int_equal(pthread_barrier_init(&start, NULL, SIGNERS), 0);
    for (int i = 0; i < SIGNERS; i++) {
        signers[i] = (struct signer){.f = f, .start = &start, .id = i};
        assert_int_equal(pthread_create(&threads[i], NULL, signer_run, &signers[i]), 0);
    }
    for (int i = 0; i < SIGNERS; i++)
        pthread_join(threads[i], NULL);
    pthread_barrier_destroy(&start);

    for (int i = 0; i < SIGNERS; i++) {
        assert_int_equal(signers[i].failures, 0);
        for (int k = 0; k < TOKENS_PER_SIGNER; k++) {
            const char *token = signers[i].tokens[k];
            json_t *claims = NULL;
            assert_non_null(token);
            assert_int_equal(atrium_jwt_verify(f->kr, token, ATRIUM_JWT_MAX_LEN, &claims, NULL), 0);
            assert_int_equal(json_integer_value(json_object_get(claims, "signer")), i);
            assert_int_equal(json_integer_value(json_object_get(claims, "i")), k);
            json_decref(claims);
            assert_plain_rs256(f->priv, token);
            assert_jose_verifies(f, token);
            xfree(signers[i].tokens[k]);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_verify),
        cmocka_unit_test(test_signature_is_plain_rs256),
        cmocka_unit_test(test_modified_payload_rejected),
        cmocka_unit_test(test_modified_signature_rejected),
        cmocka_unit_test(test_alg_none_rejected),
        cmocka_unit_test(test_hs256_with_public_key_rejected),
        cmocka_unit_test(test_other_algs_rejected),
        cmocka_unit_test(test_forged_header_oracle_accepts),
        cmocka_unit_test(test_attacker_key_rejected),
        cmocka_unit_test(test_kid_rejected),
        cmocka_unit_test(test_signed_but_malformed_rejected),
        cmocka_unit_test(test_non_canonical_segment_rejected),
        cmocka_unit_test(test_garbage_rejected),
        cmocka_unit_test(test_over_long_rejected),
        cmocka_unit_test(test_rotation),
        cmocka_unit_test(test_sign_errors),
        cmocka_unit_test(test_check_times),
        cmocka_unit_test(test_half_hash),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_concurrent_signing),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
