/* SPDX-License-Identifier: MIT */
/* Start-up of the sign-in/token services' shared state, and the key refresh; see serve_oauth.h. */
#include "app/serve_oauth.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "crypto/keyring.h"
#include "crypto/mac.h"
#include "crypto/masterkey.h"
#include "crypto/secret.h"

#define BEARER_CACHE_CAPACITY 16384
#define PAGING_KEY_LABEL "atrium graph skiptoken v1"

int atrium_serve_oauth_init(struct atrium_oauth *o, const char *data_dir, const char *store_uri,
                            struct atrium_pwhasher *hasher, struct atrium_masterkey **ret_mk,
                            struct atrium_errinfo *e)
{
    memset(o, 0, sizeof(*o));
    o->cfg = (struct atrium_oauth_config)ATRIUM_OAUTH_CONFIG_DEFAULT;
    o->hasher = hasher;
    struct atrium_masterkey *mk = NULL;
    struct atrium_store *st = NULL;
    int rc = atrium_masterkey_load(data_dir, &mk, e);
    if (rc == 0)
        rc = atrium_store_open(store_uri, &st, e);
    if (rc == 0)
        rc = atrium_oauth_keys_load(st, mk, &o->keyring, e);
    if (rc == 0 && (rc = atrium_secret_hasher_new(mk, &o->secrets)) < 0)
        atrium_err(e, rc, "", "The secret hasher could not be set up.");
    if (rc == 0 && (rc = atrium_mac_key_derive(mk, PAGING_KEY_LABEL, &o->paging_key)) < 0)
        atrium_err(e, rc, "", "The paging key could not be derived.");
    atrium_store_close(st);
    if (rc < 0) {
        atrium_masterkey_free(mk);
        atrium_serve_oauth_release(o);
        return rc;
    }
    if (ret_mk)
        *ret_mk = mk;
    else
        atrium_masterkey_free(mk);
    o->bearer_cache = atrium_bearer_cache_new(BEARER_CACHE_CAPACITY);
    return 0;
}

void atrium_serve_oauth_release(struct atrium_oauth *o)
{
    atrium_keyring_free(o->keyring);
    atrium_secret_hasher_free(o->secrets);
    atrium_mac_key_free(o->paging_key);
    atrium_bearer_cache_free(o->bearer_cache);
    memset(o, 0, sizeof(*o));
}

void atrium_serve_keys_init(struct atrium_serve_keys *k, struct atrium_store_pool *pool,
                            struct atrium_keyring *keyring, struct atrium_masterkey *mk,
                            int64_t interval_seconds)
{
    *k = (struct atrium_serve_keys){
        .pool = pool, .keyring = keyring, .mk = mk, .interval_ms = interval_seconds * 1000};
    k->next_ms = atrium_monotonic_ms() + k->interval_ms;
}

static void log_change(struct atrium_keyring *kr, const struct atrium_oauth_keys_change *c)
{
    char *kid = NULL; /* stays NULL without an active key: logged as null */
    (void)atrium_keyring_active_kid(kr, &kid);
    atrium_log_fields(ATRIUM_LOG_INFO,
                      json_pack("{s:s, s:s?, s:b, s:I, s:I, s:I}", "msg", "signing keys refreshed",
                                "active_kid", kid, "active_changed", c->active_changed, "imported",
                                (json_int_t)c->imported, "retired", (json_int_t)c->retired,
                                "removed", (json_int_t)c->removed));
    free(kid);
}

void atrium_serve_keys_tick(struct atrium_serve_keys *k)
{
    int64_t now = atrium_monotonic_ms();
    if (!k->pool || !k->keyring || !k->mk || now < k->next_ms)
        return;
    k->next_ms = now + k->interval_ms;
    struct atrium_errinfo e = {0};
    struct atrium_oauth_keys_change c = {0};
    /* This thread's handle: it stays with the pool between refreshes, outside any transaction. */
    struct atrium_store *st = atrium_store_pool_get(k->pool);
    int rc = st ? atrium_oauth_keys_refresh(st, k->mk, k->keyring, &c, &e) : ATRIUM_EBUSY;
    if (rc < 0) {
        /* The message names at most a kid (public); keys and blobs never reach it. */
        atrium_log_fields(ATRIUM_LOG_WARN,
                          json_pack("{s:s, s:s, s:s}", "msg",
                                    "signing key refresh failed; the current keys stay in use",
                                    "error", atrium_err_name(rc), "detail",
                                    e.message[0] ? e.message : "The store is unavailable."));
        return;
    }
    if (c.imported || c.retired || c.removed || c.active_changed)
        log_change(k->keyring, &c);
}

void atrium_serve_keys_release(struct atrium_serve_keys *k)
{
    atrium_masterkey_free(k->mk);
    memset(k, 0, sizeof(*k));
}
