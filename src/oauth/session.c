/* SPDX-License-Identifier: MIT */
/*
 * Browser single sign-on sessions (oauth.h "Browser sessions"): the cookie
 * carries 256 random bits; the store keeps only their hash, the tenant, the
 * user and an absolute expiry (cfg.session_lifetime).
 */
#include "oauth/oauth.h"

#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/rand.h"
#include "crypto/ctcmp.h"
#include "oauth/authn_internal.h"

static bool id_ok(const char *id)
{
    return id && *id && strnlen(id, ATRIUM_UUID_LEN + 1) <= ATRIUM_UUID_LEN;
}

int atrium_oauth_session_start(struct atrium_store *s, const struct atrium_oauth *o,
                               const char *tenant_id, const char *user_id, int64_t auth_time,
                               char **ret_cookie_value, struct atrium_session *ret)
{
    *ret_cookie_value = NULL;
    if (!s->oauth)
        return ATRIUM_EINTERNAL;
    if (!tenant_id || !atrium_uuid_is_valid(tenant_id) || !id_ok(user_id))
        return ATRIUM_EINVAL;
    struct atrium_session ss = {.auth_time = auth_time, .created = atrium_now()};
    ss.expires = ss.created + o->cfg.session_lifetime;
    memcpy(ss.tenant_id, tenant_id, strlen(tenant_id) + 1);
    memcpy(ss.user_id, user_id, strlen(user_id) + 1);
    char *value = atrium_oauth_value_new(tenant_id, ss.id_hash);
    int rc = s->oauth->session_insert(s, &ss);
    if (rc < 0) {
        atrium_oauth_value_free(value);
        return rc;
    }
    *ret_cookie_value = value;
    if (ret)
        *ret = ss;
    return 0;
}

int atrium_oauth_session_find(struct atrium_store *s, const char *tenant_id,
                              const char *cookie_value, struct atrium_session *ret)
{
    char hash[ATRIUM_HASH_TEXT_MAX + 1];
    struct atrium_session ss = {0};
    if (ret)
        memset(ret, 0, sizeof(*ret));
    if (!s->oauth)
        return ATRIUM_EINTERNAL;
    if (!id_ok(tenant_id) || !atrium_oauth_value_hash(cookie_value, hash))
        return ATRIUM_ENOTFOUND;
    int64_t now = atrium_now();
    int rc = s->oauth->session_get(s, tenant_id, hash, now, &ss);
    if (rc < 0)
        return rc;
    /* The store filters on both already; a mismatch here is treated as absence. */
    if (ss.expires <= now || strcmp(ss.tenant_id, tenant_id) != 0 ||
        !atrium_ct_equal(ss.id_hash, strlen(ss.id_hash), hash, strlen(hash)))
        return ATRIUM_ENOTFOUND;
    if (ret)
        *ret = ss;
    return 0;
}

int atrium_oauth_session_end(struct atrium_store *s, const char *tenant_id,
                             const char *cookie_value)
{
    char hash[ATRIUM_HASH_TEXT_MAX + 1];
    if (!s->oauth)
        return ATRIUM_EINTERNAL;
    if (!id_ok(tenant_id) || !atrium_oauth_value_hash(cookie_value, hash))
        return ATRIUM_ENOTFOUND;
    return s->oauth->session_delete(s, tenant_id, hash);
}
