/* SPDX-License-Identifier: MIT */
/* The purge timer of `atrium serve`; see serve_purge.h. */
#include "app/serve_purge.h"

#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "oauth/maintenance.h"

void atrium_serve_purge_init(struct atrium_serve_purge *p, struct atrium_store_pool *pool,
                             const struct atrium_oauth_config *cfg, int64_t interval_seconds)
{
    *p = (struct atrium_serve_purge){
        .pool = pool, .cfg = cfg, .interval_ms = interval_seconds * 1000};
    p->next_ms = atrium_monotonic_ms() + p->interval_ms;
}

static void log_counts(const struct atrium_oauth_purge_counts *c, int rc)
{
    json_t *f = json_pack("{s:s, s:I, s:b}", "msg",
                          rc < 0 ? "purge of expired sign-in records failed"
                                 : "expired sign-in records purged",
                          "total", (json_int_t)c->total, "more", c->more);
    for (int k = 0; k < ATRIUM_PURGE__COUNT; k++)
        json_object_set_new(f, atrium_oauth_purge_kind_name((enum atrium_purge_kind)k),
                            json_integer((json_int_t)c->deleted[k]));
    if (rc < 0)
        json_object_set_new(f, "error", json_string(atrium_err_name(rc)));
    atrium_log_fields(rc < 0 ? ATRIUM_LOG_WARN : ATRIUM_LOG_INFO, f);
}

void atrium_serve_purge_tick(struct atrium_serve_purge *p)
{
    int64_t now = atrium_monotonic_ms();
    if (!p->pool || !p->cfg || now < p->next_ms)
        return;
    struct atrium_oauth_purge_counts c;
    memset(&c, 0, sizeof(c));
    /* This thread's handle: it stays with the pool between runs, outside any transaction. */
    struct atrium_store *st = atrium_store_pool_get(p->pool);
    int rc = st ? atrium_oauth_purge(st, p->cfg, atrium_now(), NULL, &c) : ATRIUM_EBUSY;
    /* Measured from the end of the run, so a slow store never makes runs back to back. */
    int64_t wait = rc == 0 && c.more && p->interval_ms > ATRIUM_SERVE_PURGE_CATCHUP_MS
                       ? ATRIUM_SERVE_PURGE_CATCHUP_MS
                       : p->interval_ms;
    p->next_ms = atrium_monotonic_ms() + wait;
    if (rc < 0 || c.total > 0)
        log_counts(&c, rc);
}
