/* SPDX-License-Identifier: MIT */
/*
 * Graph shapes and references of the group services: the group resource,
 * users and groups as directoryObjects, loading objects by path id, and
 * resolving @odata.id / odata.bind reference URLs. See groups_priv.h.
 */
#include "graph/groups_priv.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "graph/apps_priv.h"

static json_t *iso_time(int64_t t)
{
    char buf[ATRIUM_ISO8601_LEN + 1];
    if (t <= 0)
        return json_null();
    atrium_iso8601(t, buf);
    return json_string(buf);
}

json_t *atrium_graph_group_to_json(const struct atrium_group *g)
{
    static const char *const unset[] = {"classification",
                                        "deletedDateTime",
                                        "expirationDateTime",
                                        "isAssignableToRole",
                                        "mail",
                                        "membershipRule",
                                        "membershipRuleProcessingState",
                                        "onPremisesSyncEnabled",
                                        "preferredDataLocation",
                                        "visibility",
                                        NULL};
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(g->id));
    for (const char *const *k = unset; *k; k++)
        json_object_set_new(o, *k, json_null());
    json_object_set_new(o, "createdDateTime", iso_time(g->created));
    json_object_set_new(o, "creationOptions", json_array());
    json_object_set_new(o, "description",
                        g->description ? json_string(g->description) : json_null());
    json_object_set_new(o, "displayName", json_string(g->display_name ? g->display_name : ""));
    json_object_set_new(o, "groupTypes", json_array());
    json_object_set_new(o, "mailEnabled", json_false());
    json_object_set_new(o, "mailNickname", json_string(g->mail_nickname ? g->mail_nickname : ""));
    json_object_set_new(o, "proxyAddresses", json_array());
    json_object_set_new(o, "renewedDateTime", iso_time(g->created));
    json_object_set_new(o, "securityEnabled", json_boolean(g->security_enabled));
    return o;
}

json_t *atrium_graph_group_dirobj(const struct atrium_group *g)
{
    json_t *o = json_pack("{s:s}", "@odata.type", "#microsoft.graph.group");
    json_t *body = atrium_graph_group_to_json(g);
    json_object_update(o, body);
    json_decref(body);
    return o;
}

json_t *atrium_graph_user_dirobj(const struct atrium_user *u)
{
    return json_pack("{s:s, s:s, s:[], s:s, s:s?, s:s?, s:s?, s:n, s:n, s:n, s:s?, s:s}",
                     "@odata.type", "#microsoft.graph.user", "id", u->id, "businessPhones",
                     "displayName", u->display_name ? u->display_name : "", "givenName",
                     u->given_name, "jobTitle", u->job_title, "mail", u->mail, "mobilePhone",
                     "officeLocation", "preferredLanguage", "surname", u->surname,
                     "userPrincipalName", u->upn ? u->upn : "");
}

int atrium_graph_dirobj_render(struct atrium_store *s, const char *tenant_id,
                               const struct atrium_member_ref *m, json_t **ret,
                               struct atrium_errinfo *e)
{
    int r = 0;
    *ret = NULL;
    if (m->kind == ATRIUM_MEMBER_USER) {
        struct atrium_user u = {0};
        r = s->ops->user_get(s, tenant_id, m->id, &u);
        if (r == 0)
            *ret = atrium_graph_user_dirobj(&u);
        atrium_user_release(&u);
    } else if (m->kind == ATRIUM_MEMBER_GROUP) {
        struct atrium_group g = {0};
        r = s->ops->group_get(s, tenant_id, m->id, &g);
        if (r == 0)
            *ret = atrium_graph_group_dirobj(&g);
        atrium_group_release(&g);
    }
    if (r == ATRIUM_ENOTFOUND)
        return 0; /* deleted meanwhile: skipped */
    return r < 0 ? atrium_graph_store_fail(e, r) : 0;
}

int atrium_graph_group_load(struct atrium_store *s, const char *tenant_id, const char *id,
                            struct atrium_group *ret, struct atrium_errinfo *e)
{
    char gid[ATRIUM_UUID_LEN + 1];
    int r = atrium_graph_id(id, "id", gid, e);
    if (r < 0)
        return r;
    memset(ret, 0, sizeof(*ret));
    r = s->ops->group_get(s, tenant_id, gid, ret);
    if (r == ATRIUM_ENOTFOUND)
        return atrium_graph_not_found(e, gid);
    return r < 0 ? atrium_graph_store_fail(e, r) : 0;
}

/* A path or URL key quoted in a message: printable ASCII, no quotes, bounded. */
static const char *shown_key(const char *key, char *out, size_t size)
{
    snprintf(out, size, "%.*s", (int)(size - 1), key ? key : "");
    for (char *c = out; *c; c++)
        if (*c < 0x20 || *c > 0x7e || *c == '\'')
            *c = '?';
    return out;
}

/* The tenant's user for a path id: a GUID or a userPrincipalName. 404 otherwise. */
static int user_load(struct atrium_store *s, const char *tenant_id, const char *id,
                     struct atrium_user *ret, struct atrium_errinfo *e)
{
    char shown[80];
    int r;
    memset(ret, 0, sizeof(*ret));
    if (!id || !*id || strlen(id) > ATRIUM_UPN_MAX * 4 || !atrium_str_is_clean_utf8(id))
        return atrium_graph_not_found(e, shown_key(id, shown, sizeof(shown)));
    if (atrium_uuid_is_valid(id)) {
        char uid[ATRIUM_UUID_LEN + 1];
        memcpy(uid, id, sizeof(uid));
        r = s->ops->user_get(s, tenant_id, atrium_str_lower(uid), ret);
    } else {
        r = s->ops->user_get_by_upn(s, tenant_id, id, ret);
    }
    if (r == ATRIUM_ENOTFOUND)
        return atrium_graph_not_found(e, shown_key(id, shown, sizeof(shown)));
    return r < 0 ? atrium_graph_store_fail(e, r) : 0;
}

int atrium_graph_object_load(struct atrium_store *s, const char *tenant_id,
                             enum atrium_member_kind kind, const char *id,
                             struct atrium_member_ref *ret, struct atrium_errinfo *e)
{
    memset(ret, 0, sizeof(*ret));
    if (kind == ATRIUM_MEMBER_USER) {
        struct atrium_user u = {0};
        int r = user_load(s, tenant_id, id, &u, e);
        if (r == 0)
            memcpy(ret->id, u.id, sizeof(ret->id));
        atrium_user_release(&u);
        ret->kind = kind;
        return r;
    }
    struct atrium_group g = {0};
    int r = atrium_graph_group_load(s, tenant_id, id, &g, e);
    if (r == 0)
        memcpy(ret->id, g.id, sizeof(ret->id));
    atrium_group_release(&g);
    ret->kind = ATRIUM_MEMBER_GROUP;
    return r;
}

/* Which objects a reference's collection segment admits; false when it names none. */
static bool collection_kind(const char *name, size_t len, enum atrium_member_kind *ret)
{
    static const struct {
        const char *name;
        enum atrium_member_kind kind;
    } names[] = {{"directoryObjects", ATRIUM_MEMBER_UNKNOWN},
                 {"users", ATRIUM_MEMBER_USER},
                 {"groups", ATRIUM_MEMBER_GROUP}};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i].name) == len && strncasecmp(names[i].name, name, len) == 0) {
            *ret = names[i].kind;
            return true;
        }
    return false;
}

/*
 * Split a reference URL into its collection kind and key (into key_out):
 * ".../<collection>/<key>" or ".../<collection>('<key>')". false when malformed.
 */
static bool split_ref(const char *url, enum atrium_member_kind *ret_kind, char *key_out,
                      size_t key_size)
{
    size_t n = strcspn(url, "?#");
    while (n && url[n - 1] == '/')
        n--;
    const char *end = url + n, *slash = end;
    while (slash > url && slash[-1] != '/')
        slash--;
    const char *last = slash; /* the last segment: [last, end) */
    const char *paren = memchr(last, '(', (size_t)(end - last));
    const char *cname, *key;
    size_t cname_len, key_len;
    if (paren) { /* collection('key') */
        if (end - paren < 4 || paren[1] != '\'' || end[-1] != ')' || end[-2] != '\'')
            return false;
        cname = last;
        cname_len = (size_t)(paren - last);
        key = paren + 2;
        key_len = (size_t)(end - 2 - key);
    } else { /* collection/key */
        if (slash <= url + 1)
            return false;
        const char *prev = slash - 1;
        while (prev > url && prev[-1] != '/')
            prev--;
        cname = prev;
        cname_len = (size_t)(slash - 1 - prev);
        key = last;
        key_len = (size_t)(end - last);
    }
    if (key_len == 0 || key_len >= key_size || !collection_kind(cname, cname_len, ret_kind))
        return false;
    memcpy(key_out, key, key_len);
    key_out[key_len] = '\0';
    return true;
}

/* The kind of a tenant object id: USER, GROUP or UNKNOWN (no such object). */
static int kind_of(struct atrium_store *s, const char *tenant_id, const char *id,
                   enum atrium_member_kind *ret)
{
    struct atrium_user u = {0};
    struct atrium_group g = {0};
    int r = s->ops->user_get(s, tenant_id, id, &u);
    atrium_user_release(&u);
    *ret = ATRIUM_MEMBER_USER;
    if (r == ATRIUM_ENOTFOUND) {
        r = s->ops->group_get(s, tenant_id, id, &g);
        atrium_group_release(&g);
        *ret = ATRIUM_MEMBER_GROUP;
    }
    if (r == ATRIUM_ENOTFOUND) {
        *ret = ATRIUM_MEMBER_UNKNOWN;
        return 0;
    }
    return r;
}

int atrium_graph_ref_resolve(struct atrium_store *s, const char *tenant_id, const char *url,
                             const char *field, struct atrium_member_ref *ret,
                             struct atrium_errinfo *e)
{
    enum atrium_member_kind want;
    char key[ATRIUM_UPN_MAX * 4 + 1], shown[80];
    memset(ret, 0, sizeof(*ret));
    if (!url || strlen(url) > ATRIUM_GRAPH_REF_URL_MAX || !atrium_str_is_clean_utf8(url) ||
        !split_ref(url, &want, key, sizeof(key)))
        return atrium_err(e, ATRIUM_EINVAL, field,
                          "Invalid object reference in '%s': expected a URL like "
                          "https://graph.microsoft.com/v1.0/directoryObjects/{id}.",
                          field);
    if (want == ATRIUM_MEMBER_USER)
        return atrium_graph_object_load(s, tenant_id, ATRIUM_MEMBER_USER, key, ret, e);
    char id[ATRIUM_UUID_LEN + 1];
    if (!atrium_uuid_is_valid(key))
        return atrium_err(e, ATRIUM_EINVAL, field, "Invalid object identifier '%s'.",
                          shown_key(key, shown, sizeof(shown)));
    memcpy(id, key, sizeof(id));
    atrium_str_lower(id);
    enum atrium_member_kind kind;
    int r = kind_of(s, tenant_id, id, &kind);
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    if (kind == ATRIUM_MEMBER_UNKNOWN || (want != ATRIUM_MEMBER_UNKNOWN && kind != want))
        return atrium_graph_not_found(e, id);
    memcpy(ret->id, id, sizeof(ret->id));
    ret->kind = kind;
    return 0;
}

int atrium_graph_ref_body(struct atrium_store *s, const char *tenant_id, const json_t *body,
                          struct atrium_member_ref *ret, struct atrium_errinfo *e)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)body, key, v)
    {
        if (strcmp(key, "@odata.id") != 0)
            return atrium_err(e, ATRIUM_EINVAL, key,
                              "Property '%s' is not allowed in a reference body.", key);
    }
    const char *url = json_string_value(json_object_get(body, "@odata.id"));
    if (!url)
        return atrium_err(e, ATRIUM_EINVAL, "@odata.id",
                          "The reference body must have a string '@odata.id'.");
    return atrium_graph_ref_resolve(s, tenant_id, url, "@odata.id", ret, e);
}

int atrium_graph_ref_exists(struct atrium_errinfo *e, const char *property)
{
    return atrium_err(e, ATRIUM_EINVAL, "",
                      "One or more added object references already exist for the following "
                      "modified properties: '%s'.",
                      property);
}
