/* SPDX-License-Identifier: MIT */
/*
 * A per-client token bucket: `per_minute` requests, refilled continuously
 * (per_minute/60 per second), bursts up to per_minute. The table has a fixed
 * number of slots (set-associative, least recently used evicted), so memory
 * stays bounded whatever the number of clients. Thread-safe. Time comes from
 * atrium_now(), so tests move it with atrium_clock_set_offset.
 */
#pragma once

#include <stddef.h>

#define ATRIUM_RATELIMIT_SLOTS_DEFAULT 4096
#define ATRIUM_RATELIMIT_KEY_MAX 64

struct atrium_ratelimit;

/* per_minute must be > 0; slots is rounded up to a multiple of the set size. Caller owns. */
struct atrium_ratelimit *atrium_ratelimit_new(unsigned per_minute, size_t slots);
/* NULL is fine. */
void atrium_ratelimit_free(struct atrium_ratelimit *rl);

/*
 * Spend one token of key's bucket. 0 when allowed; ATRIUM_ERATE when the
 * bucket is empty, with *ret_retry_after (may be NULL) set to the seconds
 * until a token is back (at least 1).
 */
int atrium_ratelimit_take(struct atrium_ratelimit *rl, const char *key, unsigned *ret_retry_after);

/* Capacity of the table, and how many slots hold a client now (tests, metrics). */
size_t atrium_ratelimit_slots(const struct atrium_ratelimit *rl);
size_t atrium_ratelimit_used(struct atrium_ratelimit *rl);

/*
 * The bucket key of a client address: IPv4 as is, an IPv4-mapped IPv6
 * address as its IPv4 form, other IPv6 addresses by their /64 prefix (one
 * host usually owns a whole /64). Unparsable input is used as is, truncated.
 */
void atrium_ratelimit_client_key(const char *ip, char out[ATRIUM_RATELIMIT_KEY_MAX]);
