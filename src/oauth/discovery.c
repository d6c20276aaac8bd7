/* SPDX-License-Identifier: MIT */
/*
 * Tenants as the protocol names them ({tenant} path segment), issuers, the
 * v2.0 OpenID Connect discovery document and the JWKS, in Entra's shape.
 */
#include "oauth/oauth.h"

#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "crypto/keyring.h"
#include "oauth/oauth_priv.h"

#define TENANT_TEMPLATE "{tenantid}"

static bool is_multi_segment(const char *segment)
{
    return atrium_str_ieq(segment, "organizations") || atrium_str_ieq(segment, "common");
}

int atrium_oauth_tenant(struct atrium_store *s, const char *segment, struct atrium_tenant *ret,
                        bool *ret_multi, struct atrium_oauth_error *e)
{
    char shown[80];
    *ret_multi = false;
    if (segment && is_multi_segment(segment)) {
        *ret_multi = true;
        return 0;
    }
    int rc = atrium_store_tenant_resolve(s, segment, ret);
    if (rc == ATRIUM_ENOTFOUND)
        return atrium_oauth_fail(
            e, rc, "invalid_tenant", 90002, 400,
            "Tenant '%s' not found. Check to make sure you have the correct tenant ID and are "
            "signing into the correct cloud.",
            atrium_oauth_printable(segment, shown, sizeof(shown)));
    if (rc < 0)
        return atrium_oauth_fail_store(e, rc);
    return 0;
}

char *atrium_oauth_issuer(const struct atrium_oauth *o, const char *tenant_id)
{
    return xasprintf("%s/%s/v2.0", o->cfg.public_url, tenant_id);
}

/* "host[:port]" of the public URL, for the Entra-specific host fields. */
static char *public_host(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    return xstrndup(p, strcspn(p, "/"));
}

static json_t *string_array(const char *const *items)
{
    json_t *a = json_array();
    for (; *items; items++)
        json_array_append_new(a, json_string(*items));
    return a;
}

static void set_endpoint(json_t *doc, const char *key, const char *base, const char *path)
{
    char *url = xasprintf("%s%s", base, path);
    json_object_set_new(doc, key, json_string(url));
    free(url);
}

static void add_static_fields(json_t *doc)
{
    static const char *const auth_methods[] = {"client_secret_post", "client_secret_basic", NULL};
    static const char *const modes[] = {"query", "fragment", "form_post", NULL};
    static const char *const subjects[] = {"pairwise", NULL};
    static const char *const algs[] = {"RS256", NULL};
    static const char *const response_types[] = {"code", NULL};
    static const char *const scopes[] = {"openid", "profile", "email", "offline_access", NULL};
    static const char *const grants[] = {"authorization_code",
                                         "refresh_token",
                                         "client_credentials",
                                         "password",
                                         "device_code",
                                         "urn:ietf:params:oauth:grant-type:device_code",
                                         NULL};
    static const char *const pkce[] = {"S256", NULL};

    json_object_set_new(doc, "token_endpoint_auth_methods_supported", string_array(auth_methods));
    json_object_set_new(doc, "response_modes_supported", string_array(modes));
    json_object_set_new(doc, "subject_types_supported", string_array(subjects));
    json_object_set_new(doc, "id_token_signing_alg_values_supported", string_array(algs));
    json_object_set_new(doc, "response_types_supported", string_array(response_types));
    json_object_set_new(doc, "scopes_supported", string_array(scopes));
    json_object_set_new(doc, "grant_types_supported", string_array(grants));
    json_object_set_new(doc, "code_challenge_methods_supported", string_array(pkce));
}

static json_t *claims_supported(void)
{
    static const char *const claims[] = {"sub",
                                         "iss",
                                         "cloud_instance_name",
                                         "cloud_instance_host_name",
                                         "cloud_graph_host_name",
                                         "msgraph_host",
                                         "aud",
                                         "exp",
                                         "iat",
                                         "auth_time",
                                         "acr",
                                         "nonce",
                                         "preferred_username",
                                         "name",
                                         "tid",
                                         "ver",
                                         "at_hash",
                                         "c_hash",
                                         "email",
                                         NULL};
    return string_array(claims);
}

json_t *atrium_oauth_discovery(const struct atrium_oauth *o, const char *path_segment,
                               const char *tenant_id)
{
    const char *url = o->cfg.public_url;
    /* Tenant documents name the GUID everywhere; alias documents keep the alias in the paths. */
    const char *named = tenant_id ? tenant_id : path_segment ? path_segment : "common";
    char *segment = atrium_str_lower(xstrdup(named));
    char *base = xasprintf("%s/%s", url, segment);
    char *issuer = atrium_oauth_issuer(o, tenant_id ? tenant_id : TENANT_TEMPLATE);
    char *host = public_host(url);
    json_t *doc = json_object();

    set_endpoint(doc, "token_endpoint", base, "/oauth2/v2.0/token");
    set_endpoint(doc, "jwks_uri", base, "/discovery/v2.0/keys");
    add_static_fields(doc);
    json_object_set_new(doc, "issuer", json_string(issuer));
    json_object_set_new(doc, "request_uri_parameter_supported", json_false());
    /* Every authorization response carries iss (RFC 9207). */
    json_object_set_new(doc, "authorization_response_iss_parameter_supported", json_true());
    set_endpoint(doc, "userinfo_endpoint", url, "/oidc/userinfo");
    set_endpoint(doc, "authorization_endpoint", base, "/oauth2/v2.0/authorize");
    set_endpoint(doc, "device_authorization_endpoint", base, "/oauth2/v2.0/devicecode");
    json_object_set_new(doc, "http_logout_supported", json_true());
    json_object_set_new(doc, "frontchannel_logout_supported", json_true());
    set_endpoint(doc, "end_session_endpoint", base, "/oauth2/v2.0/logout");
    json_object_set_new(doc, "claims_supported", claims_supported());
    set_endpoint(doc, "kerberos_endpoint", base, "/kerberos");
    json_object_set_new(doc, "tenant_region_scope", tenant_id ? json_string("WW") : json_null());
    json_object_set_new(doc, "cloud_instance_name", json_string(host));
    json_object_set_new(doc, "cloud_graph_host_name", json_string(host));
    json_object_set_new(doc, "msgraph_host", json_string(host));
    json_object_set_new(doc, "rbac_url", json_string(url));
    free(host);
    free(issuer);
    free(base);
    free(segment);
    return doc;
}

int atrium_oauth_jwks(const struct atrium_oauth *o, const char *tenant_id, json_t **ret)
{
    char *issuer = atrium_oauth_issuer(o, tenant_id ? tenant_id : TENANT_TEMPLATE);
    int rc = atrium_keyring_jwks(o->keyring, issuer, ret);
    free(issuer);
    return rc;
}
