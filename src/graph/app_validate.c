/* SPDX-License-Identifier: MIT */
/*
 * Validation of application create/PATCH bodies and of the merged
 * definition: property by property (unknown and read-only properties named
 * in the error), redirect and identifier URI rules, app roles and delegated
 * permission scopes. Pure: no store, no clock. See apps.h.
 */
#include "graph/apps.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "model/group_claims.h"

#define TEXT_MAX 1024
#define NAME_MAX_LEN 256
#define VALUE_MAX 249
#define TAGS_MAX 50
#define RRA_MAX 50
#define RESOURCE_ACCESS_MAX 400
#define KNOWN_CLIENTS_MAX 100

typedef int (*check_fn)(const json_t *v, const char *field, struct atrium_errinfo *e);

/* One property of an object: its name and checker. */
struct prop {
    const char *name;
    check_fn check;
};

static int bad(struct atrium_errinfo *e, const char *field, const char *what)
{
    return atrium_err(e, ATRIUM_EINVAL, field, "Property '%s' %s.", field, what);
}

/* "<prefix>.<name>" into out. */
static const char *join(char out[ATRIUM_ERR_FIELD_MAX], const char *prefix, const char *name)
{
    snprintf(out, ATRIUM_ERR_FIELD_MAX, "%s%s%s", prefix, *prefix ? "." : "", name);
    return out;
}

/* Check every member of obj against props; unknown members are named. */
static int check_members(const json_t *obj, const struct prop *props, const char *field,
                         struct atrium_errinfo *e)
{
    if (!json_is_object(obj))
        return bad(e, field, "must be an object");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        char sub[ATRIUM_ERR_FIELD_MAX];
        const struct prop *p = props;
        while (p->name && strcmp(p->name, key) != 0)
            p++;
        join(sub, field, key);
        if (!p->name)
            return atrium_err(e, ATRIUM_EINVAL, sub, "Unknown property '%s'.", sub);
        int r = p->check(v, sub, e);
        if (r < 0)
            return r;
    }
    return 0;
}

static int text_of(const json_t *v, size_t max, bool nullable, const char *field,
                   struct atrium_errinfo *e)
{
    if (json_is_null(v) && nullable)
        return 0;
    if (!json_is_string(v))
        return bad(e, field, "must be a string");
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v) || !atrium_str_is_clean_utf8(s))
        return bad(e, field, "contains control characters");
    if (json_string_length(v) > max)
        return atrium_err(e, ATRIUM_EINVAL, field,
                          "Property '%s' is too long (%zu characters at most).", field, max);
    return 0;
}

static int check_text(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    return text_of(v, TEXT_MAX, true, field, e);
}

static int check_name(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    return text_of(v, NAME_MAX_LEN, true, field, e);
}

static int check_bool(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    return json_is_boolean(v) ? 0 : bad(e, field, "must be true or false");
}

static int check_bool_or_null(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    return json_is_null(v) ? 0 : check_bool(v, field, e);
}

static int check_guid(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    if (!json_is_string(v) || !atrium_uuid_is_valid(json_string_value(v)))
        return bad(e, field, "must be a GUID");
    return 0;
}

/* An array of at most max elements, each passing check (field "name[i]"). */
static int check_array(const json_t *v, size_t max, check_fn check, const char *field,
                       struct atrium_errinfo *e)
{
    if (!json_is_array(v))
        return bad(e, field, "must be an array");
    if (json_array_size(v) > max)
        return atrium_err(e, ATRIUM_EINVAL, field, "Property '%s' has more than %zu values.", field,
                          max);
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item)
    {
        char sub[ATRIUM_ERR_FIELD_MAX];
        snprintf(sub, sizeof(sub), "%s[%zu]", field, i);
        int r = check(item, sub, e);
        if (r < 0)
            return r;
    }
    return 0;
}

static int check_tag(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    return text_of(v, NAME_MAX_LEN, false, field, e);
}

static int check_tags(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    return check_array(v, TAGS_MAX, check_tag, field, e);
}

/* A redirect URI array of kind (the kind is the parent property's name). */
static int check_uri_list(const json_t *v, const char *kind, const char *field,
                          struct atrium_errinfo *e)
{
    if (!json_is_array(v))
        return bad(e, field, "must be an array");
    if (json_array_size(v) > ATRIUM_APP_REDIRECT_URIS_MAX)
        return atrium_err(e, ATRIUM_EINVAL, field, "Property '%s' has more than %d values.", field,
                          ATRIUM_APP_REDIRECT_URIS_MAX);
    size_t i, j;
    json_t *item;
    json_array_foreach(v, i, item)
    {
        char sub[ATRIUM_ERR_FIELD_MAX];
        snprintf(sub, sizeof(sub), "%s[%zu]", field, i);
        if (!json_is_string(item))
            return bad(e, sub, "must be a string");
        int r = atrium_app_redirect_uri_check(kind, json_string_value(item), sub, e);
        if (r < 0)
            return r;
        for (j = 0; j < i; j++)
            if (strcmp(json_string_value(json_array_get(v, j)), json_string_value(item)) == 0)
                return atrium_err(e, ATRIUM_EINVAL, sub, "Property '%s' repeats a value.", sub);
    }
    return 0;
}

static int check_web_uris(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    return check_uri_list(v, "web", field, e);
}

static int check_spa_uris(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    return check_uri_list(v, "spa", field, e);
}

static int check_native_uris(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    return check_uri_list(v, "publicClient", field, e);
}

static int check_url_or_null(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    if (json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return bad(e, field, "must be a string");
    return atrium_app_redirect_uri_check("web", json_string_value(v), field, e);
}

static int check_implicit(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    static const struct prop props[] = {{"enableIdTokenIssuance", check_bool_or_null},
                                        {"enableAccessTokenIssuance", check_bool_or_null},
                                        {NULL, NULL}};
    return json_is_null(v) ? 0 : check_members(v, props, field, e);
}

static int check_web(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    static const struct prop props[] = {{"redirectUris", check_web_uris},
                                        {"homePageUrl", check_url_or_null},
                                        {"logoutUrl", check_url_or_null},
                                        {"implicitGrantSettings", check_implicit},
                                        {NULL, NULL}};
    return json_is_null(v) ? 0 : check_members(v, props, field, e);
}

static int check_spa(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    static const struct prop props[] = {{"redirectUris", check_spa_uris}, {NULL, NULL}};
    return json_is_null(v) ? 0 : check_members(v, props, field, e);
}

static int check_public_client(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    static const struct prop props[] = {{"redirectUris", check_native_uris}, {NULL, NULL}};
    return json_is_null(v) ? 0 : check_members(v, props, field, e);
}

static int check_identifier_uri(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    if (!json_is_string(v))
        return bad(e, field, "must be a string");
    return atrium_app_identifier_uri_check(json_string_value(v), field, e);
}

static int check_identifier_uris(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    return check_array(v, ATRIUM_APP_IDENTIFIER_URIS_MAX, check_identifier_uri, field, e);
}

/* --- appRoles, api.oauth2PermissionScopes, requiredResourceAccess --------- */

/* A permission value: 1..VALUE_MAX visible ASCII, no space, not starting with '.'. */
static int check_permission_value(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    static const char *const reserved[] = {"openid",         "profile",  "email",
                                           "offline_access", ".default", NULL};
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > VALUE_MAX)
        return bad(e, field, "must be a non-empty string of at most 249 characters");
    const char *s = json_string_value(v);
    for (const char *c = s; *c; c++)
        if (*c <= 0x20 || *c >= 0x7f)
            return bad(e, field, "must not contain spaces or non-ASCII characters");
    if (s[0] == '.')
        return bad(e, field, "must not start with '.'");
    for (const char *const *r = reserved; *r; r++)
        if (atrium_str_ieq(s, *r))
            return bad(e, field, "uses a reserved value");
    return 0;
}

static int check_value_or_null(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    return json_is_null(v) ? 0 : check_permission_value(v, field, e);
}

static int check_member_type(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    const char *s = json_string_value(v);
    if (!s || (strcmp(s, "User") != 0 && strcmp(s, "Application") != 0))
        return bad(e, field, "must be \"User\" or \"Application\"");
    return 0;
}

static int check_member_types(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    int r = check_array(v, 2, check_member_type, field, e);
    if (r == 0 && json_array_size(v) == 0)
        return bad(e, field, "must name at least one member type");
    if (r == 0 && json_array_size(v) == 2 && json_equal(json_array_get(v, 0), json_array_get(v, 1)))
        return bad(e, field, "repeats a value");
    return r;
}

static int check_origin(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    const char *s = json_string_value(v);
    if (!json_is_null(v) && (!s || strcmp(s, "Application") != 0))
        return bad(e, field, "must be \"Application\"");
    return 0;
}

static int check_app_role(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    static const struct prop props[] = {{"allowedMemberTypes", check_member_types},
                                        {"description", check_text},
                                        {"displayName", check_name},
                                        {"id", check_guid},
                                        {"isEnabled", check_bool},
                                        {"origin", check_origin},
                                        {"value", check_value_or_null},
                                        {NULL, NULL}};
    int r = check_members(v, props, field, e);
    char sub[ATRIUM_ERR_FIELD_MAX];
    if (r == 0 && !json_object_get(v, "id"))
        return bad(e, join(sub, field, "id"), "is required");
    if (r == 0 && !json_object_get(v, "allowedMemberTypes"))
        return bad(e, join(sub, field, "allowedMemberTypes"), "is required");
    return r;
}

static int check_app_roles(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    return check_array(v, ATRIUM_APP_ROLES_MAX, check_app_role, field, e);
}

static int check_scope_type(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    const char *s = json_string_value(v);
    if (!s || (strcmp(s, "User") != 0 && strcmp(s, "Admin") != 0))
        return bad(e, field, "must be \"User\" or \"Admin\"");
    return 0;
}

static int check_scope(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    static const struct prop props[] = {{"adminConsentDescription", check_text},
                                        {"adminConsentDisplayName", check_name},
                                        {"id", check_guid},
                                        {"isEnabled", check_bool},
                                        {"type", check_scope_type},
                                        {"userConsentDescription", check_text},
                                        {"userConsentDisplayName", check_name},
                                        {"value", check_permission_value},
                                        {"origin", check_origin},
                                        {NULL, NULL}};
    int r = check_members(v, props, field, e);
    char sub[ATRIUM_ERR_FIELD_MAX];
    if (r == 0 && !json_object_get(v, "id"))
        return bad(e, join(sub, field, "id"), "is required");
    if (r == 0 && !json_object_get(v, "value"))
        return bad(e, join(sub, field, "value"), "is required");
    return r;
}

static int check_scopes(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    return check_array(v, ATRIUM_APP_ROLES_MAX, check_scope, field, e);
}

static int check_token_version(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    if (json_is_null(v) ||
        (json_is_integer(v) && (json_integer_value(v) == 1 || json_integer_value(v) == 2)))
        return 0;
    return bad(e, field, "must be 1, 2 or null");
}

static int check_guid_list(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    return check_array(v, KNOWN_CLIENTS_MAX, check_guid, field, e);
}

static int check_api(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    static const struct prop props[] = {{"requestedAccessTokenVersion", check_token_version},
                                        {"oauth2PermissionScopes", check_scopes},
                                        {"knownClientApplications", check_guid_list},
                                        {"acceptMappedClaims", check_bool_or_null},
                                        {NULL, NULL}};
    return json_is_null(v) ? 0 : check_members(v, props, field, e);
}

static int check_access_type(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    const char *s = json_string_value(v);
    if (!s || (strcmp(s, "Scope") != 0 && strcmp(s, "Role") != 0))
        return bad(e, field, "must be \"Scope\" or \"Role\"");
    return 0;
}

static int check_resource_access(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    static const struct prop props[] = {
        {"id", check_guid}, {"type", check_access_type}, {NULL, NULL}};
    int r = check_members(v, props, field, e);
    char sub[ATRIUM_ERR_FIELD_MAX];
    if (r == 0 && (!json_object_get(v, "id") || !json_object_get(v, "type")))
        return bad(e, join(sub, field, json_object_get(v, "id") ? "type" : "id"), "is required");
    return r;
}

static int check_resource_access_list(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    return check_array(v, RESOURCE_ACCESS_MAX, check_resource_access, field, e);
}

static int check_rra_item(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    static const struct prop props[] = {{"resourceAppId", check_guid},
                                        {"resourceAccess", check_resource_access_list},
                                        {NULL, NULL}};
    int r = check_members(v, props, field, e);
    char sub[ATRIUM_ERR_FIELD_MAX];
    if (r == 0 && !json_object_get(v, "resourceAppId"))
        return bad(e, join(sub, field, "resourceAppId"), "is required");
    return r;
}

static int check_rra(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    return check_array(v, RRA_MAX, check_rra_item, field, e);
}

/* groupMembershipClaims: null, or "None", "SecurityGroup", "DirectoryRole",
 * "ApplicationGroup", "All" or a comma-separated combination (model/group_claims.h). */
static int check_group_claims(const json_t *v, const char *field, struct atrium_errinfo *e)
{
    unsigned bits;
    if (json_is_null(v))
        return 0;
    if (!json_is_string(v) || atrium_group_claims_parse(json_string_value(v), &bits) < 0)
        return bad(e, field,
                   "must be null, \"None\", \"SecurityGroup\", \"DirectoryRole\", "
                   "\"ApplicationGroup\" or \"All\"");
    return 0;
}

/* --- merging a body into the definition ----------------------------------- */

static const char *const read_only[] = {"id",
                                        "appId",
                                        "createdDateTime",
                                        "deletedDateTime",
                                        "passwordCredentials",
                                        "keyCredentials",
                                        "publisherDomain",
                                        NULL};

/* Properties kept in the definition; merge: complex (member-wise merge). */
static const struct {
    const char *name;
    check_fn check;
    bool merge;
} def_props[] = {
    {"description", check_text, false},
    {"notes", check_text, false},
    {"tags", check_tags, false},
    {"isFallbackPublicClient", check_bool_or_null, false},
    {"web", check_web, true},
    {"spa", check_spa, true},
    {"publicClient", check_public_client, true},
    {"identifierUris", check_identifier_uris, false},
    {"appRoles", check_app_roles, false},
    {"api", check_api, true},
    {"requiredResourceAccess", check_rra, false},
    {"groupMembershipClaims", check_group_claims, false},
};

/* Lowercase a GUID string member in place. */
static void lower_guid(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    if (!s)
        return;
    AUTO_FREE char *low = atrium_str_lower(xstrdup(s));
    json_object_set_new(obj, key, json_string(low));
}

/* GUIDs in the stored form: lowercase ids of roles, scopes and resource access. */
static void normalize(json_t *def)
{
    size_t i, j;
    json_t *item, *access;
    json_array_foreach(json_object_get(def, "appRoles"), i, item) lower_guid(item, "id");
    json_array_foreach(json_object_get(json_object_get(def, "api"), "oauth2PermissionScopes"), i,
                       item) lower_guid(item, "id");
    json_array_foreach(json_object_get(def, "requiredResourceAccess"), i, item)
    {
        lower_guid(item, "resourceAppId");
        json_array_foreach(json_object_get(item, "resourceAccess"), j, access)
            lower_guid(access, "id");
    }
}

/* Merge one complex value member by member (null members are removed). */
static void merge_complex(json_t *def, const char *key, const json_t *v)
{
    json_t *cur = json_object_get(def, key);
    if (!json_is_object(cur)) {
        cur = json_object();
        json_object_set_new(def, key, cur);
    }
    const char *k;
    json_t *m;
    json_object_foreach((json_t *)v, k, m)
    {
        if (json_is_null(m))
            json_object_del(cur, k);
        else
            json_object_set_new(cur, k, json_deep_copy(m));
    }
}

static int column(const json_t *v, const char *key, bool create, struct atrium_app_columns *ret,
                  struct atrium_errinfo *e)
{
    if (strcmp(key, "displayName") == 0) {
        int r = text_of(v, ATRIUM_APP_DISPLAY_NAME_MAX, false, key, e);
        if (r == 0 && json_string_length(v) == 0)
            r = bad(e, key, "must not be empty");
        ret->display_name = r == 0 ? json_string_value(v) : NULL;
        return r;
    }
    const char *s = json_string_value(v);
    if (!s || (strcmp(s, ATRIUM_SIGN_IN_AUDIENCE_MY_ORG) != 0 &&
               strcmp(s, ATRIUM_SIGN_IN_AUDIENCE_MULTI_ORG) != 0))
        return bad(e, key, "must be \"AzureADMyOrg\" or \"AzureADMultipleOrgs\"");
    ret->sign_in_audience = s;
    return 0;
}

/* Check and apply one body member. */
static int merge_one(json_t *def, const char *key, const json_t *v, bool create,
                     struct atrium_app_columns *ret, struct atrium_errinfo *e)
{
    if (strcmp(key, "displayName") == 0 || strcmp(key, "signInAudience") == 0)
        return column(v, key, create, ret, e);
    if (strcmp(key, "@odata.type") == 0) {
        const char *t = json_string_value(v);
        return t && strcmp(t, "#microsoft.graph.application") == 0
                   ? 0
                   : bad(e, key, "must be \"#microsoft.graph.application\"");
    }
    for (const char *const *r = read_only; *r; r++)
        if (strcmp(*r, key) == 0)
            return atrium_err(e, ATRIUM_EINVAL, key,
                              "Property '%s' is read-only and cannot be set.", key);
    for (size_t i = 0; i < sizeof(def_props) / sizeof(def_props[0]); i++) {
        if (strcmp(def_props[i].name, key) != 0)
            continue;
        int r = json_is_null(v) ? 0 : def_props[i].check(v, key, e);
        if (r < 0)
            return r;
        if (json_is_null(v))
            json_object_del(def, key); /* back to the default */
        else if (def_props[i].merge)
            merge_complex(def, key, v);
        else
            json_object_set_new(def, key, json_deep_copy(v));
        return 0;
    }
    char field[ATRIUM_ERR_FIELD_MAX];
    snprintf(field, sizeof(field), "%s", key);
    return atrium_err(e, ATRIUM_EINVAL, field, "Unknown property '%s'.", field);
}

int atrium_app_merge(json_t *def, const json_t *body, bool create, struct atrium_app_columns *ret,
                     struct atrium_errinfo *e)
{
    memset(ret, 0, sizeof(*ret));
    if (!json_is_object(def) || !json_is_object(body))
        return atrium_err(e, ATRIUM_EINVAL, "", "The request body must be a JSON object.");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)body, key, v)
    {
        int r = merge_one(def, key, v, create, ret, e);
        if (r < 0)
            return r;
    }
    if (create && !ret->display_name)
        return atrium_err(e, ATRIUM_EINVAL, "displayName", "Property 'displayName' is required.");
    normalize(def);
    return 0;
}

/* --- whole-definition checks ------------------------------------------------ */

static const json_t *scopes_of(const json_t *def)
{
    return json_object_get(json_object_get(def, "api"), "oauth2PermissionScopes");
}

/* Is member key of list items [0..n) equal (ignoring case) to s? */
static bool seen_before(const json_t *list, size_t n, const char *key, const char *s)
{
    for (size_t j = 0; s && j < n; j++) {
        const char *t = json_string_value(json_object_get(json_array_get(list, j), key));
        if (t && atrium_str_ieq(s, t))
            return true;
    }
    return false;
}

/* Values unique within list; ids unique within list and not in other. */
static int unique_entries(const json_t *list, const json_t *other, const char *field,
                          struct atrium_errinfo *e)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        const char *id = json_string_value(json_object_get(item, "id"));
        const char *value = json_string_value(json_object_get(item, "value"));
        if (seen_before(list, i, "id", id) || seen_before(other, json_array_size(other), "id", id))
            return atrium_err(e, ATRIUM_EINVAL, field,
                              "Property '%s' repeats the id '%s' (ids must be unique across "
                              "appRoles and oauth2PermissionScopes).",
                              field, id);
        if (seen_before(list, i, "value", value))
            return atrium_err(e, ATRIUM_EINVAL, field, "Property '%s' repeats the value '%s'.",
                              field, value);
    }
    return 0;
}

static bool is_enabled(const json_t *item)
{
    return !json_is_false(json_object_get(item, "isEnabled"));
}

/* Every enabled entry of old_list is still in list, with the same value. */
static int kept_enabled(const json_t *list, const json_t *old_list, const char *field,
                        struct atrium_errinfo *e)
{
    size_t i, j;
    json_t *o, *n;
    json_array_foreach(old_list, i, o)
    {
        if (!is_enabled(o))
            continue;
        const char *id = json_string_value(json_object_get(o, "id"));
        bool ok = false;
        json_array_foreach(list, j, n)
        {
            const char *nid = json_string_value(json_object_get(n, "id"));
            if (id && nid && atrium_str_ieq(id, nid)) {
                ok = json_equal(json_object_get(o, "value"), json_object_get(n, "value"));
                break;
            }
        }
        if (!ok)
            return atrium_err(e, ATRIUM_EINVAL, field,
                              "Property '%s' value cannot be deleted or updated unless it is "
                              "disabled first.",
                              field);
    }
    return 0;
}

int atrium_app_definition_check(const json_t *def, const json_t *old, struct atrium_errinfo *e)
{
    const json_t *roles = json_object_get(def, "appRoles");
    const json_t *scopes = scopes_of(def);
    int r = unique_entries(roles, scopes, "appRoles", e);
    if (r == 0)
        r = unique_entries(scopes, NULL, "api.oauth2PermissionScopes", e);
    const json_t *uris = json_object_get(def, "identifierUris");
    for (size_t i = 0; r == 0 && i < json_array_size(uris); i++)
        for (size_t j = 0; j < i; j++)
            if (atrium_str_ieq(json_string_value(json_array_get(uris, i)),
                               json_string_value(json_array_get(uris, j))))
                return atrium_err(e, ATRIUM_EINVAL, "identifierUris",
                                  "Property 'identifierUris' repeats a value.");
    if (r == 0 && old)
        r = kept_enabled(roles, json_object_get(old, "appRoles"), "appRoles", e);
    if (r == 0 && old)
        r = kept_enabled(scopes, scopes_of(old), "api.oauth2PermissionScopes", e);
    return r;
}
