/* SPDX-License-Identifier: MIT */
/*
 * The token endpoint: checks the grant type and its required parameters,
 * resolves the tenant (from the path, or for /organizations and /common
 * from the presented refresh token), finds and authenticates the client,
 * then runs the grant (token_grants_*.c).
 *
 * Those look-ups run in one read snapshot of the store (store.h), one read
 * transaction instead of one per statement. A grant that only reads
 * (client_credentials) runs inside it too; the others write (codes,
 * refresh tokens, device codes, lockout counters, the sign-in log) and run
 * after it has ended.
 */
#include "oauth/oauth.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "oauth/oauth_priv.h"
#include "oauth/token_grants.h"
#include "store/store.h"

enum tenant_rule {
    TENANT_FROM_VALUE, /* multi-tenant path: the tenant the presented value carries */
    TENANT_REQUIRED,   /* multi-tenant path: AADSTS90002 */
    TENANT_NOT_COMMON, /* multi-tenant path: AADSTS9001023 */
};

struct grant {
    const char *name;
    int (*run)(struct atrium_token_ctx *t, json_t **ret, struct atrium_oauth_error *e);
    enum tenant_rule rule;
    const char *params[4]; /* required parameters, NULL-terminated */
};

static const struct grant grants[] = {
    {"authorization_code",
     atrium_grant_authorization_code,
     TENANT_FROM_VALUE,
     {"code", "redirect_uri", NULL}},
    {"refresh_token", atrium_grant_refresh_token, TENANT_FROM_VALUE, {"refresh_token", NULL}},
    {"client_credentials", atrium_grant_client_credentials, TENANT_REQUIRED, {"scope", NULL}},
    {"password", atrium_grant_password, TENANT_NOT_COMMON, {"username", "password", "scope", NULL}},
    {"device_code", atrium_grant_device_code, TENANT_FROM_VALUE, {"device_code", NULL}},
    {"urn:ietf:params:oauth:grant-type:device_code",
     atrium_grant_device_code,
     TENANT_FROM_VALUE,
     {"device_code", NULL}},
};

static const char *param(const struct atrium_token_request *req, const char *name)
{
    if (strcmp(name, "code") == 0)
        return req->code;
    if (strcmp(name, "redirect_uri") == 0)
        return req->redirect_uri;
    if (strcmp(name, "refresh_token") == 0)
        return req->refresh_token;
    if (strcmp(name, "scope") == 0)
        return req->scope;
    if (strcmp(name, "username") == 0)
        return req->username;
    if (strcmp(name, "password") == 0)
        return req->password;
    if (strcmp(name, "device_code") == 0)
        return req->device_code;
    return NULL;
}

static const struct grant *find_grant(const char *name)
{
    for (size_t i = 0; i < sizeof(grants) / sizeof(grants[0]); i++)
        if (strcmp(grants[i].name, name) == 0)
            return &grants[i];
    return NULL;
}

/* A grant that writes nothing (app-only tokens), so it may run inside the read snapshot. */
static bool read_only(const struct grant *g)
{
    return g->run == atrium_grant_client_credentials;
}

/* The value a multi-tenant request presents, whose tenant it names. */
static const char *tenant_value(const struct atrium_token_request *req, const struct grant *g)
{
    if (g->run == atrium_grant_authorization_code)
        return req->code;
    if (g->run == atrium_grant_refresh_token)
        return req->refresh_token;
    return req->device_code;
}

static int multi_tenant(const struct atrium_token_request *req, const struct grant *g,
                        char tenant_id[ATRIUM_UUID_LEN + 1], struct atrium_oauth_error *e)
{
    char shown[40];
    const char *segment = atrium_oauth_printable(req->tenant_segment, shown, sizeof(shown));
    switch (g->rule) {
    case TENANT_REQUIRED:
        return atrium_oauth_fail(e, ATRIUM_EINVAL, "invalid_request", 90002, 400,
                                 "Tenant '%s' not found. The %s grant needs a tenant-specific "
                                 "endpoint (tenant id or domain).",
                                 segment, g->name);
    case TENANT_NOT_COMMON:
        return atrium_oauth_fail(e, ATRIUM_EINVAL, "invalid_request", 9001023, 400,
                                 "The grant type '%s' is not supported over the /%s endpoint. "
                                 "Use a tenant-specific endpoint.",
                                 g->name, segment);
    case TENANT_FROM_VALUE:
        if (atrium_oauth_opaque_tenant(tenant_value(req, g), tenant_id) == 0)
            return 0;
        return atrium_oauth_fail(e, ATRIUM_EINVAL, "invalid_grant", 9002313, 400,
                                 "Invalid request. The presented grant is malformed or invalid.");
    }
    return ATRIUM_EINTERNAL;
}

static int resolve_tenant(struct atrium_store *s, const struct atrium_token_request *req,
                          const struct grant *g, char tenant_id[ATRIUM_UUID_LEN + 1],
                          struct atrium_oauth_error *e)
{
    struct atrium_tenant t = {0};
    bool multi = false;
    int rc = atrium_oauth_tenant(s, req->tenant_segment, &t, &multi, e);
    if (rc == 0 && !multi)
        snprintf(tenant_id, ATRIUM_UUID_LEN + 1, "%s", t.id);
    atrium_tenant_release(&t);
    if (rc < 0 && e && e->aadsts == 90002)
        e->error = "invalid_request"; /* the token endpoint's spelling of an unknown tenant */
    if (rc == 0 && multi)
        rc = multi_tenant(req, g, tenant_id, e);
    return rc;
}

static int check_request(const struct atrium_token_request *req, const struct grant **ret_grant,
                         struct atrium_oauth_error *e)
{
    char shown[80];
    if (!req->grant_type || !*req->grant_type)
        return atrium_oauth_fail_missing(e, "grant_type");
    const struct grant *g = find_grant(req->grant_type);
    if (!g)
        return atrium_oauth_fail(e, ATRIUM_EINVAL, "unsupported_grant_type", 70003, 400,
                                 "The app requested an unsupported grant type '%s'.",
                                 atrium_oauth_printable(req->grant_type, shown, sizeof(shown)));
    if (!req->client_id || !*req->client_id)
        return atrium_oauth_fail_missing(e, "client_id");
    for (const char *const *p = g->params; *p; p++) {
        const char *v = param(req, *p);
        if (!v || !*v)
            return atrium_oauth_fail_missing(e, *p);
    }
    *ret_grant = g;
    return 0;
}

/* The tenant, the client and its authentication, into t. */
static int common_steps(struct atrium_token_ctx *t, const struct grant *g,
                        struct atrium_oauth_error *e)
{
    const struct atrium_token_request *req = t->req;
    int rc = resolve_tenant(t->s, req, g, t->tenant_id, e);
    if (rc < 0 ||
        (rc = atrium_oauth_client_find(t->s, t->tenant_id, req->client_id, &t->client, e)) < 0)
        return rc;
    rc = atrium_oauth_client_authenticate(t->o, &t->client, req->client_secret, e);
    t->authenticated = rc == 0 && !t->client.is_public;
    return rc;
}

int atrium_oauth_token(struct atrium_store *s, const struct atrium_oauth *o,
                       const struct atrium_token_request *req, json_t **ret,
                       struct atrium_oauth_error *e)
{
    const struct grant *g = NULL;
    struct atrium_token_ctx t = {.s = s, .o = o, .req = req};
    int rc = check_request(req, &g, e);
    if (rc < 0)
        return rc;
    if ((rc = atrium_store_begin_read(s)) < 0)
        return atrium_oauth_fail_store(e, rc);
    rc = common_steps(&t, g, e);
    /* end_read cannot lose anything of a snapshot that read only; it is harmless twice. */
    if (!read_only(g))
        atrium_store_end_read(s);
    if (rc == 0)
        rc = g->run(&t, ret, e);
    atrium_store_end_read(s);
    atrium_oauth_client_release(&t.client);
    return rc;
}
