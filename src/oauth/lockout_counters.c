/* SPDX-License-Identifier: MIT */
/*
 * The smart-lockout counters of a sign-in subject in the store (see
 * authn_internal.h): a user's row, or an unknown name's row under the
 * name's keyed hash, read and written the same way so that authn.c runs the
 * same arithmetic for both.
 */
#include "oauth/authn_internal.h"

#include <string.h>

#include "core/err.h"
#include "oauth/oauth.h"

const char *atrium_oauth_lockout_subject_id(const struct atrium_lockout_subject *who)
{
    return who->user_id ? who->user_id : who->name_key;
}

int atrium_oauth_lockout_load(struct atrium_store *s, const struct atrium_lockout_subject *who,
                              struct atrium_lockout *ret)
{
    if (who->user_id)
        return s->oauth->lockout_get(s, who->tenant_id, who->user_id, ret);
    if (!who->name_key[0])
        return ATRIUM_EINTERNAL;
    return s->oauth->name_lockout_get(s, who->tenant_id, who->name_key, ret);
}

int atrium_oauth_lockout_save(struct atrium_store *s, const struct atrium_oauth_config *cfg,
                              const struct atrium_lockout_subject *who, struct atrium_lockout *l,
                              int64_t now)
{
    size_t tlen = strnlen(who->tenant_id, sizeof(l->tenant_id));
    if (tlen >= sizeof(l->tenant_id))
        return ATRIUM_EINTERNAL;
    memcpy(l->tenant_id, who->tenant_id, tlen + 1);
    if (who->user_id) {
        size_t ulen = strnlen(who->user_id, sizeof(l->user_id));
        if (ulen >= sizeof(l->user_id))
            return ATRIUM_EINTERNAL;
        memcpy(l->user_id, who->user_id, ulen + 1);
        return s->oauth->lockout_put(s, l);
    }
    if (!who->name_key[0])
        return ATRIUM_EINTERNAL;
    l->user_id[0] = '\0';
    /* Stale by the same rule as atrium_oauth_lockout_is_stale: the purge changes no answer. */
    int64_t stale_before = now - atrium_oauth_lockout_window(cfg);
    return s->oauth->name_lockout_put(s, who->tenant_id, who->name_key, l, stale_before);
}
