/* SPDX-License-Identifier: MIT */
/* Release functions of the sign-in records; see oauth_records.h. */
#include "model/oauth_records.h"

#include <string.h>

#include "core/xalloc.h"

void atrium_auth_code_release(struct atrium_auth_code *c)
{
    if (!c)
        return;
    xfree(c->redirect_uri);
    xfree(c->scope);
    xfree(c->nonce);
    xfree(c->code_challenge);
    xfree(c->session_id);
    memset(c, 0, sizeof(*c));
}

void atrium_refresh_token_release(struct atrium_refresh_token *t)
{
    if (!t)
        return;
    xfree(t->scope);
    memset(t, 0, sizeof(*t));
}

void atrium_device_code_release(struct atrium_device_code *d)
{
    if (!d)
        return;
    xfree(d->scope);
    memset(d, 0, sizeof(*d));
}

void atrium_signing_key_record_release(struct atrium_signing_key_record *k)
{
    if (!k)
        return;
    xfree(k->sealed_private);
    xfree(k->cert_pem);
    memset(k, 0, sizeof(*k));
}

void atrium_signin_event_release(struct atrium_signin_event *ev)
{
    if (!ev)
        return;
    xfree(ev->user_principal_name);
    xfree(ev->app_display_name);
    xfree(ev->ip_address);
    xfree(ev->client_request_id);
    xfree(ev->grant);
    xfree(ev->failure_reason);
    memset(ev, 0, sizeof(*ev));
}
