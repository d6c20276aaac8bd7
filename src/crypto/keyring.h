/* SPDX-License-Identifier: MIT */
/*
 * Token signing keys and the keyring that publishes them.
 *
 * A signing key is an RSA-2048 key (RS256) with a self-signed X.509
 * certificate (for the JWKS "x5c"/"x5t"). Its kid is the RFC 7638 JWK
 * thumbprint (base64url SHA-256) of the public key. At rest a key exists only
 * as a blob sealed with the master key (AAD "signing-key:<kid>"); the store
 * keeps the blob next to kid, created and not_after.
 *
 * The keyring holds the active key (signs new tokens) and older keys that are
 * still published until their not_after (tokens they signed keep verifying).
 * It is shared by worker threads: every function here is thread-safe; signing
 * and verification (jwt.h) take a read lock, changes take a write lock.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct atrium_keyring;
struct atrium_masterkey;
struct atrium_signing_key;

#define ATRIUM_SIGNING_KEY_BITS 2048
#define ATRIUM_KID_LEN 43 /* base64url SHA-256, without the NUL */

/*
 * Generate a key: RSA-2048 plus a self-signed certificate valid 5 years.
 * created = atrium_now(), not_after = 0 (no end). Caller owns *ret.
 */
int atrium_signing_key_generate(struct atrium_signing_key **ret);

/*
 * Seal the private key and certificate with mk (AAD "signing-key:<kid>").
 * *ret_blob is a heap string, caller owns; it is safe to store.
 */
int atrium_signing_key_export(const struct atrium_signing_key *key,
                              const struct atrium_masterkey *mk, char **ret_blob);

/*
 * Rebuild a key from a blob made by export. kid is the kid stored with the
 * blob; a blob sealed for another kid, a tampered blob or a wrong master key
 * give ATRIUM_ECRYPTO; a blob whose content does not match kid, or a key
 * under 2048 bits, gives ATRIUM_EINVAL. created/not_after come from the store
 * (0 = no end). Caller owns *ret.
 */
int atrium_signing_key_import(const struct atrium_masterkey *mk, const char *kid, const char *blob,
                              int64_t created, int64_t not_after, struct atrium_signing_key **ret);

/* Accepts NULL, returns NULL. */
struct atrium_signing_key *atrium_signing_key_free(struct atrium_signing_key *key);

/* Borrowed strings, valid while the key lives (and, once added, while it is in a keyring). */
const char *atrium_signing_key_kid(const struct atrium_signing_key *key);
const char *atrium_signing_key_x5t(const struct atrium_signing_key *key);
int64_t atrium_signing_key_created(const struct atrium_signing_key *key);
int64_t atrium_signing_key_not_after(const struct atrium_signing_key *key);
/* Only before the key is added to a keyring (then use atrium_keyring_retire). */
void atrium_signing_key_set_not_after(struct atrium_signing_key *key, int64_t not_after);

/* The certificate as PEM (for the store's cert_pem column, display). Heap string, caller owns. */
char *atrium_signing_key_cert_pem(const struct atrium_signing_key *key);

/*
 * The public JWK in Entra's JWKS shape: kty, use, kid, x5t, n, e, x5c and,
 * when issuer is not NULL, issuer. No "alg". Caller owns.
 */
json_t *atrium_signing_key_public_jwk(const struct atrium_signing_key *key, const char *issuer);

/* An empty keyring. Caller owns. */
struct atrium_keyring *atrium_keyring_new(void);
/* Frees the keys too. Accepts NULL, returns NULL. */
struct atrium_keyring *atrium_keyring_free(struct atrium_keyring *kr);

/*
 * Add key (consumed, also on failure). make_active: new tokens are signed
 * with it from now on. ATRIUM_ECONFLICT when a key with the same kid is there.
 */
int atrium_keyring_add(struct atrium_keyring *kr, struct atrium_signing_key *key, bool make_active);

/*
 * Rotation in one step: add key (consumed) as the active key, and keep the
 * previous active key published for grace_seconds more (its not_after
 * becomes now + grace_seconds unless it already ends earlier).
 */
int atrium_keyring_rotate(struct atrium_keyring *kr, struct atrium_signing_key *key,
                          int64_t grace_seconds);

/*
 * Set the end of publication of a non-active key (0 = no end).
 * ATRIUM_ENOTFOUND unknown kid; ATRIUM_EINVAL for the active key.
 */
int atrium_keyring_retire(struct atrium_keyring *kr, const char *kid, int64_t not_after);

/* Remove a non-active key now. ATRIUM_ENOTFOUND / ATRIUM_EINVAL as for retire. */
int atrium_keyring_remove(struct atrium_keyring *kr, const char *kid);

/* Remove every non-active key whose not_after <= now; returns how many. */
size_t atrium_keyring_prune(struct atrium_keyring *kr, int64_t now);

/*
 * Make the held key kid the active one: new tokens are signed with it from
 * now on and it is published without end (not_after 0). The previous active
 * key keeps its not_after (set it with atrium_keyring_retire). 0 and no
 * change when kid is already active; ATRIUM_ENOTFOUND unknown kid.
 */
int atrium_keyring_activate(struct atrium_keyring *kr, const char *kid);

/* One key held by a keyring, as atrium_keyring_list reports it. */
struct atrium_keyring_entry {
    char kid[ATRIUM_KID_LEN + 1];
    int64_t not_after; /* 0: no end */
    bool active;
};

/*
 * A consistent snapshot (taken under the read lock) of the keys held,
 * published or not yet pruned: *ret is a heap array of *ret_count entries
 * (NULL when empty), caller frees.
 */
void atrium_keyring_list(struct atrium_keyring *kr, struct atrium_keyring_entry **ret,
                         size_t *ret_count);

/* Copy of the active key's kid (caller owns), or ATRIUM_ENOTFOUND. */
int atrium_keyring_active_kid(struct atrium_keyring *kr, char **ret);

/* Number of keys held (published or not yet pruned). */
size_t atrium_keyring_count(struct atrium_keyring *kr);

/*
 * Bumped on every change (add, rotate, activate, retire, remove, prune). A cached JWKS
 * is stale once the generation moves or a published key's not_after passes,
 * so cache it keyed on the generation and with a short lifetime.
 */
uint64_t atrium_keyring_generation(struct atrium_keyring *kr);

/*
 * The JWKS document {"keys":[...]} of the keys published at atrium_now(),
 * active key first, each as atrium_signing_key_public_jwk(key, issuer)
 * (issuer may be NULL, or Entra's "https://host/{tenantid}/v2.0" template).
 * Caller owns *ret.
 */
int atrium_keyring_jwks(struct atrium_keyring *kr, const char *issuer, json_t **ret);
