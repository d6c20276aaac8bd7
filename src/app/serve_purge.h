/* SPDX-License-Identifier: MIT */
/*
 * The periodic purge of expired sign-in records (oauth/maintenance.h) in a
 * running server, driven by the main thread's timer like the key refresh.
 */
#pragma once

#include <stdint.h>

#include "oauth/oauth.h"

#define ATRIUM_SERVE_PURGE_CATCHUP_MS 1000

struct atrium_store_pool;

struct atrium_serve_purge {
    struct atrium_store_pool *pool;        /* borrowed: the server's */
    const struct atrium_oauth_config *cfg; /* borrowed: the server's */
    int64_t interval_ms;
    int64_t next_ms; /* atrium_monotonic_ms() of the next run */
};

/* The first run is due interval_seconds from now. */
void atrium_serve_purge_init(struct atrium_serve_purge *p, struct atrium_store_pool *pool,
                             const struct atrium_oauth_config *cfg, int64_t interval_seconds);
/*
 * Run one bounded purge when due (else return at once), through the calling
 * thread's pool handle. The next run is due interval_seconds later, or after
 * ATRIUM_SERVE_PURGE_CATCHUP_MS when this one used its whole budget (rows
 * are left: a backlog, or more new expired rows per interval than one run
 * takes), so the purge keeps up with any write rate while each run stays
 * short. Rows purged are logged at info when there were any;
 * a failure at warn (an error name, never a secret). Never fails.
 */
void atrium_serve_purge_tick(struct atrium_serve_purge *p);
