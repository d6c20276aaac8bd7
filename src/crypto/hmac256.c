/* SPDX-License-Identifier: MIT */
/* HMAC-SHA256 from a pre-keyed context; see hmac256.h. */
#include "crypto/hmac256.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "core/err.h"

int atrium_hmac256_init(struct atrium_hmac256 *h, const unsigned char *key, size_t len)
{
    h->keyed = NULL;
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    EVP_MAC_free(mac); /* the context keeps its own reference */
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    if (!ctx || EVP_MAC_init(ctx, key, len, params) != 1) {
        EVP_MAC_CTX_free(ctx);
        return ATRIUM_ECRYPTO;
    }
    h->keyed = ctx;
    return 0;
}

int atrium_hmac256(const struct atrium_hmac256 *h, const void *msg, size_t len,
                   unsigned char out[ATRIUM_HMAC256_LEN])
{
    size_t n = 0;
    EVP_MAC_CTX *ctx = h && h->keyed ? EVP_MAC_CTX_dup(h->keyed) : NULL;
    int ok = ctx && EVP_MAC_update(ctx, msg, len) == 1 &&
             EVP_MAC_final(ctx, out, &n, ATRIUM_HMAC256_LEN) == 1 && n == ATRIUM_HMAC256_LEN;
    EVP_MAC_CTX_free(ctx);
    return ok ? 0 : ATRIUM_ECRYPTO;
}

void atrium_hmac256_release(struct atrium_hmac256 *h)
{
    EVP_MAC_CTX_free(h->keyed); /* OpenSSL cleanses the keyed state */
    h->keyed = NULL;
}
