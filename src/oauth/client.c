/* SPDX-License-Identifier: MIT */
/*
 * Clients as the protocol sees them: the built-in first-party public client,
 * applications of the tenant, and multi-tenant applications of other
 * tenants that have a service principal here. Client authentication with
 * secrets, and redirect URI matching.
 */
#include "oauth/oauth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "crypto/secret.h"
#include "model/builtin_apps.h"
#include "oauth/oauth_priv.h"
#include "store/store_builtin.h"

#define REDIRECT_URI_MAX 2048

void atrium_oauth_client_release(struct atrium_oauth_client *c)
{
    if (!c)
        return;
    free(c->display_name);
    json_decref(c->definition);
    atrium_app_password_list_release(&c->passwords);
    memset(c, 0, sizeof(*c));
}

int atrium_oauth_graph_sp(struct atrium_store *s, const char *tenant_id,
                          struct atrium_service_principal *ret)
{
    if (!s->oauth)
        return ATRIUM_ESTORE;
    int rc = s->oauth->sp_brief_by_app_id(s, tenant_id, ATRIUM_GRAPH_APP_ID, ret);
    if (rc != ATRIUM_ENOTFOUND)
        return rc;
    /* Creating it writes, which a read snapshot refuses: end the caller's, if one is open. */
    atrium_store_end_read(s);
    if ((rc = atrium_store_ensure_builtin_principals(s, tenant_id)) < 0)
        return rc;
    return s->oauth->sp_brief_by_app_id(s, tenant_id, ATRIUM_GRAPH_APP_ID, ret);
}

int atrium_oauth_fail_client_unknown(struct atrium_oauth_error *e, const char *client_id,
                                     const char *tenant_id)
{
    char shown[80];
    return atrium_oauth_fail(
        e, ATRIUM_ENOTFOUND, "unauthorized_client", 700016, 400,
        "Application with identifier '%s' was not found in the directory '%s'. This can happen "
        "if the application has not been installed by the administrator of the tenant or "
        "consented to by any user in the tenant.",
        atrium_oauth_printable(client_id, shown, sizeof(shown)), tenant_id);
}

static int first_party(struct atrium_store *s, const char *tenant_id,
                       struct atrium_oauth_client *ret)
{
    struct atrium_service_principal sp = {0};
    snprintf(ret->app_id, sizeof(ret->app_id), "%s", ATRIUM_FIRST_PARTY_CLIENT_ID);
    ret->display_name = xstrdup(ATRIUM_FIRST_PARTY_CLIENT_NAME);
    ret->is_public = true;
    ret->is_first_party = true;
    ret->multi_tenant = true;
    snprintf(ret->home_tenant_id, sizeof(ret->home_tenant_id), "%s", tenant_id);
    /* Pre-consented: its service principal (when the store has one) is informational. */
    if (s->oauth && atrium_oauth_graph_sp(s, tenant_id, &sp) == 0) {
        atrium_service_principal_release(&sp);
        if (s->oauth->sp_brief_by_app_id(s, tenant_id, ATRIUM_FIRST_PARTY_CLIENT_ID, &sp) == 0)
            snprintf(ret->sp_id, sizeof(ret->sp_id), "%s", sp.id);
        atrium_service_principal_release(&sp);
    }
    return 0;
}

static size_t uri_count(const json_t *def, const char *kind)
{
    return json_array_size(json_object_get(json_object_get(def, kind), "redirectUris"));
}

/*
 * Public or confidential. A client is public when it has no password
 * credential AND either isFallbackPublicClient is true or every redirect URI
 * it registers is a spa or publicClient (native) one. So: an app with any
 * secret is confidential for every grant (it must always authenticate, even
 * if isFallbackPublicClient is set: having a secret means it can keep one);
 * an app with web redirect URIs and no secret is confidential too, and so
 * cannot get tokens until it gets a secret (as Entra's 7000218); an app
 * with no secret and no redirect URI at all is public only when it says so
 * with isFallbackPublicClient.
 */
static bool decide_public(const json_t *def, bool has_secret)
{
    if (has_secret)
        return false;
    if (json_is_true(json_object_get(def, "isFallbackPublicClient")))
        return true;
    size_t native = uri_count(def, "spa") + uri_count(def, "publicClient");
    return uri_count(def, "web") == 0 && native > 0;
}

/*
 * The client's service principal in tenant_id into ret->sp_id. With
 * interactive, another tenant's app without one yet is let through (sp_id
 * ""): the user's consent creates it.
 */
static int app_principal(struct atrium_store *s, const char *tenant_id,
                         const struct atrium_application *app, bool interactive,
                         struct atrium_oauth_client *ret, struct atrium_oauth_error *e)
{
    struct atrium_service_principal sp = {0};
    int rc = s->oauth->sp_brief_by_app_id(s, tenant_id, app->app_id, &sp);
    if (rc == ATRIUM_ENOTFOUND && interactive && strcmp(app->tenant_id, tenant_id) != 0)
        return 0;
    if (rc == ATRIUM_ENOTFOUND)
        return atrium_oauth_fail_client_unknown(e, app->app_id, tenant_id);
    if (rc < 0)
        return atrium_oauth_fail_store(e, rc);
    bool enabled = sp.account_enabled;
    snprintf(ret->sp_id, sizeof(ret->sp_id), "%s", sp.id);
    atrium_service_principal_release(&sp);
    if (!enabled)
        return atrium_oauth_fail(e, ATRIUM_EFORBIDDEN, "unauthorized_client", 7000112, 400,
                                 "Application '%s' is disabled.", app->app_id);
    return 0;
}

static int app_client(struct atrium_store *s, const char *tenant_id,
                      const struct atrium_application *app, bool interactive,
                      struct atrium_oauth_client *ret, struct atrium_oauth_error *e)
{
    int rc = app_principal(s, tenant_id, app, interactive, ret, e);
    if (rc < 0)
        return rc;
    /* Kept for client_authenticate, which would otherwise read them again. */
    if ((rc = s->oauth->app_password_list(s, app->tenant_id, app->id, &ret->passwords)) < 0)
        return atrium_oauth_fail_store(e, rc);
    bool has_secret = ret->passwords.count > 0;

    snprintf(ret->app_id, sizeof(ret->app_id), "%s", app->app_id);
    snprintf(ret->home_tenant_id, sizeof(ret->home_tenant_id), "%s", app->tenant_id);
    snprintf(ret->application_object_id, sizeof(ret->application_object_id), "%s", app->id);
    ret->display_name = xstrdup(app->display_name ? app->display_name : "");
    ret->multi_tenant = app->sign_in_audience &&
                        strcmp(app->sign_in_audience, ATRIUM_SIGN_IN_AUDIENCE_MULTI_ORG) == 0;
    ret->definition = app->definition ? json_loads(app->definition, 0, NULL) : NULL;
    if (!json_is_object(ret->definition)) {
        json_decref(ret->definition);
        ret->definition = json_object();
    }
    ret->is_public = decide_public(ret->definition, has_secret);
    return 0;
}

static int client_find(struct atrium_store *s, const char *tenant_id, const char *client_id,
                       bool interactive, struct atrium_oauth_client *ret,
                       struct atrium_oauth_error *e)
{
    struct atrium_application app = {0};
    char id[ATRIUM_UUID_LEN + 1];

    memset(ret, 0, sizeof(*ret));
    if (!client_id || !atrium_uuid_is_valid(client_id))
        return atrium_oauth_fail_client_unknown(e, client_id ? client_id : "", tenant_id);
    memcpy(id, client_id, sizeof(id));
    atrium_str_lower(id);
    if (strcmp(id, ATRIUM_FIRST_PARTY_CLIENT_ID) == 0)
        return first_party(s, tenant_id, ret);
    if (!s->oauth)
        return atrium_oauth_fail_store(e, ATRIUM_ESTORE);
    int rc = s->oauth->app_get_by_app_id(s, tenant_id, id, &app);
    if (rc == ATRIUM_ENOTFOUND) {
        /* Another tenant's app: only a multi-tenant one, and only with a principal here. */
        rc = s->oauth->app_find_global(s, id, &app);
        if (rc == 0 && (!app.sign_in_audience ||
                        strcmp(app.sign_in_audience, ATRIUM_SIGN_IN_AUDIENCE_MULTI_ORG) != 0))
            rc = ATRIUM_ENOTFOUND;
    }
    if (rc == 0)
        rc = app_client(s, tenant_id, &app, interactive, ret, e);
    else if (rc == ATRIUM_ENOTFOUND)
        atrium_oauth_fail_client_unknown(e, id, tenant_id);
    else
        atrium_oauth_fail_store(e, rc);
    atrium_application_release(&app);
    if (rc < 0)
        atrium_oauth_client_release(ret);
    return rc;
}

int atrium_oauth_client_find(struct atrium_store *s, const char *tenant_id, const char *client_id,
                             struct atrium_oauth_client *ret, struct atrium_oauth_error *e)
{
    return client_find(s, tenant_id, client_id, false, ret, e);
}

int atrium_oauth_client_find_interactive(struct atrium_store *s, const char *tenant_id,
                                         const char *client_id, struct atrium_oauth_client *ret,
                                         struct atrium_oauth_error *e)
{
    return client_find(s, tenant_id, client_id, true, ret, e);
}

/* Check presented against every secret of the client; *ret_expired when only an expired one
 * matched. */
static void secret_matches(const struct atrium_oauth *o, const struct atrium_oauth_client *c,
                           const char *secret, bool *ret_ok, bool *ret_expired)
{
    int64_t now = atrium_now();
    *ret_ok = *ret_expired = false;
    for (size_t i = 0; i < c->passwords.count; i++) {
        bool match = false;
        const struct atrium_app_password *p = &c->passwords.items[i];
        if (!p->secret_hash ||
            atrium_client_secret_verify(o->secrets, p->secret_hash, secret, &match) < 0 || !match)
            continue;
        if ((p->start && now < p->start) || (p->end && now >= p->end))
            *ret_expired = true;
        else
            *ret_ok = true;
    }
}

int atrium_oauth_client_authenticate(const struct atrium_oauth *o,
                                     const struct atrium_oauth_client *c, const char *secret,
                                     struct atrium_oauth_error *e)
{
    bool ok = false, expired = false;
    if (c->is_public) {
        if (secret && *secret)
            return atrium_oauth_fail(e, ATRIUM_EAUTH, "invalid_client", 700025, 401,
                                     "Client is public so neither 'client_assertion' nor "
                                     "'client_secret' should be presented.");
        return 0;
    }
    if (!secret || !*secret)
        return atrium_oauth_fail(e, ATRIUM_EAUTH, "invalid_client", 7000216, 401,
                                 "'client_assertion', 'client_secret' or 'request' is required "
                                 "for the client '%s'.",
                                 c->app_id);
    if (!o->secrets)
        return atrium_oauth_fail_store(e, ATRIUM_ESTORE);
    secret_matches(o, c, secret, &ok, &expired);
    if (ok)
        return 0;
    if (expired)
        return atrium_oauth_fail(e, ATRIUM_EAUTH, "invalid_client", 7000222, 401,
                                 "The provided client secret keys for app '%s' are expired.",
                                 c->app_id);
    return atrium_oauth_fail(e, ATRIUM_EAUTH, "invalid_client", 7000215, 401,
                             "Invalid client secret provided. Ensure the secret being sent in the "
                             "request is the client secret value, not the client secret ID, for "
                             "a secret added to app '%s'.",
                             c->app_id);
}

/*
 * A loopback redirect URI (RFC 8252 §7.3): "http://" + localhost, 127.0.0.1
 * or [::1], an optional port, then nothing, a path or a query. *ret_host and
 * *ret_rest point into uri.
 */
static bool loopback_parts(const char *uri, struct atrium_str *ret_host, const char **ret_rest)
{
    static const char *const hosts[] = {"localhost", "127.0.0.1", "[::1]"};
    if (strncmp(uri, "http://", 7) != 0)
        return false;
    const char *h = uri + 7;
    for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
        size_t n = strlen(hosts[i]);
        if (strncmp(h, hosts[i], n) != 0)
            continue;
        const char *p = h + n;
        if (*p == ':') {
            int64_t port = 0;
            size_t digits = strspn(p + 1, "0123456789");
            char buf[6] = {0};
            if (digits == 0 || digits > 5)
                return false;
            memcpy(buf, p + 1, digits);
            if (atrium_str_to_i64(buf, 1, 65535, &port) < 0)
                return false;
            p += 1 + digits;
        }
        if (*p != '\0' && *p != '/' && *p != '?')
            return false;
        ret_host->ptr = h;
        ret_host->len = n;
        *ret_rest = p;
        return true;
    }
    return false;
}

/* Same loopback host and same path and query; the port may differ. */
static bool loopback_match(const char *registered, const char *requested)
{
    struct atrium_str rh, qh;
    const char *rr = NULL, *qr = NULL;
    return loopback_parts(registered, &rh, &rr) && loopback_parts(requested, &qh, &qr) &&
           rh.len == qh.len && memcmp(rh.ptr, qh.ptr, rh.len) == 0 && strcmp(rr, qr) == 0;
}

static bool list_allows(const json_t *def, const char *kind, const char *uri, bool loopback)
{
    const json_t *list = json_object_get(json_object_get(def, kind), "redirectUris");
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        const char *r = json_string_value(v);
        if (r && (strcmp(r, uri) == 0 || (loopback && loopback_match(r, uri))))
            return true;
    }
    return false;
}

int atrium_oauth_redirect_allowed(const struct atrium_oauth_client *c, const char *redirect_uri,
                                  struct atrium_oauth_error *e)
{
    char shown[120];
    bool ok = false;
    if (redirect_uri && *redirect_uri && strlen(redirect_uri) <= REDIRECT_URI_MAX &&
        !strpbrk(redirect_uri, "#*")) {
        struct atrium_str host;
        const char *rest = NULL;
        if (c->is_first_party)
            ok = loopback_parts(redirect_uri, &host, &rest) && (!*rest || strcmp(rest, "/") == 0);
        else
            ok = list_allows(c->definition, "web", redirect_uri, false) ||
                 list_allows(c->definition, "spa", redirect_uri, false) ||
                 list_allows(c->definition, "publicClient", redirect_uri, true);
    }
    if (ok)
        return 0;
    return atrium_oauth_fail(e, ATRIUM_EINVAL, "invalid_request", 50011, 400,
                             "The redirect URI '%s' specified in the request does not match the "
                             "redirect URIs configured for the application '%s'.",
                             atrium_oauth_printable(redirect_uri, shown, sizeof(shown)), c->app_id);
}
