/* SPDX-License-Identifier: MIT */
/*
 * Private to src/oauth/: the cache of verified access tokens, keyed by the
 * token's SHA-256 (base64url). Bounded (clock eviction), one mutex; an
 * entry never outlives its token's exp. Used by bearer.c.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "crypto/secret.h"
#include "model/principal.h"

struct atrium_bearer_cache;

/*
 * On a live entry (exp > now) copy its principal into *ret (caller
 * releases), set *ret_recheck when its recheck time has come, and return
 * true. Expired entries are dropped and miss.
 */
bool atrium_bearer_cache_get(struct atrium_bearer_cache *c, const char *key, int64_t now,
                             struct atrium_principal *ret, bool *ret_recheck);
/* Insert or replace (p is copied). */
void atrium_bearer_cache_put(struct atrium_bearer_cache *c, const char *key, int64_t now,
                             int64_t exp, int64_t recheck_at, const struct atrium_principal *p);
/* Push the recheck time of key (no-op when gone). */
void atrium_bearer_cache_rechecked(struct atrium_bearer_cache *c, const char *key,
                                   int64_t recheck_at);
void atrium_bearer_cache_remove(struct atrium_bearer_cache *c, const char *key);

/* Deep copy of a principal into *dst (caller releases). */
void atrium_principal_copy(struct atrium_principal *dst, const struct atrium_principal *src);
