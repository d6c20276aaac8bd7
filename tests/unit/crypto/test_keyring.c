/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for signing keys and the keyring (crypto/signkey.c, keyring.c):
 * the JWKS shape, kid and x5t derivations, the sealed export/import (an
 * imported key signs exactly as the original), and rotation bookkeeping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "crypto/b64url.h"
#include "crypto/jwt.h"
#include "crypto/keyring.h"
#include "crypto/masterkey.h"

struct fixture {
    struct atrium_masterkey *mk;
    struct atrium_signing_key *key; /* generated once for the read-only tests */
};

static int group_setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));
    f->mk = atrium_masterkey_generate();
    if (atrium_signing_key_generate(&f->key) < 0)
        return -1;
    *state = f;
    return 0;
}

static int group_teardown(void **state)
{
    struct fixture *f = *state;
    atrium_signing_key_free(f->key);
    atrium_masterkey_free(f->mk);
    xfree(f);
    return 0;
}

static char *sha_b64url(const EVP_MD *md, const void *data, size_t len)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    assert_int_equal(EVP_Digest(data, len, out, &n, md, NULL), 1);
    return atrium_b64url_encode_alloc(out, n);
}

/* Standard base64 decode of an x5c entry into DER. Caller owns. */
static unsigned char *x5c_der(const char *b64, size_t *ret_len)
{
    size_t len = strlen(b64);
    unsigned char *der = xmalloc(len);
    int n = EVP_DecodeBlock(der, (const unsigned char *)b64, (int)len);
    assert_true(n > 0);
    while (len > 0 && b64[len - 1] == '=') {
        len--;
        n--;
    }
    *ret_len = (size_t)n;
    return der;
}

static void test_jwk_shape(void **state)
{
    struct fixture *f = *state;
    json_auto_t *jwk = atrium_signing_key_public_jwk(f->key, NULL);
    static const char *const want[] = {"kty", "use", "kid", "x5t", "n", "e", "x5c"};
    const char *k = NULL;
    json_t *v = NULL;
    size_t i = 0;

    /* Exactly Entra's members, in Entra's order, and nothing private. */
    assert_int_equal(json_object_size(jwk), 7);
    json_object_foreach(jwk, k, v)
    {
        assert_string_equal(k, want[i]);
        i++;
    }
    assert_string_equal(json_string_value(json_object_get(jwk, "kty")), "RSA");
    assert_string_equal(json_string_value(json_object_get(jwk, "use")), "sig");
    assert_string_equal(json_string_value(json_object_get(jwk, "e")), "AQAB");
    assert_null(json_object_get(jwk, "alg"));
    assert_null(json_object_get(jwk, "d"));
    assert_string_equal(json_string_value(json_object_get(jwk, "kid")),
                        atrium_signing_key_kid(f->key));
    /* 2048-bit modulus: 256 bytes, 342 base64url characters. */
    assert_int_equal(json_string_length(json_object_get(jwk, "n")), 342);
    assert_int_equal(json_array_size(json_object_get(jwk, "x5c")), 1);

    json_auto_t *with = atrium_signing_key_public_jwk(f->key, "https://h/{tenantid}/v2.0");
    assert_string_equal(json_string_value(json_object_get(with, "issuer")),
                        "https://h/{tenantid}/v2.0");
}

/* kid is the RFC 7638 thumbprint: SHA-256 of {"e":..,"kty":"RSA","n":..}. */
static void test_kid_is_jwk_thumbprint(void **state)
{
    struct fixture *f = *state;
    json_auto_t *jwk = atrium_signing_key_public_jwk(f->key, NULL);
    AUTO_FREE char *canon = xasprintf("{\"e\":\"%s\",\"kty\":\"RSA\",\"n\":\"%s\"}",
                                      json_string_value(json_object_get(jwk, "e")),
                                      json_string_value(json_object_get(jwk, "n")));
    AUTO_FREE char *thp = sha_b64url(EVP_sha256(), canon, strlen(canon));
    assert_string_equal(atrium_signing_key_kid(f->key), thp);
    assert_int_equal(strlen(thp), ATRIUM_KID_LEN);
}

/* x5t is base64url SHA-1 of the certificate DER, and the certificate holds the key. */
static void test_x5t_and_certificate(void **state)
{
    struct fixture *f = *state;
    json_auto_t *jwk = atrium_signing_key_public_jwk(f->key, NULL);
    const char *x5c = json_string_value(json_array_get(json_object_get(jwk, "x5c"), 0));
    size_t der_len = 0;
    AUTO_FREE unsigned char *der = x5c_der(x5c, &der_len);
    AUTO_FREE char *x5t = sha_b64url(EVP_sha1(), der, der_len);

    assert_string_equal(json_string_value(json_object_get(jwk, "x5t")), x5t);
    assert_string_equal(atrium_signing_key_x5t(f->key), x5t);

    /* The PEM form holds the same certificate. */
    AUTO_FREE char *pem = atrium_signing_key_cert_pem(f->key);
    assert_true(strncmp(pem, "-----BEGIN CERTIFICATE-----\n", 28) == 0);
    AUTO_FREE char *body = xstrndup(pem + 28, 64);
    assert_true(strncmp(x5c, body, 64) == 0);

    const unsigned char *p = der;
    X509 *cert = d2i_X509(NULL, &p, (long)der_len);
    assert_non_null(cert);
    EVP_PKEY *pub = X509_get0_pubkey(cert);
    assert_int_equal(EVP_PKEY_get_bits(pub), 2048);
    BIGNUM *n = NULL;
    assert_int_equal(EVP_PKEY_get_bn_param(pub, "n", &n), 1);
    unsigned char nbin[256];
    assert_int_equal(BN_bn2binpad(n, nbin, sizeof(nbin)), 256);
    AUTO_FREE char *n_b64 = atrium_b64url_encode_alloc(nbin, sizeof(nbin));
    assert_string_equal(json_string_value(json_object_get(jwk, "n")), n_b64);
    BN_free(n);
    X509_free(cert);
}

static void test_export_import_round_trip(void **state)
{
    struct fixture *f = *state;
    AUTO_FREE char *blob = NULL;
    struct atrium_signing_key *back = NULL;
    const char *kid = atrium_signing_key_kid(f->key);

    assert_int_equal(atrium_signing_key_export(f->key, f->mk, &blob), 0);
    assert_true(strncmp(blob, "v1.", 3) == 0);
    assert_null(strstr(blob, "\"d\""));
    assert_int_equal(atrium_signing_key_import(f->mk, kid, blob, 1000, 2000, &back), 0);
    assert_string_equal(atrium_signing_key_kid(back), kid);
    assert_string_equal(atrium_signing_key_x5t(back), atrium_signing_key_x5t(f->key));
    assert_int_equal(atrium_signing_key_created(back), 1000);
    assert_int_equal(atrium_signing_key_not_after(back), 2000);
    json_auto_t *a = atrium_signing_key_public_jwk(f->key, NULL);
    json_auto_t *b = atrium_signing_key_public_jwk(back, NULL);
    assert_true(json_equal(a, b));
    atrium_signing_key_free(back);
}

/* The RS256 signature of token verifies with plain OpenSSL and the certificate's public key. */
static void assert_signed_by_cert(const char *token, const char *x5c)
{
    size_t der_len = 0;
    AUTO_FREE unsigned char *der = x5c_der(x5c, &der_len);
    const unsigned char *p = der;
    X509 *cert = d2i_X509(NULL, &p, (long)der_len);
    assert_non_null(cert);
    const char *dot2 = strrchr(token, '.');
    unsigned char sig[512];
    size_t sig_len = 0;
    assert_int_equal(atrium_b64url_decode(dot2 + 1, strlen(dot2 + 1), sig, sizeof(sig), &sig_len),
                     0);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, X509_get0_pubkey(cert)),
                     1);
    assert_int_equal(
        EVP_DigestVerify(ctx, sig, sig_len, (const unsigned char *)token, (size_t)(dot2 - token)),
        1);
    EVP_MD_CTX_free(ctx);
    X509_free(cert);
}

/*
 * A key rebuilt from its sealed export signs the same claims into the same
 * token (RSASSA-PKCS1-v1_5 is deterministic), and each keyring verifies the
 * other's tokens.
 */
static void test_imported_key_signs_alike(void **state)
{
    struct fixture *f = *state;
    struct atrium_signing_key *orig = NULL, *back = NULL;
    AUTO_FREE char *blob = NULL;

    assert_int_equal(atrium_signing_key_generate(&orig), 0);
    assert_int_equal(atrium_signing_key_export(orig, f->mk, &blob), 0);
    assert_int_equal(
        atrium_signing_key_import(f->mk, atrium_signing_key_kid(orig), blob, 0, 0, &back), 0);
    json_auto_t *x5c_jwk = atrium_signing_key_public_jwk(back, NULL);
    AUTO_FREE char *x5c =
        xstrdup(json_string_value(json_array_get(json_object_get(x5c_jwk, "x5c"), 0)));
    struct atrium_keyring *kr_orig = atrium_keyring_new();
    struct atrium_keyring *kr_back = atrium_keyring_new();
    assert_int_equal(atrium_keyring_add(kr_orig, orig, true), 0);
    assert_int_equal(atrium_keyring_add(kr_back, back, true), 0);

    json_auto_t *claims = json_pack("{s:s,s:s,s:i,s:i}", "sub", "u", "aud", "api://x", "iat",
                                    1700000000, "exp", 2000000000);
    AUTO_FREE char *t_orig = NULL;
    AUTO_FREE char *t_back = NULL;
    assert_int_equal(atrium_jwt_sign(kr_orig, claims, &t_orig), 0);
    assert_int_equal(atrium_jwt_sign(kr_back, claims, &t_back), 0);
    assert_string_equal(t_orig, t_back);
    assert_signed_by_cert(t_back, x5c);

    json_t *got = NULL;
    assert_int_equal(atrium_jwt_verify(kr_orig, t_back, ATRIUM_JWT_MAX_LEN, &got, NULL), 0);
    assert_true(json_equal(got, claims));
    json_decref(got);
    got = NULL;
    assert_int_equal(atrium_jwt_verify(kr_back, t_orig, ATRIUM_JWT_MAX_LEN, &got, NULL), 0);
    assert_true(json_equal(got, claims));
    json_decref(got);
    atrium_keyring_free(kr_back);
    atrium_keyring_free(kr_orig);
}

static void test_import_rejects(void **state)
{
    struct fixture *f = *state;
    AUTO_FREE char *blob = NULL;
    struct atrium_signing_key *back = NULL;
    const char *kid = atrium_signing_key_kid(f->key);

    assert_int_equal(atrium_signing_key_export(f->key, f->mk, &blob), 0);
    /* Stored under another kid: the AAD does not match. */
    assert_int_equal(atrium_signing_key_import(f->mk, "other-kid", blob, 0, 0, &back),
                     ATRIUM_ECRYPTO);
    /* Another master key. */
    struct atrium_masterkey *other = atrium_masterkey_generate();
    assert_int_equal(atrium_signing_key_import(other, kid, blob, 0, 0, &back), ATRIUM_ECRYPTO);
    atrium_masterkey_free(other);
    /* Tampered. */
    blob[10] = blob[10] == 'A' ? 'B' : 'A';
    assert_int_equal(atrium_signing_key_import(f->mk, kid, blob, 0, 0, &back), ATRIUM_ECRYPTO);
    /* Sealed correctly but not a key document. */
    AUTO_FREE char *aad = xasprintf("signing-key:%s", kid);
    AUTO_FREE char *junk = NULL;
    assert_int_equal(atrium_masterkey_seal(f->mk, "{\"v\":1}", 7, aad, &junk), 0);
    assert_int_equal(atrium_signing_key_import(f->mk, kid, junk, 0, 0, &back), ATRIUM_EINVAL);
    assert_null(back);
}

static void test_keys_are_distinct(void **state)
{
    struct fixture *f = *state;
    struct atrium_signing_key *k2 = NULL;
    assert_int_equal(atrium_signing_key_generate(&k2), 0);
    assert_string_not_equal(atrium_signing_key_kid(k2), atrium_signing_key_kid(f->key));
    assert_true(atrium_signing_key_created(k2) > 0);
    assert_int_equal(atrium_signing_key_not_after(k2), 0);
    atrium_signing_key_free(k2);
}

/* A copy of the fixture key (import of its export), for keyrings that consume keys. */
static struct atrium_signing_key *copy_key(struct fixture *f)
{
    AUTO_FREE char *blob = NULL;
    struct atrium_signing_key *k = NULL;
    assert_int_equal(atrium_signing_key_export(f->key, f->mk, &blob), 0);
    assert_int_equal(
        atrium_signing_key_import(f->mk, atrium_signing_key_kid(f->key), blob, 0, 0, &k), 0);
    return k;
}

static const char *jwks_kid(const json_t *jwks, size_t i)
{
    return json_string_value(
        json_object_get(json_array_get(json_object_get(jwks, "keys"), i), "kid"));
}

static void test_keyring_rotation(void **state)
{
    struct fixture *f = *state;
    struct atrium_keyring *kr = atrium_keyring_new();
    struct atrium_signing_key *k2 = NULL;
    AUTO_FREE char *active = NULL;
    AUTO_FREE char *old_kid = xstrdup(atrium_signing_key_kid(f->key));

    assert_int_equal(atrium_keyring_active_kid(kr, &active), ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_keyring_add(kr, copy_key(f), true), 0);
    assert_int_equal(atrium_keyring_add(kr, copy_key(f), false), ATRIUM_ECONFLICT);
    uint64_t gen = atrium_keyring_generation(kr);

    assert_int_equal(atrium_signing_key_generate(&k2), 0);
    AUTO_FREE char *new_kid = xstrdup(atrium_signing_key_kid(k2));
    assert_int_equal(atrium_keyring_rotate(kr, k2, 3600), 0);
    assert_true(atrium_keyring_generation(kr) > gen);
    assert_int_equal(atrium_keyring_active_kid(kr, &active), 0);
    assert_string_equal(active, new_kid);

    /* Both published, the active one first, each with the issuer. */
    json_auto_t *jwks = NULL;
    assert_int_equal(atrium_keyring_jwks(kr, "https://h/{tenantid}/v2.0", &jwks), 0);
    assert_int_equal(json_array_size(json_object_get(jwks, "keys")), 2);
    assert_string_equal(jwks_kid(jwks, 0), new_kid);
    assert_string_equal(jwks_kid(jwks, 1), old_kid);

    /* The active key cannot be retired or removed. */
    assert_int_equal(atrium_keyring_retire(kr, new_kid, 1), ATRIUM_EINVAL);
    assert_int_equal(atrium_keyring_remove(kr, new_kid), ATRIUM_EINVAL);
    assert_int_equal(atrium_keyring_remove(kr, "nope"), ATRIUM_ENOTFOUND);

    /* Nothing expired yet; after the grace period the old key goes. */
    assert_int_equal(atrium_keyring_prune(kr, atrium_now()), 0);
    assert_int_equal(atrium_keyring_prune(kr, atrium_now() + 3601), 1);
    assert_int_equal(atrium_keyring_count(kr), 1);
    atrium_keyring_free(kr);
}

static void test_keyring_retired_key_unpublished(void **state)
{
    struct fixture *f = *state;
    struct atrium_keyring *kr = atrium_keyring_new();
    struct atrium_signing_key *k2 = NULL;

    assert_int_equal(atrium_signing_key_generate(&k2), 0);
    assert_int_equal(atrium_keyring_add(kr, k2, true), 0);
    assert_int_equal(atrium_keyring_add(kr, copy_key(f), false), 0);
    assert_int_equal(atrium_keyring_retire(kr, atrium_signing_key_kid(f->key), atrium_now() - 1),
                     0);
    json_auto_t *jwks = NULL;
    assert_int_equal(atrium_keyring_jwks(kr, NULL, &jwks), 0);
    assert_int_equal(json_array_size(json_object_get(jwks, "keys")), 1);
    assert_null(json_object_get(json_array_get(json_object_get(jwks, "keys"), 0), "issuer"));
    assert_int_equal(atrium_keyring_count(kr), 2); /* held until pruned */
    assert_int_equal(atrium_keyring_remove(kr, atrium_signing_key_kid(f->key)), 0);
    assert_int_equal(atrium_keyring_count(kr), 1);
    atrium_keyring_free(kr);
}

static void test_keyring_list_and_activate(void **state)
{
    struct fixture *f = *state;
    struct atrium_keyring *kr = atrium_keyring_new();
    struct atrium_signing_key *k2 = NULL;
    struct atrium_keyring_entry *v = NULL;
    size_t n = 99;
    AUTO_FREE char *active = NULL;
    const char *old_kid = atrium_signing_key_kid(f->key);

    atrium_keyring_list(kr, &v, &n);
    assert_null(v);
    assert_int_equal(n, 0);
    assert_int_equal(atrium_keyring_activate(kr, old_kid), ATRIUM_ENOTFOUND);

    assert_int_equal(atrium_keyring_add(kr, copy_key(f), true), 0);
    assert_int_equal(atrium_signing_key_generate(&k2), 0);
    AUTO_FREE char *new_kid = xstrdup(atrium_signing_key_kid(k2));
    assert_int_equal(atrium_keyring_add(kr, k2, false), 0);
    assert_int_equal(atrium_keyring_retire(kr, new_kid, atrium_now() + 60), 0);

    /* A snapshot in the keyring's order, with the ends and the active flag. */
    atrium_keyring_list(kr, &v, &n);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].kid, old_kid);
    assert_true(v[0].active);
    assert_int_equal(v[0].not_after, 0);
    assert_string_equal(v[1].kid, new_kid);
    assert_false(v[1].active);
    assert_true(v[1].not_after > 0);
    xfree(v);

    /* Activating the active key changes nothing (not even the generation). */
    uint64_t gen = atrium_keyring_generation(kr);
    assert_int_equal(atrium_keyring_activate(kr, old_kid), 0);
    assert_int_equal(atrium_keyring_generation(kr), gen);

    /* Activating a held key: it signs and is published without end; the old one keeps its end. */
    assert_int_equal(atrium_keyring_activate(kr, new_kid), 0);
    assert_true(atrium_keyring_generation(kr) > gen);
    assert_int_equal(atrium_keyring_active_kid(kr, &active), 0);
    assert_string_equal(active, new_kid);
    atrium_keyring_list(kr, &v, &n);
    assert_int_equal(n, 2);
    assert_false(v[0].active);
    assert_int_equal(v[0].not_after, 0);
    assert_true(v[1].active);
    assert_int_equal(v[1].not_after, 0);
    xfree(v);
    assert_int_equal(atrium_keyring_prune(kr, atrium_now() + 3600), 0);
    assert_int_equal(atrium_keyring_remove(kr, old_kid), 0);
    assert_int_equal(atrium_keyring_count(kr), 1);
    atrium_keyring_free(kr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jwk_shape),
        cmocka_unit_test(test_kid_is_jwk_thumbprint),
        cmocka_unit_test(test_x5t_and_certificate),
        cmocka_unit_test(test_export_import_round_trip),
        cmocka_unit_test(test_imported_key_signs_alike),
        cmocka_unit_test(test_import_rejects),
        cmocka_unit_test(test_keys_are_distinct),
        cmocka_unit_test(test_keyring_rotation),
        cmocka_unit_test(test_keyring_retired_key_unpublished),
        cmocka_unit_test(test_keyring_list_and_activate),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
