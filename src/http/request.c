/* SPDX-License-Identifier: MIT */
/* Request accessors; see request.h. Authorization parsing is in auth.c. */
#include "http/request.h"

#include <string.h>
#include <strings.h>

#include "core/str.h"
#include "core/xalloc.h"
#include "http/cookie.h"
#include "http/form.h"
#include "http/server.h"
#include "model/principal.h"

void atrium_req_init(struct atrium_req *rq, struct atrium_app *app)
{
    memset(rq, 0, sizeof(*rq));
    rq->app = app;
    rq->method = "";
    rq->path = "";
    rq->query = "";
    rq->body = "";
    atrium_uuid_v4(rq->request_id);
}

void atrium_req_release(struct atrium_req *rq)
{
    for (size_t i = rq->ndefers; i > 0; i--)
        rq->defers[i - 1].fn(rq->defers[i - 1].p);
    free(rq->defers);
    rq->defers = NULL;
    rq->ndefers = 0;
    atrium_kv_list_release(&rq->params);
    atrium_kv_list_release(&rq->headers);
    atrium_kv_list_release(&rq->query_list);
    atrium_kv_list_release(&rq->cookies);
    atrium_kv_list_release(&rq->form);
    if (rq->principal) {
        atrium_principal_release(rq->principal);
        rq->principal = xfree(rq->principal);
    }
}

const char *atrium_req_param(const struct atrium_req *rq, const char *name)
{
    return atrium_kv_get(&rq->params, name);
}

const char *atrium_req_header(const struct atrium_req *rq, const char *name)
{
    return atrium_kv_iget(&rq->headers, name);
}

int atrium_req_query_list(struct atrium_req *rq, const struct atrium_kv_list **ret)
{
    static const struct atrium_form_limits lim = ATRIUM_FORM_LIMITS_DEFAULT;
    if (rq->query_state == 0) {
        int r = atrium_form_parse(rq->query, strlen(rq->query), &lim, "query string",
                                  &rq->query_list, &rq->query_err);
        rq->query_state = r < 0 ? r : 1;
    }
    if (rq->query_state < 0) {
        rq->err = rq->query_err;
        return rq->query_state;
    }
    *ret = &rq->query_list;
    return 0;
}

/* The single value of name in l; EINVAL naming it when repeated. */
static int single_value(struct atrium_req *rq, const struct atrium_kv_list *l, const char *name,
                        const char *what, const char **ret)
{
    if (atrium_kv_count(l, name) > 1)
        return atrium_err(&rq->err, ATRIUM_EINVAL, name, "The %s parameter '%s' is repeated.", what,
                          name);
    *ret = atrium_kv_get(l, name);
    return 0;
}

int atrium_req_query(struct atrium_req *rq, const char *name, const char **ret)
{
    const struct atrium_kv_list *l = NULL;
    *ret = NULL;
    int r = atrium_req_query_list(rq, &l);
    if (r < 0)
        return r;
    return single_value(rq, l, name, "query", ret);
}

const char *atrium_req_cookie(struct atrium_req *rq, const char *name)
{
    if (!rq->cookies_parsed) {
        rq->cookies_parsed = true;
        for (size_t i = 0; i < rq->headers.count; i++)
            if (atrium_str_ieq(rq->headers.items[i].name, "Cookie"))
                atrium_cookie_parse(rq->headers.items[i].value, ATRIUM_COOKIES_MAX, &rq->cookies);
    }
    return atrium_kv_get(&rq->cookies, name);
}

bool atrium_req_content_type_is(const struct atrium_req *rq, const char *mime)
{
    const char *ct = atrium_req_header(rq, "Content-Type");
    if (!ct)
        return false;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    size_t n = strcspn(ct, "; \t");
    return n == strlen(mime) && strncasecmp(ct, mime, n) == 0;
}

int atrium_req_require_json(struct atrium_req *rq)
{
    if (atrium_req_content_type_is(rq, "application/json"))
        return 0;
    return atrium_err(&rq->err, ATRIUM_EUNSUPPORTED, "Content-Type",
                      "The request body must be sent with Content-Type: application/json.");
}

int atrium_req_form(struct atrium_req *rq, const struct atrium_kv_list **ret)
{
    static const struct atrium_form_limits lim = ATRIUM_FORM_LIMITS_DEFAULT;
    if (!atrium_req_content_type_is(rq, "application/x-www-form-urlencoded"))
        return atrium_err(&rq->err, ATRIUM_EUNSUPPORTED, "Content-Type",
                          "The request body must be sent with Content-Type: "
                          "application/x-www-form-urlencoded.");
    if (rq->form_state == 0) {
        int r =
            atrium_form_parse(rq->body, rq->body_len, &lim, "form body", &rq->form, &rq->form_err);
        rq->form_state = r < 0 ? r : 1;
    }
    if (rq->form_state < 0) {
        rq->err = rq->form_err;
        return rq->form_state;
    }
    *ret = &rq->form;
    return 0;
}

int atrium_req_form_value(struct atrium_req *rq, const char *name, const char **ret)
{
    const struct atrium_kv_list *l = NULL;
    *ret = NULL;
    int r = atrium_req_form(rq, &l);
    if (r < 0)
        return r;
    return single_value(rq, l, name, "form", ret);
}

int atrium_req_store(struct atrium_req *rq, struct atrium_store **ret)
{
    if (!rq->store && rq->app && rq->app->store_pool)
        rq->store = atrium_store_pool_get(rq->app->store_pool);
    if (!rq->store)
        return atrium_err(&rq->err, ATRIUM_EBUSY, "", "The directory store is unavailable.");
    *ret = rq->store;
    return 0;
}

void atrium_req_set_tenant(struct atrium_req *rq, const char *tenant_id)
{
    if (tenant_id && atrium_uuid_is_valid(tenant_id))
        memcpy(rq->tenant_id, tenant_id, ATRIUM_UUID_LEN + 1);
}

void atrium_req_defer(struct atrium_req *rq, void (*fn)(void *), void *p)
{
    rq->defers = xrealloc(rq->defers, (rq->ndefers + 1) * sizeof(*rq->defers));
    rq->defers[rq->ndefers].fn = fn;
    rq->defers[rq->ndefers].p = p;
    rq->ndefers++;
}
