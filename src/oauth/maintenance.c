/* SPDX-License-Identifier: MIT */
/*
 * The periodic purge of expired sign-in records; see maintenance.h.
 *
 * Why deleting changes no answer: code_redeem, refresh_use and session_get
 * already answer an expired row exactly like an unknown one (ENOTFOUND:
 * invalid_grant 70008, or no session), so removing it afterwards is
 * invisible. That includes refresh-token reuse detection: refresh_use
 * reports a rotated or revoked token as reuse (and the grant revokes its
 * family) only while that token's own expiry is ahead, so the old rows a live
 * family needs for it are exactly those not yet expired, and the purge only
 * takes rows expired for ATRIUM_OAUTH_PURGE_MARGIN already. Device codes differ: an
 * expired one is still answered expired_token, so all kinds keep
 * ATRIUM_OAUTH_PURGE_MARGIN seconds past expiry, after which a poll of a
 * purged code answers bad_verification_code (a client has stopped polling
 * by then: expires_in told it when to).
 */
#include "oauth/maintenance.h"

#include <string.h>

#include "core/err.h"

static const char *const kind_names[ATRIUM_PURGE__COUNT] = {
    [ATRIUM_PURGE_CODES] = "codes",
    [ATRIUM_PURGE_DEVICE_CODES] = "device_codes",
    [ATRIUM_PURGE_REFRESH_TOKENS] = "refresh_tokens",
    [ATRIUM_PURGE_SESSIONS] = "sessions",
    [ATRIUM_PURGE_SIGNIN_EVENTS] = "signin_events",
};

const char *atrium_oauth_purge_kind_name(enum atrium_purge_kind kind)
{
    return (int)kind >= 0 && kind < ATRIUM_PURGE__COUNT ? kind_names[kind] : "unknown";
}

/* The time rows of kind must be older than to go; false when the kind is kept forever. */
static bool cutoff(enum atrium_purge_kind kind, const struct atrium_oauth_config *cfg, int64_t now,
                   int64_t *ret)
{
    if (kind == ATRIUM_PURGE_SIGNIN_EVENTS) {
        if (cfg->signin_retention <= 0)
            return false;
        *ret = now - cfg->signin_retention;
        return true;
    }
    *ret = now - ATRIUM_OAUTH_PURGE_MARGIN;
    return true;
}

/* Batches of one kind until one comes back short or the budget is spent. */
static int purge_kind(struct atrium_store *s, enum atrium_purge_kind kind, int64_t before,
                      size_t batch, size_t max_batches, struct atrium_oauth_purge_counts *c)
{
    for (size_t i = 0; i < max_batches; i++) {
        size_t n = 0;
        int r = s->oauth->purge(s, kind, before, batch, &n);
        c->deleted[kind] += n;
        c->total += n;
        if (r < 0)
            return r;
        if (n < batch)
            return 0;
    }
    c->more = true;
    return 0;
}

int atrium_oauth_purge(struct atrium_store *s, const struct atrium_oauth_config *cfg, int64_t now,
                       const struct atrium_oauth_purge_limits *limits,
                       struct atrium_oauth_purge_counts *ret)
{
    struct atrium_oauth_purge_counts c;
    memset(&c, 0, sizeof(c));
    size_t batch = limits && limits->batch ? limits->batch : ATRIUM_OAUTH_PURGE_BATCH;
    size_t max_batches =
        limits && limits->max_batches ? limits->max_batches : ATRIUM_OAUTH_PURGE_MAX_BATCHES;
    int r = s && s->oauth && s->oauth->purge ? 0 : ATRIUM_ESTORE;
    if (batch > ATRIUM_PURGE_BATCH_MAX)
        batch = ATRIUM_PURGE_BATCH_MAX;
    for (int k = 0; r == 0 && k < ATRIUM_PURGE__COUNT; k++) {
        int64_t before;
        if (cutoff((enum atrium_purge_kind)k, cfg, now, &before))
            r = purge_kind(s, (enum atrium_purge_kind)k, before, batch, max_batches, &c);
    }
    if (ret)
        *ret = c;
    return r;
}
