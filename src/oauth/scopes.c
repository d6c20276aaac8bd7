/* SPDX-License-Identifier: MIT */
/*
 * The scope parameter: parsing (OIDC scopes, "<resource>/<value>" and bare
 * directory API scopes), the one-resource rule, consent for delegated
 * requests, what a request asks the user to consent to, application
 * permissions for app-only requests, and the token response's "scope".
 */
#include "oauth/oauth.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "model/builtin_apps.h"
#include "oauth/oauth_priv.h"
#include "oauth/resource.h"

#define SCOPE_MAX_LEN 4096
#define SCOPE_MAX_ITEMS 64
#define DOT_DEFAULT ".default"

/* One resource scope as written: "<resource>/<value>", or a bare value (resource NULL). */
struct scope_item {
    char *resource;
    char *value;
};

struct parsed_scope {
    bool openid, profile, email, offline_access;
    struct scope_item items[SCOPE_MAX_ITEMS];
    size_t count;
};

bool atrium_oauth_is_oidc_scope(const char *value)
{
    return atrium_str_ieq(value, "openid") || atrium_str_ieq(value, "profile") ||
           atrium_str_ieq(value, "email") || atrium_str_ieq(value, "offline_access");
}

void atrium_oauth_scopes_release(struct atrium_oauth_scopes *sc)
{
    if (!sc)
        return;
    free(sc->resource_uri);
    free(sc->granted);
    json_decref(sc->roles);
    memset(sc, 0, sizeof(*sc));
}

static void parsed_release(struct parsed_scope *p)
{
    for (size_t i = 0; i < p->count; i++) {
        free(p->items[i].resource);
        free(p->items[i].value);
    }
    memset(p, 0, sizeof(*p));
}

static int invalid_scope(struct atrium_oauth_error *e, const char *scope, const char *why)
{
    char shown[120];
    return atrium_oauth_fail(e, ATRIUM_EINVAL, "invalid_scope", 70011, 400,
                             "The provided value for the input parameter 'scope' is not valid. "
                             "The scope '%s' is not valid. %s",
                             atrium_oauth_printable(scope, shown, sizeof(shown)), why);
}

/*
 * Split a token into resource and value. URIs split at the last '/' (after
 * the "scheme://"), appIds at their '/', anything else is a bare directory
 * API scope. false when the token is malformed.
 */
static bool split_item(const char *tok, struct scope_item *ret)
{
    const char *scheme = strstr(tok, "://");
    const char *slash = strrchr(tok, '/');
    const char *first = strchr(tok, '/');
    if (scheme) {
        if (!slash || slash <= scheme + 2 || !slash[1] || slash == scheme + 3)
            return false;
        ret->resource = xstrndup(tok, (size_t)(slash - tok));
        size_t n = strlen(ret->resource);
        if (n && ret->resource[n - 1] == '/')
            ret->resource[n - 1] = '\0';
        ret->value = xstrdup(slash + 1);
        return true;
    }
    if (!first) {
        ret->value = xstrdup(tok);
        return true;
    }
    if (first - tok != ATRIUM_UUID_LEN || !first[1] || strchr(first + 1, '/'))
        return false;
    ret->resource = xstrndup(tok, ATRIUM_UUID_LEN);
    if (!atrium_uuid_is_valid(ret->resource)) {
        ret->resource = xfree(ret->resource);
        return false;
    }
    ret->value = xstrdup(first + 1);
    return true;
}

static void set_oidc_flag(struct parsed_scope *p, const char *tok)
{
    if (atrium_str_ieq(tok, "openid"))
        p->openid = true;
    else if (atrium_str_ieq(tok, "profile"))
        p->profile = true;
    else if (atrium_str_ieq(tok, "email"))
        p->email = true;
    else
        p->offline_access = true;
}

static bool same_resource(const char *a, const char *b)
{
    if (atrium_oauth_resource_is_graph(a) || atrium_oauth_resource_is_graph(b))
        return atrium_oauth_resource_is_graph(a) && atrium_oauth_resource_is_graph(b);
    return atrium_str_ieq(a, b);
}

/* Parse; every resource scope must name the same resource, and ".default" stands alone. */
static int parse_scope(const char *scope, struct parsed_scope *p, struct atrium_oauth_error *e)
{
    memset(p, 0, sizeof(*p));
    if (!scope)
        scope = "";
    if (strlen(scope) > SCOPE_MAX_LEN || !atrium_str_is_clean_utf8(scope))
        return invalid_scope(e, "", "The scope parameter is malformed.");
    char *copy = xstrdup(scope);
    char *save = NULL;
    int rc = 0;
    for (char *tok = strtok_r(copy, " ", &save); tok && rc == 0; tok = strtok_r(NULL, " ", &save)) {
        if (atrium_oauth_is_oidc_scope(tok)) {
            set_oidc_flag(p, tok);
            continue;
        }
        if (p->count == SCOPE_MAX_ITEMS)
            rc = invalid_scope(e, tok, "Too many scopes.");
        else if (!split_item(tok, &p->items[p->count]))
            rc = invalid_scope(e, tok, "The scope is malformed.");
        else if (++p->count > 1 &&
                 !same_resource(p->items[0].resource, p->items[p->count - 1].resource))
            rc = invalid_scope(e, scope, "Scopes for more than one resource were requested.");
    }
    for (size_t i = 0; rc == 0 && i < p->count; i++)
        if (p->count > 1 && strcmp(p->items[i].value, DOT_DEFAULT) == 0)
            rc = invalid_scope(e, scope, "'.default' cannot be combined with other scopes.");
    free(copy);
    if (rc < 0)
        parsed_release(p);
    return rc;
}

static char *join(const json_t *set)
{
    struct atrium_buf b;
    size_t i;
    json_t *v;
    atrium_buf_init(&b, SIZE_MAX / 2);
    json_array_foreach(set, i, v)
    {
        if (b.len)
            atrium_buf_puts(&b, " ");
        atrium_buf_puts(&b, json_string_value(v));
    }
    char *out = atrium_buf_take(&b);
    atrium_buf_release(&b);
    return out;
}

static int consent_required(struct atrium_oauth_error *e, const struct atrium_oauth_client *c,
                            const char *value)
{
    char shown[80];
    int rc = atrium_oauth_fail(
        e, ATRIUM_EFORBIDDEN, "invalid_grant", 65001, 400,
        "The user or administrator has not consented to use the application with ID '%s' named "
        "'%s' for the scope '%s'. Send an interactive authorization request for this user and "
        "resource.",
        c->app_id, c->display_name ? c->display_name : "",
        atrium_oauth_printable(value, shown, sizeof(shown)));
    if (e)
        e->suberror = "consent_required";
    return rc;
}

/* Delegated: the consented subset of what was asked (".default": all consented). */
static int resolve_delegated(struct atrium_store *s, const char *tenant_id,
                             const struct atrium_oauth_client *c, const struct parsed_scope *p,
                             const struct atrium_oauth_resource *r, const char *user_id,
                             json_t *granted, struct atrium_oauth_error *e)
{
    json_t *consented = NULL;
    /* Another tenant's app not used here yet: its principal comes with the first consent. */
    if (!c->is_first_party && !c->sp_id[0])
        return consent_required(e, c, p->count ? p->items[0].value : "openid");
    int rc = atrium_oauth_resource_consented(s, tenant_id, c, r, user_id, &consented, e);
    if (rc < 0)
        return rc;
    if (p->count == 0) {
        /* Only OIDC scopes: a directory API token, with User.Read when consented. */
        if (atrium_oauth_set_has(consented, "User.Read"))
            atrium_oauth_set_add(granted, "User.Read");
    } else if (strcmp(p->items[0].value, DOT_DEFAULT) == 0) {
        json_array_extend(granted, consented);
    }
    for (size_t i = 0; rc == 0 && i < p->count; i++) {
        if (strcmp(p->items[i].value, DOT_DEFAULT) == 0)
            continue;
        const char *value = atrium_oauth_resource_scope(r, p->items[i].value);
        if (!value)
            rc = invalid_scope(e, p->items[i].value, "The scope does not exist on the resource.");
        else if (!atrium_oauth_set_has(consented, value))
            rc = consent_required(e, c, value);
        else
            atrium_oauth_set_add(granted, value);
    }
    json_decref(consented);
    /* Directory API tokens also carry the OIDC scopes in scp, as Entra's. */
    if (rc == 0 && r->graph) {
        if (p->openid)
            atrium_oauth_set_add(granted, "openid");
        if (p->profile)
            atrium_oauth_set_add(granted, "profile");
        if (p->email)
            atrium_oauth_set_add(granted, "email");
    }
    return rc;
}

static int check_app_only(const struct parsed_scope *p, const char *scope,
                          struct atrium_oauth_error *e)
{
    if (p->count == 1 && strcmp(p->items[0].value, DOT_DEFAULT) == 0 && !p->openid && !p->profile &&
        !p->email && !p->offline_access)
        return 0;
    return invalid_scope(e, scope,
                         "The scope for client credentials must be the resource identifier "
                         "followed by '/.default'.");
}

static void fill_result(struct atrium_oauth_scopes *ret, const struct parsed_scope *p,
                        struct atrium_oauth_resource *r, json_t *granted, json_t *roles)
{
    ret->openid = p->openid;
    ret->profile = p->profile;
    ret->email = p->email;
    ret->offline_access = p->offline_access;
    ret->dot_default = p->count == 1 && strcmp(p->items[0].value, DOT_DEFAULT) == 0;
    if (p->count > 0)
        memcpy(ret->resource_app_id, r->app_id, sizeof(ret->resource_app_id));
    ret->resource_uri = TAKE_PTR(r->uri);
    ret->granted = join(granted);
    ret->roles = json_incref(roles);
}

int atrium_oauth_scopes_resolve(struct atrium_store *s, const char *tenant_id,
                                const struct atrium_oauth_client *c, const char *scope,
                                bool app_only, const char *user_id, struct atrium_oauth_scopes *ret,
                                struct atrium_oauth_error *e)
{
    struct parsed_scope p;
    struct atrium_oauth_resource r = {0};
    json_t *granted = json_array(), *roles = NULL;

    memset(ret, 0, sizeof(*ret));
    int rc = parse_scope(scope, &p, e);
    if (rc < 0) {
        json_decref(granted);
        return rc;
    }
    if (app_only)
        rc = check_app_only(&p, scope, e);
    if (rc == 0)
        rc = atrium_oauth_resource_find(s, tenant_id, p.count ? p.items[0].resource : NULL, &r, e);
    if (rc == 0 && app_only)
        rc = atrium_oauth_resource_roles(s, tenant_id, c->sp_id, &r, &roles, e);
    else if (rc == 0)
        rc = resolve_delegated(s, tenant_id, c, &p, &r, user_id, granted, e);
    /* Delegated tokens for custom APIs carry the app roles assigned to the user. */
    if (rc == 0 && !app_only && !r.graph && user_id)
        rc = atrium_oauth_resource_roles(s, tenant_id, user_id, &r, &roles, e);
    if (rc == 0 && !roles)
        roles = json_array();
    if (rc == 0)
        fill_result(ret, &p, &r, granted, roles);
    json_decref(granted);
    json_decref(roles);
    atrium_oauth_resource_release(&r);
    parsed_release(&p);
    return rc;
}

/* The delegated permissions the client's requiredResourceAccess lists for r. */
static void add_required(json_t *values, const struct atrium_oauth_client *c,
                         const struct atrium_oauth_resource *r)
{
    size_t i, j;
    json_t *ra, *access;
    json_array_foreach(json_object_get(c->definition, "requiredResourceAccess"), i, ra)
    {
        if (!atrium_str_ieq(json_string_value(json_object_get(ra, "resourceAppId")), r->app_id))
            continue;
        json_array_foreach(json_object_get(ra, "resourceAccess"), j, access)
        {
            const char *type = json_string_value(json_object_get(access, "type"));
            const char *id = json_string_value(json_object_get(access, "id"));
            if (atrium_str_ieq(type, "Scope"))
                atrium_oauth_set_add(values, atrium_oauth_resource_scope_by_id(r, id));
        }
    }
}

static int requested_values(const struct parsed_scope *p, const struct atrium_oauth_client *c,
                            const struct atrium_oauth_resource *r, json_t *values,
                            struct atrium_oauth_error *e)
{
    for (size_t i = 0; i < p->count; i++) {
        if (strcmp(p->items[i].value, DOT_DEFAULT) == 0) {
            add_required(values, c, r);
            continue;
        }
        const char *value = atrium_oauth_resource_scope(r, p->items[i].value);
        if (!value)
            return invalid_scope(e, p->items[i].value, "The scope does not exist on the resource.");
        atrium_oauth_set_add(values, value);
    }
    if (r->graph) {
        static const char *const oidc[] = {"openid", "profile", "email", "offline_access"};
        const bool asked[] = {p->openid, p->profile, p->email, p->offline_access};
        for (size_t i = 0; i < sizeof(oidc) / sizeof(oidc[0]); i++)
            if (asked[i])
                atrium_oauth_set_add(values, oidc[i]);
    }
    return 0;
}

int atrium_oauth_scopes_requested(struct atrium_store *s, const char *tenant_id,
                                  const struct atrium_oauth_client *c, const char *scope,
                                  struct atrium_oauth_resource *ret_resource, json_t **ret_values,
                                  struct atrium_oauth_error *e)
{
    struct parsed_scope p;
    *ret_values = NULL;
    memset(ret_resource, 0, sizeof(*ret_resource));
    int rc = parse_scope(scope, &p, e);
    if (rc < 0)
        return rc;
    json_t *values = json_array();
    rc = atrium_oauth_resource_find(s, tenant_id, p.count ? p.items[0].resource : NULL,
                                    ret_resource, e);
    if (rc == 0)
        rc = requested_values(&p, c, ret_resource, values, e);
    if (rc == 0)
        *ret_values = json_incref(values);
    else
        atrium_oauth_resource_release(ret_resource);
    json_decref(values);
    parsed_release(&p);
    return rc;
}

/* Append tok to b unless b already holds it as a whole word. */
static void add_word(struct atrium_buf *b, const char *tok)
{
    size_t n = strlen(tok);
    for (const char *p = b->buf; (p = strstr(p, tok)); p += n)
        if ((p == b->buf || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return;
    if (b->len)
        atrium_buf_puts(b, " ");
    atrium_buf_puts(b, tok);
}

static bool granted_has(const char *granted, const char *value)
{
    char *copy = xstrdup(granted ? granted : "");
    char *save = NULL;
    bool found = false;
    for (char *v = strtok_r(copy, " ", &save); v && !found; v = strtok_r(NULL, " ", &save))
        found = atrium_str_ieq(v, value);
    free(copy);
    return found;
}

char *atrium_oauth_scopes_response(const struct atrium_oauth_scopes *sc, const char *requested)
{
    struct atrium_buf b;
    char *copy = xstrdup(requested ? requested : "");
    char *save = NULL;
    bool resource_asked = false;
    atrium_buf_init(&b, SIZE_MAX / 2);
    for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        if (atrium_oauth_is_oidc_scope(tok)) {
            atrium_str_lower(tok);
            add_word(&b, tok);
            continue;
        }
        resource_asked = true;
        const char *slash = strrchr(tok, '/');
        const char *value = slash ? slash + 1 : tok;
        if (strcmp(value, DOT_DEFAULT) == 0 || granted_has(sc->granted, value))
            add_word(&b, tok);
    }
    free(copy);
    if (!resource_asked) {
        /* Only OIDC scopes: name the implied directory API scopes too. */
        char *g = xstrdup(sc->granted ? sc->granted : "");
        for (char *v = strtok_r(g, " ", &save); v; v = strtok_r(NULL, " ", &save))
            if (!atrium_oauth_is_oidc_scope(v))
                add_word(&b, v);
        free(g);
    }
    char *out = atrium_buf_take(&b);
    atrium_buf_release(&b);
    return out;
}
