/* SPDX-License-Identifier: MIT */
/*
 * Backend-independent part of store_oauth.h: the list release functions and
 * atrium_store_end_user_signins, composed of two ops.
 */
#include "store/store_oauth.h"

#include <string.h>

#include "core/xalloc.h"
#include "store/store.h"

void atrium_application_list_release(struct atrium_application_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        atrium_application_release(&l->items[i]);
    xfree(l->items);
    memset(l, 0, sizeof(*l));
}

void atrium_app_password_list_release(struct atrium_app_password_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        atrium_app_password_release(&l->items[i]);
    xfree(l->items);
    memset(l, 0, sizeof(*l));
}

void atrium_service_principal_list_release(struct atrium_service_principal_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        atrium_service_principal_release(&l->items[i]);
    xfree(l->items);
    memset(l, 0, sizeof(*l));
}

void atrium_app_role_assignment_list_release(struct atrium_app_role_assignment_list *l)
{
    /* App role assignments have no heap members. */
    xfree(l->items);
    memset(l, 0, sizeof(*l));
}

void atrium_oauth2_grant_list_release(struct atrium_oauth2_grant_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        atrium_oauth2_grant_release(&l->items[i]);
    xfree(l->items);
    memset(l, 0, sizeof(*l));
}

void atrium_signing_key_list_release(struct atrium_signing_key_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        atrium_signing_key_record_release(&l->items[i]);
    xfree(l->items);
    memset(l, 0, sizeof(*l));
}

void atrium_signin_event_list_release(struct atrium_signin_event_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        atrium_signin_event_release(&l->items[i]);
    xfree(l->items);
    memset(l, 0, sizeof(*l));
}

int atrium_store_end_user_signins(struct atrium_store *s, const char *tenant_id,
                                  const char *user_id)
{
    int rc = s->oauth->refresh_revoke_user(s, tenant_id, user_id);
    return rc < 0 ? rc : s->oauth->session_delete_user(s, tenant_id, user_id, NULL);
}
