/* SPDX-License-Identifier: MIT */
/*
 * RS256 JWTs; see jwt.h. Signing runs OpenSSL directly with the key's
 * EVP_PKEY, loaded once (jose would rebuild the key from its JWK on every
 * call, at less than half the rate), from a digest-sign context also set up
 * once per key, and assembles the compact form itself.
 * Verification goes through jose, after strict checks of the encoding.
 */
#include "crypto/jwt.h"

#include <stdlib.h>
#include <string.h>

#include <jose/jose.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json_dump.h"
#include "core/xalloc.h"
#include "crypto/b64url.h"
#include "crypto/joseutil.h"
#include "crypto/keyring_internal.h"

#define KID_MAX 128
#define SIG_MAX 1024              /* bytes: RSA up to 8192 bits */
#define JWT_CLAIMS_MAX (1u << 20) /* bytes of claims JSON: far above any token issued here */

/* The three segments of a compact JWS, pointing into the token. */
struct jws_parts {
    const char *seg[3];
    size_t len[3];
};

int atrium_jwt_rs256_ctx_new(EVP_PKEY *pkey, EVP_MD_CTX **ret)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;

    if (!ctx)
        return ATRIUM_ECRYPTO;
    /* Copies finalise in place: each is used once, so OpenSSL need not copy it again. */
    EVP_MD_CTX_set_flags(ctx, EVP_MD_CTX_FLAG_FINALISE);
    if (EVP_DigestSignInit_ex(ctx, &pctx, "SHA256", NULL, NULL, pkey, NULL) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
        EVP_MD_CTX_free(ctx);
        return ATRIUM_ECRYPTO;
    }
    *ret = ctx;
    return 0;
}

/*
 * RSASSA-PKCS1-v1_5 with SHA-256 of input[0..len) into sig (capacity
 * *sig_len, at least EVP_PKEY_get_size(key->pkey)). The key and its
 * sign_ctx are shared read-only by every signer (EVP_MD_CTX_copy_ex only
 * reads its source); the copy (and the EVP_PKEY_CTX in it) is this call's
 * own, as OpenSSL requires for concurrent use. Copying costs a few percent
 * of initialising: OpenSSL 3.0's EVP_DigestSignInit fetches the signature
 * algorithm, and its RSA provider the digest by name, on every call, even
 * when handed a pre-fetched EVP_MD or EVP_sha256().
 */
static int rs256_sign(const struct atrium_signing_key *key, const char *input, size_t len,
                      unsigned char *sig, size_t *sig_len)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_MD_CTX_copy_ex(ctx, key->sign_ctx) == 1 &&
              EVP_DigestSign(ctx, sig, sig_len, (const unsigned char *)input, len) == 1;
    EVP_MD_CTX_free(ctx);
    return ok ? 0 : ATRIUM_ECRYPTO;
}

/*
 * Sign "<header>.<payload>" with key into a fresh buffer holding the whole
 * token; text[0..len) is the claims JSON. Read lock held.
 */
static int sign_compact(const struct atrium_signing_key *key, const char *text, size_t len,
                        char **ret_compact)
{
    size_t sig_max = (size_t)EVP_PKEY_get_size(key->pkey);
    size_t input_len = key->jws_header_len + 1 + atrium_b64url_encoded_len(len);
    unsigned char sig[SIG_MAX];
    size_t sig_len = sizeof(sig);

    if (sig_max == 0 || sig_max > sizeof(sig))
        return ATRIUM_ECRYPTO;
    /* One buffer: header and payload first, the signature appended in place. */
    char *out = xmalloc(input_len + 1 + atrium_b64url_encoded_len(sig_max) + 1);
    memcpy(out, key->jws_header, key->jws_header_len);
    out[key->jws_header_len] = '.';
    atrium_b64url_encode(text, len, out + key->jws_header_len + 1);
    int r = rs256_sign(key, out, input_len, sig, &sig_len);
    if (r < 0) {
        xfree(out);
        return r;
    }
    out[input_len] = '.';
    atrium_b64url_encode(sig, sig_len, out + input_len + 1);
    *ret_compact = out;
    return 0;
}

int atrium_jwt_sign(struct atrium_keyring *kr, const json_t *claims, char **ret_compact)
{
    if (!json_is_object(claims))
        return ATRIUM_EINVAL;
    struct atrium_buf text;
    atrium_buf_init(&text, JWT_CLAIMS_MAX);
    int r = atrium_json_dump(claims, &text);
    if (r < 0) {
        atrium_buf_release(&text);
        return ATRIUM_EINVAL;
    }
    r = ATRIUM_ENOTFOUND;
    atrium_keyring_rdlock(kr);
    const struct atrium_signing_key *key = atrium_keyring_active_locked(kr, atrium_now());
    if (key)
        r = sign_compact(key, text.buf, text.len, ret_compact);
    atrium_keyring_unlock(kr);
    atrium_buf_release(&text);
    return r;
}

static int reject(struct atrium_errinfo *e, const char *why)
{
    return atrium_err(e, ATRIUM_EAUTH, "token", "%s", why);
}

/* Exactly three non-empty dot-separated segments covering all of s[0..len). */
static int jws_split(const char *s, size_t len, struct jws_parts *p)
{
    size_t start = 0;
    size_t k = 0;

    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '.')
            continue;
        if (k == 3 || i == start)
            return ATRIUM_EINVAL;
        p->seg[k] = s + start;
        p->len[k] = i - start;
        k++;
        start = i + 1;
    }
    return k == 3 ? 0 : ATRIUM_EINVAL;
}

/* Decode a base64url segment as a JSON object, refusing duplicate keys. */
static json_t *segment_object(const char *seg, size_t len)
{
    AUTO_FREE unsigned char *raw = NULL;
    size_t n = 0;
    if (atrium_b64url_decode_alloc(seg, len, &raw, &n) < 0)
        return NULL;
    json_t *obj = json_loadb((const char *)raw, n, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(obj)) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

/* Validate the header; *ret_kid is borrowed from hdr. */
static int check_header(const json_t *hdr, const char **ret_kid, struct atrium_errinfo *e)
{
    const char *alg = json_string_value(json_object_get(hdr, "alg"));
    const json_t *kid = json_object_get(hdr, "kid");
    const json_t *typ = json_object_get(hdr, "typ");

    if (!alg || strcmp(alg, "RS256") != 0)
        return reject(e, "the token's alg is not RS256");
    if (json_object_get(hdr, "crit"))
        return reject(e, "the token has a crit header");
    if (typ && !json_is_string(typ))
        return reject(e, "the token's typ is not a string");
    if (!json_is_string(kid) || json_string_length(kid) == 0 || json_string_length(kid) > KID_MAX ||
        strlen(json_string_value(kid)) != json_string_length(kid))
        return reject(e, "the token has no valid kid");
    *ret_kid = json_string_value(kid);
    return 0;
}

/* The signature segment must be canonical base64url of a plausible size. */
static bool signature_well_formed(const struct jws_parts *p)
{
    unsigned char sig[SIG_MAX];
    size_t n = 0;
    return atrium_b64url_decode(p->seg[2], p->len[2], sig, sizeof(sig), &n) == 0 && n >= 256;
}

/* Verify the signature with the published key kid, through jose. */
static int verify_signature(struct atrium_keyring *kr, const struct jws_parts *p, const char *kid,
                            struct atrium_errinfo *e)
{
    jose_cfg_auto_t *cfg = atrium_jose_cfg_quiet();
    json_auto_t *jws = json_pack("{s:s%,s:s%,s:s%}", "protected", p->seg[0], p->len[0], "payload",
                                 p->seg[1], p->len[1], "signature", p->seg[2], p->len[2]);
    int r = 0;

    if (!jws)
        return reject(e, "the token is malformed");
    atrium_keyring_rdlock(kr);
    const struct atrium_signing_key *key = atrium_keyring_find_locked(kr, kid, atrium_now());
    if (!key)
        r = reject(e, "the token's kid is not a published signing key");
    else if (!jose_jws_ver(cfg, jws, NULL, key->jwk_pub, false))
        r = reject(e, "the token's signature does not verify");
    atrium_keyring_unlock(kr);
    return r;
}

int atrium_jwt_verify(struct atrium_keyring *kr, const char *compact, size_t max_len,
                      json_t **ret_claims, struct atrium_errinfo *e)
{
    size_t len = compact ? strnlen(compact, max_len + 1) : 0;
    struct jws_parts p;
    const char *kid = NULL;

    if (len > max_len)
        return reject(e, "the token is too long");
    if (jws_split(compact ? compact : "", len, &p) < 0)
        return reject(e, "the token is not a compact JWS");
    json_auto_t *hdr = segment_object(p.seg[0], p.len[0]);
    if (!hdr)
        return reject(e, "the token's header is not a base64url JSON object");
    int r = check_header(hdr, &kid, e);
    if (r < 0)
        return r;
    if (!signature_well_formed(&p))
        return reject(e, "the token's signature is malformed");
    r = verify_signature(kr, &p, kid, e);
    if (r < 0)
        return r;
    json_t *claims = segment_object(p.seg[1], p.len[1]);
    if (!claims)
        return reject(e, "the token's payload is not a base64url JSON object");
    *ret_claims = claims;
    return 0;
}

/* Read an optional integer claim; ATRIUM_EAUTH when present but not an integer. */
static int time_claim(const json_t *claims, const char *name, bool required, json_int_t *ret,
                      bool *ret_present, struct atrium_errinfo *e)
{
    const json_t *v = json_object_get(claims, name);
    *ret_present = v != NULL;
    if (!v && required)
        return atrium_err(e, ATRIUM_EAUTH, name, "the token has no %s claim", name);
    if (v && !json_is_integer(v))
        return atrium_err(e, ATRIUM_EAUTH, name, "the token's %s is not an integer", name);
    *ret = v ? json_integer_value(v) : 0;
    return 0;
}

int atrium_jwt_check_times(const json_t *claims, int64_t now, int64_t leeway,
                           struct atrium_errinfo *e)
{
    json_int_t exp = 0, nbf = 0, iat = 0;
    bool has_exp = false, has_nbf = false, has_iat = false;
    int r = time_claim(claims, "exp", true, &exp, &has_exp, e);
    if (r == 0)
        r = time_claim(claims, "nbf", false, &nbf, &has_nbf, e);
    if (r == 0)
        r = time_claim(claims, "iat", false, &iat, &has_iat, e);
    if (r < 0)
        return r;
    if (now - leeway >= exp)
        return atrium_err(e, ATRIUM_EAUTH, "exp", "the token has expired");
    if (has_nbf && now + leeway < nbf)
        return atrium_err(e, ATRIUM_EAUTH, "nbf", "the token is not valid yet");
    if (has_iat && now + leeway < iat)
        return atrium_err(e, ATRIUM_EAUTH, "iat", "the token was issued in the future");
    return 0;
}

void atrium_jwt_half_hash(const char *value, size_t len, char out[ATRIUM_JWT_HALF_HASH_LEN + 1])
{
    unsigned char md[32];
    unsigned int md_len = 0;

    if (EVP_Digest(value, len, md, &md_len, EVP_sha256(), NULL) != 1 || md_len != sizeof(md))
        abort(); /* SHA-256 cannot fail short of memory exhaustion */
    atrium_b64url_encode(md, sizeof(md) / 2, out);
}
