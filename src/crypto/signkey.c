/* SPDX-License-Identifier: MIT */
/*
 * Signing keys: generation (RSA-2048 + self-signed certificate), the sealed
 * export/import form, and the public JWK; see keyring.h. Each key also holds
 * its private key as an OpenSSL EVP_PKEY, loaded once here, that jwt.c signs
 * with.
 */
#include "crypto/keyring.h"

#include <string.h>

#include <jose/jose.h>
#include <jose/openssl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "crypto/b64url.h"
#include "crypto/joseutil.h"
#include "crypto/keyring_internal.h"
#include "crypto/masterkey.h"
#include "crypto/x509util.h"

#define CERT_DAYS (5 * 365)
#define SEAL_AAD_FMT "signing-key:%s"

static const struct atrium_x509_ext signing_cert_exts[] = {
    {NID_basic_constraints, "critical,CA:FALSE"},
    {NID_key_usage, "critical,digitalSignature"},
    {0, NULL},
};

/* Wipe the private members of a JWK in place before it is released. */
static void jwk_wipe_private(json_t *jwk)
{
    static const char *const members[] = {"d", "p", "q", "dp", "dq", "qi"};
    for (size_t i = 0; jwk && i < sizeof(members) / sizeof(members[0]); i++) {
        json_t *v = json_object_get(jwk, members[i]);
        if (json_is_string(v))
            OPENSSL_cleanse((char *)json_string_value(v), json_string_length(v));
    }
}

static char *der_x5t(const unsigned char *der, size_t len)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (EVP_Digest(der, len, md, &md_len, EVP_sha1(), NULL) != 1)
        return NULL;
    return atrium_b64url_encode_alloc(md, md_len);
}

static char *der_x5c(const unsigned char *der, size_t len)
{
    char *out = xmalloc(4 * ((len + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)out, der, (int)len);
    return out;
}

static char *jws_header_b64(const char *kid, const char *x5t)
{
    json_auto_t *hdr =
        json_pack("{s:s,s:s,s:s,s:s}", "typ", "JWT", "alg", "RS256", "kid", kid, "x5t", x5t);
    AUTO_FREE char *text = hdr ? json_dumps(hdr, JSON_COMPACT) : NULL;
    return text ? atrium_b64url_encode_alloc(text, strlen(text)) : NULL;
}

/*
 * The private key of a private JWK as a provider-native EVP_PKEY, or NULL.
 * jose builds a legacy RSA key, which OpenSSL 3 would export to its provider
 * (through a locked per-key cache) on first use; reloading it through the
 * DER decoders gives a key that signers can share with no hidden state.
 */
static EVP_PKEY *jwk_to_pkey(const json_t *jwk)
{
    jose_cfg_auto_t *cfg = atrium_jose_cfg_quiet();
    EVP_PKEY *legacy = json_object_get(jwk, "d") ? jose_openssl_jwk_to_EVP_PKEY(cfg, jwk) : NULL;
    unsigned char *der = NULL;
    int len = legacy ? i2d_PrivateKey(legacy, &der) : 0;
    const unsigned char *p = der;
    EVP_PKEY *pkey = len > 0 ? d2i_PrivateKey_ex(EVP_PKEY_RSA, NULL, &p, len, NULL, NULL) : NULL;

    if (len > 0)
        OPENSSL_clear_free(der, (size_t)len);
    EVP_PKEY_free(legacy);
    return pkey;
}

/* Fill the public members (kid, JWK copies, header) from a private JWK. */
static int key_fill_from_jwk(struct atrium_signing_key *key, const json_t *jwk)
{
    jose_cfg_auto_t *cfg = atrium_jose_cfg_quiet();
    json_auto_t *thp = jose_jwk_thp(cfg, jwk, "S256");
    const char *kid = json_string_value(thp);

    if (!kid || strlen(kid) != ATRIUM_KID_LEN)
        return ATRIUM_ECRYPTO;
    memcpy(key->kid, kid, ATRIUM_KID_LEN + 1);
    key->jwk = json_deep_copy(jwk);
    /* Built from n and e only, so no copy of the private members lingers. */
    key->jwk_pub = json_pack("{s:s,s:O,s:O,s:s}", "kty", "RSA", "n", json_object_get(jwk, "n"), "e",
                             json_object_get(jwk, "e"), "alg", "RS256");
    if (!key->jwk || !key->jwk_pub)
        return ATRIUM_ECRYPTO;
    key->jws_header = jws_header_b64(key->kid, key->x5t);
    if (!key->jws_header)
        return ATRIUM_ECRYPTO;
    key->jws_header_len = strlen(key->jws_header);
    return 0;
}

/*
 * Build a key from its private JWK and certificate DER (both borrowed) and
 * pkey, the same private key as a provider-native EVP_PKEY (consumed, also
 * on failure).
 */
static int key_build(const json_t *jwk, EVP_PKEY *pkey, const unsigned char *der, size_t der_len,
                     int64_t created, int64_t not_after, struct atrium_signing_key **ret)
{
    struct atrium_signing_key *key = xcalloc(1, sizeof(*key));

    key->pkey = pkey;
    key->created = created;
    key->not_after = not_after;
    key->cert_der = xmalloc(der_len);
    memcpy(key->cert_der, der, der_len);
    key->cert_der_len = der_len;
    key->x5t = der_x5t(der, der_len);
    key->x5c = der_x5c(der, der_len);
    int r = key->x5t ? key_fill_from_jwk(key, jwk) : ATRIUM_ECRYPTO;
    if (r == 0)
        r = atrium_jwt_rs256_ctx_new(key->pkey, &key->sign_ctx);
    if (r < 0) {
        atrium_signing_key_free(key);
        return r;
    }
    *ret = key;
    return 0;
}

static X509 *signing_cert(EVP_PKEY *pkey, int64_t now)
{
    struct atrium_x509_spec spec = {
        .common_name = "Atrium token signing",
        .not_before = now - 300,
        .not_after = now + (int64_t)CERT_DAYS * 86400,
        .exts = signing_cert_exts,
    };
    return atrium_x509_build(&spec, pkey, NULL, NULL);
}

int atrium_signing_key_generate(struct atrium_signing_key **ret)
{
    jose_cfg_auto_t *cfg = atrium_jose_cfg_quiet();
    int64_t now = atrium_now();
    EVP_PKEY *pkey = EVP_RSA_gen(ATRIUM_SIGNING_KEY_BITS);
    X509 *cert = pkey ? signing_cert(pkey, now) : NULL;
    json_auto_t *jwk = cert ? jose_openssl_jwk_from_EVP_PKEY(cfg, pkey) : NULL;
    unsigned char *der = NULL;
    size_t der_len = 0;
    int r = ATRIUM_ECRYPTO;

    /* EVP_RSA_gen makes a provider-native key: it is the one to sign with. */
    if (jwk && atrium_x509_cert_der(cert, &der, &der_len) == 0)
        r = key_build(jwk, TAKE_PTR(pkey), der, der_len, now, 0, ret);
    jwk_wipe_private(jwk);
    xfree(der);
    X509_free(cert);
    EVP_PKEY_free(pkey);
    return r;
}

struct atrium_signing_key *atrium_signing_key_free(struct atrium_signing_key *key)
{
    if (!key)
        return NULL;
    jwk_wipe_private(key->jwk);
    json_decref(key->jwk);
    json_decref(key->jwk_pub);
    EVP_MD_CTX_free(key->sign_ctx);
    EVP_PKEY_free(key->pkey);
    xfree(key->x5t);
    xfree(key->x5c);
    xfree(key->cert_der);
    xfree(key->jws_header);
    return xfree(key);
}

const char *atrium_signing_key_kid(const struct atrium_signing_key *key)
{
    return key->kid;
}

const char *atrium_signing_key_x5t(const struct atrium_signing_key *key)
{
    return key->x5t;
}

int64_t atrium_signing_key_created(const struct atrium_signing_key *key)
{
    return key->created;
}

int64_t atrium_signing_key_not_after(const struct atrium_signing_key *key)
{
    return key->not_after;
}

void atrium_signing_key_set_not_after(struct atrium_signing_key *key, int64_t not_after)
{
    key->not_after = not_after;
}

char *atrium_signing_key_cert_pem(const struct atrium_signing_key *key)
{
    const unsigned char *p = key->cert_der;
    X509 *cert = d2i_X509(NULL, &p, (long)key->cert_der_len);
    char *pem = cert ? atrium_x509_cert_pem(cert) : NULL;
    X509_free(cert);
    if (!pem)
        abort(); /* the DER was produced and checked by key_build */
    return pem;
}

json_t *atrium_signing_key_public_jwk(const struct atrium_signing_key *key, const char *issuer)
{
    json_t *jwk = json_pack("{s:s,s:s,s:s,s:s,s:O,s:O,s:[s]}", "kty", "RSA", "use", "sig", "kid",
                            key->kid, "x5t", key->x5t, "n", json_object_get(key->jwk_pub, "n"), "e",
                            json_object_get(key->jwk_pub, "e"), "x5c", key->x5c);
    if (!jwk)
        abort(); /* only on OOM or a broken key, both impossible after key_build */
    if (issuer)
        json_object_set_new(jwk, "issuer", json_string(issuer));
    return jwk;
}

int atrium_signing_key_export(const struct atrium_signing_key *key,
                              const struct atrium_masterkey *mk, char **ret_blob)
{
    AUTO_FREE char *cert = atrium_b64url_encode_alloc(key->cert_der, key->cert_der_len);
    AUTO_FREE char *aad = xasprintf(SEAL_AAD_FMT, key->kid);
    json_auto_t *jwk = json_deep_copy(key->jwk);
    json_auto_t *doc = NULL;

    if (!jwk)
        return ATRIUM_ECRYPTO;
    doc = json_pack("{s:i,s:O,s:s}", "v", 1, "jwk", jwk, "cert", cert);
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    jwk_wipe_private(jwk);
    if (!text)
        return ATRIUM_ECRYPTO;
    size_t len = strlen(text);
    int r = atrium_masterkey_seal(mk, text, len, aad, ret_blob);
    OPENSSL_cleanse(text, len);
    xfree(text); /* allocated by jansson with malloc */
    return r;
}

/* Check that pkey (NULL fails) is an RSA key of at least 2048 bits matching cert. */
static int check_pkey_cert(EVP_PKEY *pkey, const unsigned char *der, size_t der_len)
{
    const unsigned char *p = der;
    X509 *cert = d2i_X509(NULL, &p, (long)der_len);
    bool ok = cert && pkey && p == der + der_len && EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA &&
              EVP_PKEY_get_bits(pkey) >= ATRIUM_SIGNING_KEY_BITS &&
              X509_check_private_key(cert, pkey) == 1;

    X509_free(cert);
    return ok ? 0 : ATRIUM_EINVAL;
}

/* Parse the opened blob text and build the key; the kid must match. */
static int key_from_doc(const char *text, size_t len, const char *kid, int64_t created,
                        int64_t not_after, struct atrium_signing_key **ret)
{
    json_auto_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
    json_t *jwk = NULL;
    const char *cert = NULL;
    AUTO_FREE unsigned char *der = NULL;
    size_t der_len = 0;
    struct atrium_signing_key *key = NULL;
    EVP_PKEY *pkey = NULL;
    int version = 0;

    int r = ATRIUM_EINVAL;
    if (doc && json_unpack(doc, "{s:i,s:o,s:s}", "v", &version, "jwk", &jwk, "cert", &cert) == 0 &&
        version == 1 && atrium_b64url_decode_alloc(cert, strlen(cert), &der, &der_len) == 0) {
        pkey = jwk_to_pkey(jwk);
        r = check_pkey_cert(pkey, der, der_len);
    }
    if (r == 0)
        r = key_build(jwk, TAKE_PTR(pkey), der, der_len, created, not_after, &key);
    EVP_PKEY_free(pkey);
    if (r == 0 && strcmp(key->kid, kid) != 0)
        r = ATRIUM_EINVAL;
    jwk_wipe_private(jwk);
    if (r < 0) {
        atrium_signing_key_free(key);
        return r;
    }
    *ret = key;
    return 0;
}

int atrium_signing_key_import(const struct atrium_masterkey *mk, const char *kid, const char *blob,
                              int64_t created, int64_t not_after, struct atrium_signing_key **ret)
{
    AUTO_FREE char *aad = xasprintf(SEAL_AAD_FMT, kid);
    unsigned char *pt = NULL;
    size_t len = 0;

    int r = atrium_masterkey_open(mk, blob, aad, &pt, &len);
    if (r < 0)
        return r;
    r = key_from_doc((const char *)pt, len, kid, created, not_after, ret);
    atrium_masterkey_plaintext_free(pt, len);
    return r;
}
