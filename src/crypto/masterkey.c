/* SPDX-License-Identifier: MIT */
/* Master key: AES-256-GCM sealed blobs and HKDF subkeys; see masterkey.h. */
#include "crypto/masterkey.h"

#include <stdbool.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "crypto/b64url.h"

#define SEAL_PREFIX "v1."
#define SEAL_AAD_PREFIX "atrium-seal-v1:"
#define SEAL_NONCE_LEN 12
#define SEAL_TAG_LEN 16

struct atrium_masterkey {
    unsigned char key[ATRIUM_MASTERKEY_LEN];
};

int atrium_masterkey_from_bytes(const void *key, size_t len, struct atrium_masterkey **ret)
{
    if (len != ATRIUM_MASTERKEY_LEN)
        return ATRIUM_EINVAL;
    struct atrium_masterkey *mk = xcalloc(1, sizeof(*mk));
    memcpy(mk->key, key, len);
    *ret = mk;
    return 0;
}

struct atrium_masterkey *atrium_masterkey_generate(void)
{
    struct atrium_masterkey *mk = xcalloc(1, sizeof(*mk));
    atrium_random_bytes(mk->key, sizeof(mk->key));
    return mk;
}

struct atrium_masterkey *atrium_masterkey_free(struct atrium_masterkey *mk)
{
    if (mk) {
        OPENSSL_cleanse(mk, sizeof(*mk));
        xfree(mk);
    }
    return NULL;
}

void atrium_masterkey_plaintext_free(unsigned char *pt, size_t len)
{
    if (pt) {
        OPENSSL_cleanse(pt, len);
        xfree(pt);
    }
}

/* Feed "atrium-seal-v1:" || aad as GCM additional data. */
static int gcm_aad(EVP_CIPHER_CTX *ctx, const char *aad, bool enc)
{
    AUTO_FREE char *full = xasprintf("%s%s", SEAL_AAD_PREFIX, aad ? aad : "");
    int outl = 0;
    size_t n = strlen(full);

    if (n > ATRIUM_SEAL_MAX)
        return ATRIUM_ETOOBIG;
    if (enc)
        return EVP_EncryptUpdate(ctx, NULL, &outl, (const unsigned char *)full, (int)n) == 1
                   ? 0
                   : ATRIUM_ECRYPTO;
    return EVP_DecryptUpdate(ctx, NULL, &outl, (const unsigned char *)full, (int)n) == 1
               ? 0
               : ATRIUM_ECRYPTO;
}

/* ct must hold len + SEAL_TAG_LEN bytes; the tag is appended. */
static int gcm_encrypt(const struct atrium_masterkey *mk, const unsigned char *nonce,
                       const char *aad, const void *pt, size_t len, unsigned char *ct)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int outl = 0, fin = 0;
    int r = ATRIUM_ECRYPTO;

    if (!ctx)
        return ATRIUM_ECRYPTO;
    if (EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, mk->key, nonce) != 1)
        goto out;
    if ((r = gcm_aad(ctx, aad, true)) < 0)
        goto out;
    r = ATRIUM_ECRYPTO;
    if (EVP_EncryptUpdate(ctx, ct, &outl, pt, (int)len) != 1 ||
        EVP_EncryptFinal_ex(ctx, ct + outl, &fin) != 1 || (size_t)(outl + fin) != len ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, SEAL_TAG_LEN, ct + len) != 1)
        goto out;
    r = 0;
out:
    EVP_CIPHER_CTX_free(ctx);
    return r;
}

int atrium_masterkey_seal(const struct atrium_masterkey *mk, const void *plaintext, size_t len,
                          const char *aad, char **ret_blob)
{
    unsigned char nonce[SEAL_NONCE_LEN];
    char nonce_b64[sizeof(nonce) * 2];

    if (len > ATRIUM_SEAL_MAX)
        return ATRIUM_ETOOBIG;
    AUTO_FREE unsigned char *ct = xmalloc(len + SEAL_TAG_LEN);
    atrium_random_bytes(nonce, sizeof(nonce));
    int r = gcm_encrypt(mk, nonce, aad, plaintext, len, ct);
    if (r < 0)
        return r;
    atrium_b64url_encode(nonce, sizeof(nonce), nonce_b64);
    AUTO_FREE char *ct_b64 = atrium_b64url_encode_alloc(ct, len + SEAL_TAG_LEN);
    *ret_blob = xasprintf(SEAL_PREFIX "%s.%s", nonce_b64, ct_b64);
    return 0;
}

/* Decrypt ct (ciphertext followed by the tag) into pt (ct_len - tag bytes). */
static int gcm_decrypt(const struct atrium_masterkey *mk, const unsigned char *nonce,
                       const char *aad, unsigned char *ct, size_t ct_len, unsigned char *pt)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    size_t len = ct_len - SEAL_TAG_LEN;
    int outl = 0, fin = 0;
    int r = ATRIUM_ECRYPTO;

    if (!ctx)
        return ATRIUM_ECRYPTO;
    if (EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, mk->key, nonce) != 1 ||
        gcm_aad(ctx, aad, false) < 0 || EVP_DecryptUpdate(ctx, pt, &outl, ct, (int)len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, SEAL_TAG_LEN, ct + len) != 1 ||
        EVP_DecryptFinal_ex(ctx, pt + outl, &fin) != 1 || (size_t)(outl + fin) != len)
        goto out;
    r = 0;
out:
    EVP_CIPHER_CTX_free(ctx);
    return r;
}

/* Split "v1.<nonce>.<ct>" and decode both parts; ATRIUM_ECRYPTO when malformed. */
static int seal_parse(const char *blob, unsigned char nonce[SEAL_NONCE_LEN], unsigned char **ret_ct,
                      size_t *ret_ct_len)
{
    size_t n = 0;

    if (strlen(blob) > ATRIUM_SEAL_MAX * 2 || strncmp(blob, SEAL_PREFIX, 3) != 0)
        return ATRIUM_ECRYPTO;
    const char *p = blob + 3;
    const char *dot = strchr(p, '.');
    if (!dot || strchr(dot + 1, '.'))
        return ATRIUM_ECRYPTO;
    if (atrium_b64url_decode(p, (size_t)(dot - p), nonce, SEAL_NONCE_LEN, &n) < 0 ||
        n != SEAL_NONCE_LEN)
        return ATRIUM_ECRYPTO;
    if (atrium_b64url_decode_alloc(dot + 1, strlen(dot + 1), ret_ct, ret_ct_len) < 0)
        return ATRIUM_ECRYPTO;
    if (*ret_ct_len < SEAL_TAG_LEN) {
        *ret_ct = xfree(*ret_ct);
        return ATRIUM_ECRYPTO;
    }
    return 0;
}

int atrium_masterkey_open(const struct atrium_masterkey *mk, const char *blob, const char *aad,
                          unsigned char **ret_pt, size_t *ret_len)
{
    unsigned char nonce[SEAL_NONCE_LEN];
    AUTO_FREE unsigned char *ct = NULL;
    size_t ct_len = 0;

    int r = seal_parse(blob, nonce, &ct, &ct_len);
    if (r < 0)
        return r;
    size_t len = ct_len - SEAL_TAG_LEN;
    unsigned char *pt = xmalloc(len + 1);
    r = gcm_decrypt(mk, nonce, aad, ct, ct_len, pt);
    if (r < 0) {
        atrium_masterkey_plaintext_free(pt, len + 1);
        return ATRIUM_ECRYPTO;
    }
    pt[len] = '\0';
    *ret_pt = pt;
    *ret_len = len;
    return 0;
}

int atrium_masterkey_derive(const struct atrium_masterkey *mk, const char *label, void *out,
                            size_t out_len)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)mk->key, sizeof(mk->key)),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)label, strlen(label)),
        OSSL_PARAM_construct_end(),
    };
    int r = ctx && EVP_KDF_derive(ctx, out, out_len, params) == 1 ? 0 : ATRIUM_ECRYPTO;

    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    return r;
}
