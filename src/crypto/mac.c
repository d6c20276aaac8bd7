/* SPDX-License-Identifier: MIT */
/* HMAC-SHA256 under purpose-specific keys; see mac.h. */
#include "crypto/mac.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "crypto/ctcmp.h"
#include "crypto/masterkey.h"

#define MAC_TAG_MIN 16

struct atrium_mac_key {
    unsigned char key[32];
};

int atrium_mac_key_derive(const struct atrium_masterkey *mk, const char *label,
                          struct atrium_mac_key **ret)
{
    struct atrium_mac_key *k = xcalloc(1, sizeof(*k));
    int r = atrium_masterkey_derive(mk, label, k->key, sizeof(k->key));
    if (r < 0) {
        atrium_mac_key_free(k);
        return r;
    }
    *ret = k;
    return 0;
}

struct atrium_mac_key *atrium_mac_key_random(void)
{
    struct atrium_mac_key *k = xcalloc(1, sizeof(*k));
    atrium_random_bytes(k->key, sizeof(k->key));
    return k;
}

struct atrium_mac_key *atrium_mac_key_free(struct atrium_mac_key *k)
{
    if (k) {
        OPENSSL_cleanse(k->key, sizeof(k->key));
        xfree(k);
    }
    return NULL;
}

int atrium_mac_sign(const struct atrium_mac_key *k, const void *msg, size_t len,
                    unsigned char out[ATRIUM_MAC_LEN])
{
    unsigned int n = 0;
    if (!k || !HMAC(EVP_sha256(), k->key, sizeof(k->key), msg, len, out, &n) || n != ATRIUM_MAC_LEN)
        return ATRIUM_ECRYPTO;
    return 0;
}

bool atrium_mac_verify(const struct atrium_mac_key *k, const void *msg, size_t len,
                       const unsigned char *tag, size_t tag_len)
{
    unsigned char want[ATRIUM_MAC_LEN];
    if (!tag || tag_len < MAC_TAG_MIN || tag_len > ATRIUM_MAC_LEN ||
        atrium_mac_sign(k, msg, len, want) < 0)
        return false;
    bool ok = atrium_ct_equal(want, tag_len, tag, tag_len);
    OPENSSL_cleanse(want, sizeof(want));
    return ok;
}
