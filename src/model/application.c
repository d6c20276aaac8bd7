/* SPDX-License-Identifier: MIT */
/* Release functions of the application structs; see application.h. */
#include "model/application.h"

#include <string.h>

#include "core/xalloc.h"

void atrium_application_release(struct atrium_application *a)
{
    if (!a)
        return;
    xfree(a->display_name);
    xfree(a->sign_in_audience);
    xfree(a->definition);
    memset(a, 0, sizeof(*a));
}

void atrium_app_password_release(struct atrium_app_password *p)
{
    if (!p)
        return;
    xfree(p->display_name);
    xfree(p->hint);
    xfree(p->secret_hash);
    memset(p, 0, sizeof(*p));
}

void atrium_service_principal_release(struct atrium_service_principal *sp)
{
    if (!sp)
        return;
    xfree(sp->display_name);
    xfree(sp->definition);
    memset(sp, 0, sizeof(*sp));
}

void atrium_oauth2_grant_release(struct atrium_oauth2_grant *g)
{
    if (!g)
        return;
    xfree(g->consent_type);
    xfree(g->scope);
    memset(g, 0, sizeof(*g));
}
