/* SPDX-License-Identifier: MIT */
/* Client secrets (generation, keyed hashing, verification) and token hashes; see secret.h. */
#include "crypto/secret.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "crypto/b64url.h"
#include "crypto/ctcmp.h"
#include "crypto/hmac256.h"
#include "crypto/masterkey.h"

#define HMAC_LABEL "atrium client-secret hmac v1"
#define STORED_PREFIX "hs1."
#define STORED_PREFIX_LEN 4
#define MAC_LEN 32
#define SECRET_RANDOM_BYTES 32

struct atrium_secret_hasher {
    struct atrium_hmac256 mac;
};

int atrium_secret_hasher_new(const struct atrium_masterkey *mk, struct atrium_secret_hasher **ret)
{
    unsigned char key[32];
    struct atrium_secret_hasher *h = xcalloc(1, sizeof(*h));
    int r = atrium_masterkey_derive(mk, HMAC_LABEL, key, sizeof(key));
    if (r == 0)
        r = atrium_hmac256_init(&h->mac, key, sizeof(key));
    OPENSSL_cleanse(key, sizeof(key));
    if (r < 0) {
        atrium_secret_hasher_free(h);
        return r;
    }
    *ret = h;
    return 0;
}

struct atrium_secret_hasher *atrium_secret_hasher_free(struct atrium_secret_hasher *h)
{
    if (h) {
        atrium_hmac256_release(&h->mac);
        xfree(h);
    }
    return NULL;
}

void atrium_client_secret_generate(char out[ATRIUM_CLIENT_SECRET_LEN + 1])
{
    unsigned char raw[SECRET_RANDOM_BYTES];
    char b64[SECRET_RANDOM_BYTES * 2];

    atrium_random_bytes(raw, sizeof(raw));
    size_t n = atrium_b64url_encode(raw, sizeof(raw), b64); /* 43 characters */
    memcpy(out, b64, ATRIUM_CLIENT_SECRET_HINT_LEN);
    memcpy(out + ATRIUM_CLIENT_SECRET_HINT_LEN, "8Q~", 3);
    memcpy(out + ATRIUM_CLIENT_SECRET_HINT_LEN + 3, b64 + ATRIUM_CLIENT_SECRET_HINT_LEN,
           n - ATRIUM_CLIENT_SECRET_HINT_LEN);
    out[ATRIUM_CLIENT_SECRET_LEN] = '\0';
    OPENSSL_cleanse(raw, sizeof(raw));
    OPENSSL_cleanse(b64, sizeof(b64));
}

void atrium_client_secret_hint(const char *secret, char out[ATRIUM_CLIENT_SECRET_HINT_LEN + 1])
{
    size_t n = strnlen(secret, ATRIUM_CLIENT_SECRET_HINT_LEN);
    memcpy(out, secret, n);
    out[n] = '\0';
}

static int secret_mac(const struct atrium_secret_hasher *h, const char *secret,
                      unsigned char mac[MAC_LEN])
{
    size_t n = strnlen(secret, ATRIUM_CLIENT_SECRET_MAX + 1);

    if (n == 0 || n > ATRIUM_CLIENT_SECRET_MAX)
        return ATRIUM_EINVAL;
    return atrium_hmac256(&h->mac, secret, n, mac);
}

int atrium_client_secret_hash(const struct atrium_secret_hasher *h, const char *secret,
                              char **ret_stored)
{
    unsigned char mac[MAC_LEN];
    char b64[MAC_LEN * 2];

    int r = secret_mac(h, secret, mac);
    if (r < 0)
        return r;
    atrium_b64url_encode(mac, sizeof(mac), b64);
    *ret_stored = xasprintf(STORED_PREFIX "%s", b64);
    return 0;
}

int atrium_client_secret_verify(const struct atrium_secret_hasher *h, const char *stored,
                                const char *presented, bool *ret_match)
{
    unsigned char want[MAC_LEN + 2];
    unsigned char got[MAC_LEN];
    size_t n = 0;

    if (strncmp(stored, STORED_PREFIX, STORED_PREFIX_LEN) != 0 ||
        atrium_b64url_decode(stored + STORED_PREFIX_LEN, strlen(stored + STORED_PREFIX_LEN), want,
                             sizeof(want), &n) < 0 ||
        n != MAC_LEN)
        return ATRIUM_EINVAL;
    int r = secret_mac(h, presented, got);
    if (r == ATRIUM_EINVAL) {
        *ret_match = false;
        return 0;
    }
    if (r < 0)
        return r;
    *ret_match = atrium_ct_equal(got, sizeof(got), want, MAC_LEN);
    return 0;
}

void atrium_token_hash(const void *token, size_t len, char out[ATRIUM_TOKEN_HASH_LEN + 1])
{
    unsigned char md[32];
    unsigned int md_len = 0;

    if (EVP_Digest(token, len, md, &md_len, EVP_sha256(), NULL) != 1 || md_len != sizeof(md))
        abort(); /* SHA-256 cannot fail short of memory exhaustion */
    atrium_b64url_encode(md, sizeof(md), out);
}
