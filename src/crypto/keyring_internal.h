/* SPDX-License-Identifier: MIT */
/*
 * INTERNAL to src/crypto/: the signing-key layout and the locked keyring
 * accessors that jwt.c signs and verifies with. Not for other layers. It
 * names OpenSSL's EVP_PKEY and EVP_MD_CTX only by their struct tags, so it
 * needs no OpenSSL header.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "crypto/keyring.h"

struct evp_pkey_st;   /* OpenSSL's EVP_PKEY */
struct evp_md_ctx_st; /* OpenSSL's EVP_MD_CTX */

struct atrium_signing_key {
    char kid[ATRIUM_KID_LEN + 1];
    char *x5t; /* base64url SHA-1 of the certificate DER */
    char *x5c; /* standard base64 of the certificate DER */
    unsigned char *cert_der;
    size_t cert_der_len;
    json_t *jwk;     /* private JWK, for the sealed export */
    json_t *jwk_pub; /* public JWK + "alg":"RS256", handed to jose to verify */
    /*
     * The private key, loaded once as a provider-native key (nothing to
     * export or cache on use), that jwt.c signs with. Never modified after
     * the key is built, so concurrent signers share it read-only; each
     * signature has its own EVP_MD_CTX.
     */
    struct evp_pkey_st *pkey;
    /*
     * A digest-sign context for RS256 with pkey (atrium_jwt_rs256_ctx_new),
     * set up once: each signature copies it into its own EVP_MD_CTX rather
     * than initialise one, which fetches the algorithms by name each time.
     * Only ever read after the key is built, like pkey.
     */
    struct evp_md_ctx_st *sign_ctx;
    char *jws_header; /* base64url of {"typ":"JWT","alg":"RS256","kid":..,"x5t":..} */
    size_t jws_header_len;
    int64_t created;
    int64_t not_after; /* 0: no end */
};

/* True when key is published (and may verify) at now. */
static inline bool atrium_signing_key_usable(const struct atrium_signing_key *key, int64_t now)
{
    return key->not_after == 0 || now < key->not_after;
}

/* jwt.c: a new RS256 (SHA-256, PKCS #1 v1.5) digest-sign context with pkey into *ret. */
int atrium_jwt_rs256_ctx_new(struct evp_pkey_st *pkey, struct evp_md_ctx_st **ret);

/* Shared lock for the duration of a sign or verify. */
void atrium_keyring_rdlock(struct atrium_keyring *kr);
void atrium_keyring_unlock(struct atrium_keyring *kr);

/* With the read lock held: the active key if usable at now, else NULL. Borrowed. */
const struct atrium_signing_key *atrium_keyring_active_locked(struct atrium_keyring *kr,
                                                              int64_t now);

/* With the read lock held: the key with this kid if usable at now, else NULL. Borrowed. */
const struct atrium_signing_key *atrium_keyring_find_locked(struct atrium_keyring *kr,
                                                            const char *kid, int64_t now);
