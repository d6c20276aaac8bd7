/* SPDX-License-Identifier: MIT */
/*
 * GET|POST /{tenant}/oauth2/v2.0/logout: end every single sign-on session
 * the browser holds (one cookie per tenant) and expire the cookies; then
 * redirect to post_logout_redirect_uri only when it is a registered
 * redirect URI of the client named by client_id, else show "You have
 * signed out".
 */
#include "http/handlers.h"

#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "http/authorize.h"
#include "http/pages.h"
#include "http/request.h"
#include "http/response.h"
#include "http/server.h"
#include "http/signin_flow.h"

#define LOGOUT_COOKIES_MAX 16

struct logout {
    struct atrium_flow f;
    const struct atrium_kv_list *list;
    const char *ended[LOGOUT_COOKIES_MAX]; /* cookie names to expire */
    size_t nended;
};

/* End the session behind every SSO cookie of the request. */
static void end_sessions(struct logout *lo)
{
    struct atrium_req *rq = lo->f.rq;
    atrium_req_cookie(rq, ATRIUM_SSO_COOKIE_PREFIX); /* parses the Cookie headers */
    size_t prefix = strlen(ATRIUM_SSO_COOKIE_PREFIX);
    for (size_t i = 0; i < rq->cookies.count && lo->nended < LOGOUT_COOKIES_MAX; i++) {
        const char *name = rq->cookies.items[i].name;
        if (!atrium_str_starts_with(name, ATRIUM_SSO_COOKIE_PREFIX) ||
            !atrium_uuid_is_valid(name + prefix))
            continue;
        /* Best effort: an unknown or expired session is already gone. */
        atrium_oauth_session_end(lo->f.store, name + prefix, rq->cookies.items[i].value);
        lo->ended[lo->nended++] = name;
    }
}

static void expire_cookies(struct logout *lo)
{
    for (size_t i = 0; i < lo->nended; i++)
        atrium_resp_set_cookie(lo->f.rs, lo->ended[i], "", 0, 0);
}

/* The validated post-logout redirect URL (with state), or NULL. Heap. */
static char *redirect_target(struct logout *lo)
{
    const char *uri = atrium_kv_get(lo->list, "post_logout_redirect_uri");
    const char *client_id = atrium_kv_get(lo->list, "client_id");
    const char *state = atrium_kv_get(lo->list, "state");
    struct atrium_flow *f = &lo->f;
    struct atrium_oauth_error e = {0};
    if (!uri || !client_id || !f->have_tenant ||
        atrium_kv_count(lo->list, "post_logout_redirect_uri") != 1 ||
        atrium_kv_count(lo->list, "state") > 1)
        return NULL;
    if (atrium_oauth_client_find(f->store, f->tenant.id, client_id, &f->client, &e) < 0)
        return NULL;
    f->have_client = true;
    if (atrium_oauth_redirect_allowed(&f->client, uri, &e) < 0)
        return NULL;
    struct atrium_kv_list fields;
    atrium_kv_list_init(&fields);
    if (state)
        atrium_kv_list_add(&fields, "state", state);
    char *url = atrium_authz_redirect_url(uri, ATRIUM_AUTHZ_QUERY, &fields);
    atrium_kv_list_release(&fields);
    return url;
}

static int logout(struct logout *lo)
{
    struct atrium_flow *f = &lo->f;
    struct atrium_req *rq = f->rq;
    bool form = strcmp(rq->method, "POST") == 0 &&
                atrium_req_content_type_is(rq, "application/x-www-form-urlencoded");
    int r = form ? atrium_req_form(rq, &lo->list) : atrium_req_query_list(rq, &lo->list);
    if (r < 0 || (r = atrium_flow_store(f)) < 0)
        return r;
    end_sessions(lo);
    struct atrium_oauth_error e = {0};
    bool multi = false;
    if (atrium_oauth_tenant(f->store, atrium_req_param(rq, "tenant"), &f->tenant, &multi, &e) ==
            0 &&
        !multi) {
        f->have_tenant = true;
        atrium_req_set_tenant(rq, f->tenant.id);
    }
    f->csrf_new = false; /* no form here */
    AUTO_FREE char *target = redirect_target(lo);
    if (target)
        r = atrium_flow_redirect(f, target);
    else
        r = atrium_flow_message(f, 200, "You have signed out",
                                "You have signed out of your account. It's a good idea to close "
                                "all browser windows.",
                                0);
    if (r == 0)
        expire_cookies(lo);
    return r;
}

int atrium_handle_logout(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct logout lo = {0};
    atrium_flow_init(&lo.f, rq, rs);
    int r = logout(&lo);
    atrium_flow_release(&lo.f);
    return r;
}
