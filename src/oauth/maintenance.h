/* SPDX-License-Identifier: MIT */
/*
 * The periodic purge of sign-in records that can never be used again:
 * authorization codes, device codes, refresh tokens and browser sessions
 * past their expiry, and sign-in events older than the retention period
 * (atrium_oauth_config.signin_retention). A maintenance operation across
 * tenants, run by `atrium serve` every --purge-interval-seconds on its main
 * thread; bounded so that one call never holds the store's write lock long.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oauth/oauth.h"

/*
 * Expired codes, device codes, refresh tokens and sessions stay this long
 * past their expiry: a device-code poll keeps hearing expired_token (not
 * bad_verification_code) for that long, and a redemption racing the purge,
 * or a node whose clock is a little behind, sees the row it expects.
 */
#define ATRIUM_OAUTH_PURGE_MARGIN 600
#define ATRIUM_OAUTH_PURGE_BATCH 500      /* rows per store call (one short write transaction) */
#define ATRIUM_OAUTH_PURGE_MAX_BATCHES 10 /* store calls per kind per run */

struct atrium_oauth_purge_limits {
    size_t batch;       /* rows per store call; 0: ATRIUM_OAUTH_PURGE_BATCH */
    size_t max_batches; /* store calls per kind per run; 0: ATRIUM_OAUTH_PURGE_MAX_BATCHES */
};

struct atrium_oauth_purge_counts {
    size_t deleted[ATRIUM_PURGE__COUNT]; /* by enum atrium_purge_kind */
    size_t total;
    bool more; /* a kind used its whole budget: rows may be left for the next run */
};

/*
 * One run: for each kind, purge batches of rows expired before
 * now - ATRIUM_OAUTH_PURGE_MARGIN (sign-in events: created before
 * now - cfg->signin_retention, none when that is 0) until a batch comes
 * back short or the kind's budget is spent. Each batch commits on its own
 * (call it outside any transaction). *ret (may be NULL) gets the counts,
 * also of what was deleted before a failure. 0, or the store's error.
 */
int atrium_oauth_purge(struct atrium_store *s, const struct atrium_oauth_config *cfg, int64_t now,
                       const struct atrium_oauth_purge_limits *limits,
                       struct atrium_oauth_purge_counts *ret);

/* "codes", "device_codes", "refresh_tokens", "sessions", "signin_events". */
const char *atrium_oauth_purge_kind_name(enum atrium_purge_kind kind);
