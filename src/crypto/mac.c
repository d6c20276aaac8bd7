/* SPDX-License-Identifier: MIT */
/* HMAC-SHA256 under purpose-specific keys; see mac.h. */
#include "crypto/mac.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "crypto/ctcmp.h"
#include "crypto/hmac256.h"
#include "crypto/masterkey.h"

#define MAC_TAG_MIN 16

_Static_assert(ATRIUM_MAC_LEN == ATRIUM_HMAC256_LEN, "HMAC-SHA256 tags");

struct atrium_mac_key {
    struct atrium_hmac256 mac;
};

/* A key holding key[0..32) (wiped here), or NULL on an OpenSSL failure. */
static struct atrium_mac_key *key_from(unsigned char key[32])
{
    struct atrium_mac_key *k = xcalloc(1, sizeof(*k));
    int r = atrium_hmac256_init(&k->mac, key, 32);
    OPENSSL_cleanse(key, 32);
    return r == 0 ? k : atrium_mac_key_free(k);
}

int atrium_mac_key_derive(const struct atrium_masterkey *mk, const char *label,
                          struct atrium_mac_key **ret)
{
    unsigned char key[32];
    int r = atrium_masterkey_derive(mk, label, key, sizeof(key));
    if (r < 0) {
        OPENSSL_cleanse(key, sizeof(key));
        return r;
    }
    *ret = key_from(key);
    return *ret ? 0 : ATRIUM_ECRYPTO;
}

struct atrium_mac_key *atrium_mac_key_random(void)
{
    unsigned char key[32];
    atrium_random_bytes(key, sizeof(key));
    struct atrium_mac_key *k = key_from(key);
    if (!k)
        abort(); /* OpenSSL cannot make an HMAC context: nothing can work */
    return k;
}

struct atrium_mac_key *atrium_mac_key_free(struct atrium_mac_key *k)
{
    if (k) {
        atrium_hmac256_release(&k->mac);
        xfree(k);
    }
    return NULL;
}

int atrium_mac_sign(const struct atrium_mac_key *k, const void *msg, size_t len,
                    unsigned char out[ATRIUM_MAC_LEN])
{
    return k ? atrium_hmac256(&k->mac, msg, len, out) : ATRIUM_ECRYPTO;
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
