/* SPDX-License-Identifier: MIT */
/*
 * /v1.0/me (GET, PATCH), /v1.0/me/changePassword,
 * /v1.0/me/revokeSignInSessions and /v1.0/organization (GET the collection
 * of one, GET by id, PATCH). changePassword goes through the token
 * service's own password change (oauth/oauth.h), so the current password
 * is checked like a sign-in, smart lockout included, and the change ends
 * the user's refresh tokens and browser sessions.
 */
#include "http/handlers.h"

#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "graph/groups.h"
#include "http/graph_http.h"
#include "http/graph_users_http.h"
#include "http/request.h"
#include "http/response.h"
#include "http/server.h"
#include "model/principal.h"
#include "oauth/oauth.h"

#define ME_APP_ONLY "/me request is only valid with delegated authentication flow."

/* Graph answers an app-only /me with 400 BadRequest (not Request_BadRequest). */
static bool app_only_me(struct atrium_resp *rs, const struct atrium_req *rq)
{
    if (!rq->principal || !rq->principal->app_only)
        return false;
    atrium_resp_graph_error(rs, rq, 400, "BadRequest", ME_APP_ONLY, NULL);
    return true;
}

int atrium_handle_graph_me_get(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_users_env env;
    const char *tid;
    struct atrium_odata_request q;
    struct atrium_user u = {0};
    if (app_only_me(rs, rq))
        return 0;
    int r = atrium_users_http_begin(rq, &env, &tid);
    if (r < 0)
        return r;
    r = atrium_users_http_query(rq, &q);
    if (r == 0)
        r = atrium_graph_me_get(&env, tid, rq->principal, &u, &rq->err);
    if (r == 0)
        r = atrium_users_http_entity(rs, rq, 200, "users", "/$entity", &q,
                                     atrium_graph_user_to_json(&u, &q, false));
    r = atrium_users_http_fail(rs, rq, &q, r);
    atrium_user_release(&u);
    atrium_odata_request_release(&q);
    return r;
}

int atrium_handle_graph_me_update(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_users_env env;
    const char *tid;
    json_t *body;
    if (app_only_me(rs, rq))
        return 0;
    int r = atrium_users_http_begin(rq, &env, &tid);
    if (r == 0)
        r = atrium_graph_req_body(rq, &body);
    if (r == 0)
        r = atrium_graph_me_update(&env, tid, rq->principal, body, &rq->err);
    return r < 0 ? r : atrium_graph_resp_no_content(rs);
}

/* The token service's refusal of a password change as a Graph error. */
static int change_refused(struct atrium_req *rq, int r, const struct atrium_oauth_error *oe)
{
    if (r == ATRIUM_EBUSY || r == ATRIUM_ESTORE || r == ATRIUM_EINTERNAL)
        return atrium_err(&rq->err, r, "", "The password could not be changed: %s",
                          oe->description);
    if (oe->aadsts == 50126)
        return atrium_err(&rq->err, ATRIUM_EINVAL, "currentPassword",
                          "The current password is incorrect.");
    if (oe->aadsts == 50053)
        return atrium_err(&rq->err, ATRIUM_EINVAL, "currentPassword",
                          "The account is locked after too many wrong passwords; try again "
                          "later.");
    if (oe->aadsts == 50057)
        return atrium_err(&rq->err, ATRIUM_EFORBIDDEN, "", "The account is disabled.");
    return atrium_err(&rq->err, ATRIUM_EINVAL, "newPassword", "%s", oe->description);
}

int atrium_handle_graph_me_change_password(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_users_env env;
    const char *tid, *current = NULL, *fresh = NULL;
    json_t *body;
    struct atrium_user u = {0};
    if (app_only_me(rs, rq))
        return 0;
    int r = atrium_users_http_begin(rq, &env, &tid);
    if (r == 0)
        r = atrium_graph_req_body(rq, &body);
    if (r == 0)
        r = atrium_graph_change_password_body(body, &current, &fresh, &rq->err);
    if (r == 0)
        r = atrium_graph_me_get(&env, tid, rq->principal, &u, &rq->err);
    if (r == 0 && !rq->app->oauth)
        r = atrium_err(&rq->err, ATRIUM_EINTERNAL, "", "The token service is not configured.");
    if (r == 0) {
        const struct atrium_authn_request req = {
            .tenant_id = tid,
            .username = u.upn,
            .password = current,
            .client_app_id = rq->principal->client_app_id,
            .ip = rq->remote_ip,
            .correlation_id = rq->client_request_id[0] ? rq->client_request_id : rq->request_id,
            .grant = "changePassword",
        };
        struct atrium_oauth_error oe = {0};
        r = atrium_oauth_change_password(env.store, rq->app->oauth, &req, fresh, NULL, &oe);
        if (r < 0)
            r = change_refused(rq, r, &oe);
    }
    atrium_user_release(&u);
    return r < 0 ? r : atrium_graph_resp_no_content(rs);
}

int atrium_handle_graph_me_revoke_sessions(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_users_env env;
    const char *tid;
    if (app_only_me(rs, rq))
        return 0;
    int r = atrium_users_http_begin(rq, &env, &tid);
    if (r == 0)
        r = atrium_graph_me_revoke_sessions(&env, tid, rq->principal, &rq->err);
    if (r < 0)
        return r;
    return atrium_graph_resp_value(rs, rq, 200, "Edm.Boolean", json_pack("{s:b}", "value", 1));
}

int atrium_handle_graph_org_list(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_users_env env;
    const char *tid;
    json_t *org = NULL;
    int r = atrium_users_http_begin(rq, &env, &tid);
    if (r == 0)
        r = atrium_graph_org_get(&env, tid, rq->principal, &org, &rq->err);
    if (r < 0)
        return r;
    json_t *items = json_array();
    json_array_append_new(items, org);
    return atrium_users_http_collection(rs, rq, "organization", NULL, items, -1, NULL);
}

int atrium_handle_graph_org_get(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_users_env env;
    const char *tid;
    json_t *org = NULL;
    const char *id = atrium_req_param(rq, "id");
    int r = atrium_users_http_begin(rq, &env, &tid);
    if (r == 0 && (!id || strcasecmp(id, tid) != 0))
        r = atrium_err(&rq->err, ATRIUM_ENOTFOUND, "",
                       "Resource '%.40s' does not exist or one of its queried reference-property "
                       "objects are not present.",
                       id ? id : "");
    if (r == 0)
        r = atrium_graph_org_get(&env, tid, rq->principal, &org, &rq->err);
    if (r < 0)
        return r;
    return atrium_users_http_entity(rs, rq, 200, "organization", "/$entity", NULL, org);
}

int atrium_handle_graph_org_update(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_users_env env;
    const char *tid;
    json_t *body;
    int r = atrium_users_http_begin(rq, &env, &tid);
    if (r == 0)
        r = atrium_graph_req_body(rq, &body);
    if (r == 0)
        r = atrium_graph_org_update(&env, tid, rq->principal, atrium_req_param(rq, "id"), body,
                                    &rq->err);
    return r < 0 ? r : atrium_graph_resp_no_content(rs);
}

/* /me/memberOf and /me/transitiveMemberOf: the groups service (graph/groups.h) for the caller. */
static int me_member_of(struct atrium_req *rq, struct atrium_resp *rs, bool transitive)
{
    struct atrium_store *s;
    const char *tid;
    struct atrium_odata_query q;
    json_t *items = NULL;
    char next[ATRIUM_UUID_LEN + 1] = "";
    if (app_only_me(rs, rq))
        return 0;
    int r = atrium_graph_req_begin(rq, &s, &tid);
    if (r < 0)
        return r;
    r = atrium_graph_req_query(rq, &atrium_graph_dirobj_odata, &q);
    if (r == 0)
        r = atrium_graph_member_of(s, tid, rq->principal, ATRIUM_MEMBER_USER,
                                   rq->principal->user_id, transitive, &q, &items, next, &rq->err);
    if (r == 0)
        r = atrium_graph_resp_collection(rs, rq, "directoryObjects", &q, items, next);
    atrium_odata_query_release(&q);
    return r;
}

int atrium_handle_graph_me_member_of(struct atrium_req *rq, struct atrium_resp *rs)
{
    return me_member_of(rq, rs, false);
}

int atrium_handle_graph_me_transitive_member_of(struct atrium_req *rq, struct atrium_resp *rs)
{
    return me_member_of(rq, rs, true);
}
