/* SPDX-License-Identifier: MIT */
/* Realm discovery by domain and its Entra JSON renderings; see realm.h. */
#include "graph/realm.h"

#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "store/store.h"

/* Longest raw input looked at before trimming (a bound on the work done). */
#define RAW_INPUT_MAX 1024

#define SHAPE_MESSAGE                                                                              \
    "Enter a work email address (name@example.com) or a domain name (example.com)."

void atrium_realm_release(struct atrium_realm *r)
{
    if (!r)
        return;
    free(r->login);
    free(r->domain);
    free(r->brand_name);
    free(r->initial_domain);
    memset(r, 0, sizeof(*r));
}

const char *atrium_realm_kind_name(enum atrium_realm_kind kind)
{
    return kind == ATRIUM_REALM_MANAGED ? "Managed" : "Unknown";
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The domain part dom[0..len): lowercase copy without a final dot, validated. */
static int parse_domain(const char *dom, size_t len, char **ret, struct atrium_errinfo *e)
{
    if (len > 0 && dom[len - 1] == '.')
        len--;
    if (len == 0)
        return atrium_err(e, ATRIUM_EINVAL, "login", SHAPE_MESSAGE);
    if (len > ATRIUM_DOMAIN_NAME_MAX)
        return atrium_err(e, ATRIUM_EINVAL, "login",
                          "The domain name is too long: at most %d characters.",
                          ATRIUM_DOMAIN_NAME_MAX);
    char *name = atrium_str_lower(xstrndup(dom, len));
    struct atrium_errinfo why = {0};
    if (atrium_validate_domain_name(name, "The domain", &why) < 0) {
        free(name);
        return atrium_err(e, ATRIUM_EINVAL, "login", "%s", why.message);
    }
    *ret = name;
    return 0;
}

int atrium_realm_parse(const char *input, char **ret_login, char **ret_domain,
                       struct atrium_errinfo *e)
{
    *ret_login = *ret_domain = NULL;
    size_t raw = input ? strnlen(input, RAW_INPUT_MAX + 1) : 0;
    if (raw > RAW_INPUT_MAX)
        return atrium_err(e, ATRIUM_EINVAL, "login",
                          "The login is too long: at most %d characters.", ATRIUM_REALM_INPUT_MAX);
    const char *start = input ? input : "";
    const char *end = start + raw;
    while (start < end && is_blank(*start))
        start++;
    while (end > start && is_blank(end[-1]))
        end--;
    size_t len = (size_t)(end - start);
    if (len == 0)
        return atrium_err(e, ATRIUM_EINVAL, "login", SHAPE_MESSAGE);
    if (len > ATRIUM_REALM_INPUT_MAX)
        return atrium_err(e, ATRIUM_EINVAL, "login",
                          "The login is too long: at most %d characters.", ATRIUM_REALM_INPUT_MAX);
    AUTO_FREE char *login = xstrndup(start, len);
    if (!atrium_str_is_clean_utf8(login))
        return atrium_err(e, ATRIUM_EINVAL, "login",
                          "The login contains characters that are not allowed.");
    const char *at = strchr(login, '@');
    if (at && strchr(at + 1, '@'))
        return atrium_err(e, ATRIUM_EINVAL, "login", SHAPE_MESSAGE);
    if (at && (at == login || (size_t)(at - login) > ATRIUM_REALM_LOCAL_MAX ||
               memchr(login, ' ', (size_t)(at - login))))
        return atrium_err(e, ATRIUM_EINVAL, "login", SHAPE_MESSAGE);
    const char *dom = at ? at + 1 : login;
    int rc = parse_domain(dom, strlen(dom), ret_domain, e);
    if (rc < 0)
        return rc;
    *ret_login = TAKE_PTR(login);
    return 0;
}

int atrium_realm_lookup(struct atrium_store *s, const char *input, struct atrium_realm *ret,
                        struct atrium_errinfo *e)
{
    memset(ret, 0, sizeof(*ret));
    int rc = atrium_realm_parse(input, &ret->login, &ret->domain, e);
    if (rc < 0)
        return rc;
    /* Verified domains only; an initial domain is always verified. */
    struct atrium_domain d = {0};
    rc = s->ops->domain_find_verified(s, ret->domain, &d);
    struct atrium_tenant t = {0};
    if (rc == 0 && (d.is_verified || d.is_initial))
        rc = s->ops->tenant_get(s, d.tenant_id, &t);
    else if (rc == 0)
        rc = ATRIUM_ENOTFOUND;
    atrium_domain_release(&d);
    if (rc == ATRIUM_ENOTFOUND)
        return 0; /* unknown */
    if (rc < 0)
        return atrium_err(e, rc == ATRIUM_EBUSY ? rc : ATRIUM_ESTORE, "",
                          "The directory is unavailable; try again later.");
    ret->kind = ATRIUM_REALM_MANAGED;
    memcpy(ret->tenant_id, t.id, sizeof(ret->tenant_id));
    ret->brand_name = TAKE_PTR(t.display_name);
    ret->initial_domain = TAKE_PTR(t.initial_domain);
    atrium_tenant_release(&t);
    return 0;
}

int atrium_realm_api_parse(const char *version, enum atrium_realm_api *ret,
                           struct atrium_errinfo *e)
{
    if (!version || strcmp(version, "1.0") == 0) {
        *ret = ATRIUM_REALM_API_1;
        return 0;
    }
    if (strcmp(version, "2.0") == 0 || strcmp(version, "2.1") == 0) {
        *ret = ATRIUM_REALM_API_2;
        return 0;
    }
    return atrium_err(e, ATRIUM_EINVAL, "api-version", "The api-version must be 1.0, 2.0 or 2.1.");
}

char *atrium_realm_cloud_instance(const char *public_url)
{
    const char *p = public_url ? public_url : "";
    const char *scheme = strstr(p, "://");
    p = scheme ? scheme + 3 : p;
    return xstrndup(p, strcspn(p, "/"));
}

json_t *atrium_realm_userrealm_json(const struct atrium_realm *r, enum atrium_realm_api api,
                                    const char *cloud_instance)
{
    const char *kind = atrium_realm_kind_name(r->kind);
    bool managed = r->kind == ATRIUM_REALM_MANAGED;
    if (api == ATRIUM_REALM_API_1)
        return json_pack("{s:s, s:s, s:s, s:s, s:s}", "ver", "1.0", "account_type", kind,
                         "domain_name", r->domain, "cloud_instance_name", cloud_instance,
                         "cloud_audience_urn", ATRIUM_REALM_AUDIENCE_URN);
    return json_pack("{s:s, s:s, s:s, s:s?, s:n, s:s}", "NameSpaceType", kind, "Login", r->login,
                     "DomainName", r->domain, "FederationBrandName", managed ? r->brand_name : NULL,
                     "TenantBrandingInfo", "cloud_instance_name", cloud_instance);
}

json_t *atrium_realm_srf_json(const struct atrium_realm *r, const char *cloud_instance)
{
    json_t *doc = json_pack("{s:i, s:i, s:s, s:s}", "State", 4, "UserState", 1, "Login", r->login,
                            "NameSpaceType", atrium_realm_kind_name(r->kind));
    if (!doc || r->kind != ATRIUM_REALM_MANAGED)
        return doc;
    json_object_set_new(doc, "DomainName", json_string(r->domain));
    json_object_set_new(doc, "FederationBrandName",
                        json_string(r->brand_name ? r->brand_name : ""));
    json_object_set_new(doc, "CloudInstanceName", json_string(cloud_instance));
    json_object_set_new(doc, "CloudInstanceIssuerUri", json_string(ATRIUM_REALM_AUDIENCE_URN));
    return doc;
}
