/* SPDX-License-Identifier: MIT */
/*
 * INTERNAL to src/crypto/: HMAC-SHA256 under a key set up once. OpenSSL
 * 3.0's one-shot HMAC() fetches the MAC and the digest by name and hashes
 * the key's pads on every call; here each MAC copies a context keyed at
 * set-up, which costs a fraction of that. One keyed context serves every
 * thread: it is only ever read after atrium_hmac256_init().
 */
#pragma once

#include <stddef.h>

struct evp_mac_ctx_st; /* OpenSSL's EVP_MAC_CTX */

#define ATRIUM_HMAC256_LEN 32

struct atrium_hmac256 {
    struct evp_mac_ctx_st *keyed;
};

/* Key h with key[0..len). 0 or ATRIUM_ECRYPTO. */
int atrium_hmac256_init(struct atrium_hmac256 *h, const unsigned char *key, size_t len);
/* out = HMAC-SHA256(key, msg[0..len)). 0 or ATRIUM_ECRYPTO (also when h is not keyed). */
int atrium_hmac256(const struct atrium_hmac256 *h, const void *msg, size_t len,
                   unsigned char out[ATRIUM_HMAC256_LEN]);
void atrium_hmac256_release(struct atrium_hmac256 *h);
