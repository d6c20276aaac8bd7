/* SPDX-License-Identifier: MIT */
/*
 * Client secrets and hashed tokens.
 *
 * A client secret is shown once and stored only as HMAC-SHA256 under a server
 * key derived from the master key (HKDF label "atrium client-secret hmac v1"),
 * so a copy of the store alone cannot be used to check guesses. Checking a
 * secret costs one HMAC, not a password hash: secrets carry 256 random bits.
 *
 * Refresh tokens, authorization codes and similar bearer values are stored as
 * atrium_token_hash() (unkeyed SHA-256): they are random, looked up by hash.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct atrium_masterkey;
struct atrium_secret_hasher;

/* "<3 chars>8Q~<40 chars>": 32 random bytes, shaped like an Entra secret. */
#define ATRIUM_CLIENT_SECRET_LEN 46
/* Graph's passwordCredential.hint: the first 3 characters. */
#define ATRIUM_CLIENT_SECRET_HINT_LEN 3
/* Longest presented secret we hash; longer ones never match. */
#define ATRIUM_CLIENT_SECRET_MAX 256
/* base64url SHA-256, without the NUL. */
#define ATRIUM_TOKEN_HASH_LEN 43

/* Derive the HMAC key from mk. Caller owns *ret. */
int atrium_secret_hasher_new(const struct atrium_masterkey *mk, struct atrium_secret_hasher **ret);
/* Wipe and free; accepts NULL, returns NULL. */
struct atrium_secret_hasher *atrium_secret_hasher_free(struct atrium_secret_hasher *h);

/* Write a fresh client secret plus NUL into out. Never log it. */
void atrium_client_secret_generate(char out[ATRIUM_CLIENT_SECRET_LEN + 1]);

/* Write the first ATRIUM_CLIENT_SECRET_HINT_LEN characters of secret plus NUL into out. */
void atrium_client_secret_hint(const char *secret, char out[ATRIUM_CLIENT_SECRET_HINT_LEN + 1]);

/*
 * The stored form of secret: "hs1.<base64url HMAC-SHA256>", a heap string
 * (caller owns). It reveals nothing about the secret without the master key.
 * ATRIUM_EINVAL for an empty or over-long secret.
 */
int atrium_client_secret_hash(const struct atrium_secret_hasher *h, const char *secret,
                              char **ret_stored);

/*
 * Compare presented against a stored form in constant time. *ret_match is
 * false for a wrong, empty or over-long secret; a malformed stored form
 * returns ATRIUM_EINVAL.
 */
int atrium_client_secret_verify(const struct atrium_secret_hasher *h, const char *stored,
                                const char *presented, bool *ret_match);

/* base64url(SHA-256(token[0..len))) plus NUL into out. */
void atrium_token_hash(const void *token, size_t len, char out[ATRIUM_TOKEN_HASH_LEN + 1]);
