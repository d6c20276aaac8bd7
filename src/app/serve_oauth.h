/* SPDX-License-Identifier: MIT */
/* The sign-in/token services' shared state for `atrium serve`, and its signing-key refresh. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "oauth/oauth.h"

struct atrium_errinfo;
struct atrium_masterkey;
struct atrium_store_pool;

/*
 * Fill *o: master key from the data dir (or ATRIUM_MASTER_KEY[_FILE]),
 * signing keys loaded (or created) through the store at uri, the client
 * secret hasher and the verified-token cache. public_url is borrowed.
 * *ret_mk (may be NULL: not kept) gets the master key, caller frees.
 */
int atrium_serve_oauth_init(struct atrium_oauth *o, const char *data_dir, const char *store_uri,
                            struct atrium_pwhasher *hasher, struct atrium_masterkey **ret_mk,
                            struct atrium_errinfo *e);
void atrium_serve_oauth_release(struct atrium_oauth *o);

/*
 * The periodic refresh of a running server's signing keys from the store
 * (atrium_oauth_keys_refresh), driven by the main thread's timer.
 */
struct atrium_serve_keys {
    struct atrium_store_pool *pool; /* borrowed: the server's */
    struct atrium_keyring *keyring; /* borrowed: the server's */
    struct atrium_masterkey *mk;    /* owned */
    int64_t interval_ms;
    int64_t next_ms; /* atrium_monotonic_ms() of the next refresh */
};

/* mk is consumed; the first refresh is due interval_seconds from now. */
void atrium_serve_keys_init(struct atrium_serve_keys *k, struct atrium_store_pool *pool,
                            struct atrium_keyring *keyring, struct atrium_masterkey *mk,
                            int64_t interval_seconds);
/*
 * Refresh when due (else return at once), through the calling thread's pool
 * handle. A failure is logged at warn (never a secret) and the keys in use
 * stay; a change is logged at info. Never fails.
 */
void atrium_serve_keys_tick(struct atrium_serve_keys *k);
void atrium_serve_keys_release(struct atrium_serve_keys *k);
