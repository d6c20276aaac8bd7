/* SPDX-License-Identifier: MIT */
/*
 * Argon2id password hashing (PHC string format) behind a bounded admission
 * gate: at most `max_concurrent` hashes run at once (about one per core) and
 * at most `max_waiting` callers wait for a slot; a caller arriving when the
 * queue is full gets ATRIUM_EBUSY at once (the HTTP layer answers 503).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct atrium_pwhasher;

struct atrium_pwhash_params {
    uint32_t memory_kib;     /* default 19456 (19 MiB, OWASP) */
    uint32_t iterations;     /* default 2 */
    uint32_t parallelism;    /* default 1 */
    unsigned max_concurrent; /* default: number of online CPUs */
    unsigned max_waiting;    /* default: 64 */
};

#define ATRIUM_PWHASH_PARAMS_DEFAULT                                                               \
    {                                                                                              \
        .memory_kib = 19456, .iterations = 2, .parallelism = 1, .max_concurrent = 0,               \
        .max_waiting = 64                                                                          \
    }

/* Create a hasher; zero max_concurrent means one per online CPU. Caller owns. */
int atrium_pwhasher_new(const struct atrium_pwhash_params *params, struct atrium_pwhasher **ret);
void atrium_pwhasher_free(struct atrium_pwhasher *h);

/* Hash password with a fresh random salt; *ret_phc is a heap PHC string (caller owns). */
int atrium_pwhash_hash(struct atrium_pwhasher *h, const char *password, char **ret_phc);
/*
 * Verify password against a PHC string (any Argon2id parameters). *ret_match
 * is false for a wrong password; a malformed PHC string returns ATRIUM_EINVAL.
 * *ret_needs_rehash tells whether phc used other parameters than h's (may be NULL).
 */
int atrium_pwhash_verify(struct atrium_pwhasher *h, const char *phc, const char *password,
                         bool *ret_match, bool *ret_needs_rehash);
