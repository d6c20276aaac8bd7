/* SPDX-License-Identifier: MIT */
/*
 * Group services: create (security groups, with members@odata.bind and
 * owners@odata.bind in one transaction), get, list with $filter and keyset
 * paging, PATCH, DELETE. See groups.h.
 */
#include "graph/groups.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "graph/apps_priv.h"
#include "graph/authz.h"
#include "graph/groups_priv.h"

static const char *const group_filter_eq[] = {"id", "displayName", NULL};
static const char *const group_filter_startswith[] = {"displayName", NULL};
static const char *const group_select[] = {"id",
                                           "classification",
                                           "createdDateTime",
                                           "creationOptions",
                                           "deletedDateTime",
                                           "description",
                                           "displayName",
                                           "expirationDateTime",
                                           "groupTypes",
                                           "isAssignableToRole",
                                           "mail",
                                           "mailEnabled",
                                           "mailNickname",
                                           "membershipRule",
                                           "membershipRuleProcessingState",
                                           "onPremisesSyncEnabled",
                                           "preferredDataLocation",
                                           "proxyAddresses",
                                           "renewedDateTime",
                                           "securityEnabled",
                                           "visibility",
                                           NULL};

const struct atrium_odata_spec atrium_graph_group_odata = {
    .filter_eq = group_filter_eq,
    .filter_startswith = group_filter_startswith,
    .select = group_select,
    .expand = "members",
};

/* What a create or PATCH body says (borrowed from the body). */
struct group_body {
    const char *display_name;
    const char *mail_nickname;
    const char *description;
    bool description_set; /* present, maybe null */
    bool mail_enabled_set, security_enabled_set;
    const json_t *members; /* members@odata.bind */
    const json_t *owners;  /* owners@odata.bind */
};

static int bad(struct atrium_errinfo *e, const char *field, const char *what)
{
    return atrium_err(e, ATRIUM_EINVAL, field, "Invalid value for property '%s': %s.", field, what);
}

static int text(const json_t *v, size_t max, bool nullable, const char *field, const char **ret,
                struct atrium_errinfo *e)
{
    *ret = NULL;
    if (nullable && json_is_null(v))
        return 0;
    const char *s = json_string_value(v);
    if (!s)
        return bad(e, field, nullable ? "expected a string or null" : "expected a string");
    if (json_string_length(v) > max || !atrium_str_is_clean_utf8(s) ||
        strlen(s) != json_string_length(v))
        return atrium_err(e, ATRIUM_EINVAL, field,
                          "Invalid value for property '%s': at most %zu bytes of text.", field,
                          max);
    *ret = s;
    return 0;
}

/* mailNickname: 1..64 printable ASCII without space and @ ( ) \ [ ] " ; : < > , */
static int mail_nickname(const json_t *v, const char **ret, struct atrium_errinfo *e)
{
    int r = text(v, ATRIUM_GROUP_MAIL_NICKNAME_MAX, false, "mailNickname", ret, e);
    if (r < 0)
        return r;
    if (!**ret)
        return bad(e, "mailNickname", "must not be empty");
    for (const char *c = *ret; *c; c++)
        if (*c <= 0x20 || *c >= 0x7f || strchr("@()\\[]\";:<>,", *c))
            return bad(e, "mailNickname",
                       "only ASCII letters, digits and . - _ ! # ^ ~ and such "
                       "are allowed");
    return 0;
}

/* mailEnabled must be false and securityEnabled true: security groups only. */
static int flag(const json_t *v, const char *field, bool want, struct atrium_errinfo *e)
{
    if (!json_is_boolean(v))
        return bad(e, field, "expected a boolean");
    if (json_is_true(v) != want)
        return atrium_err(e, ATRIUM_EINVAL, field,
                          "Only security groups are supported: '%s' must be %s.", field,
                          want ? "true" : "false");
    return 0;
}

static int bind_list(const json_t *v, const char *field, const json_t **ret,
                     struct atrium_errinfo *e)
{
    if (!json_is_array(v))
        return bad(e, field, "expected an array of directoryObject URLs");
    for (size_t i = 0; i < json_array_size(v); i++)
        if (!json_is_string(json_array_get(v, i)))
            return bad(e, field, "expected an array of directoryObject URLs");
    *ret = v;
    return 0;
}

/* Properties Graph shows but does not let a client set. */
static bool is_read_only(const char *key)
{
    static const char *const read_only[] = {
        "id",   "createdDateTime", "deletedDateTime",       "renewedDateTime", "expirationDateTime",
        "mail", "proxyAddresses",  "onPremisesSyncEnabled", "creationOptions", NULL};
    for (const char *const *r = read_only; *r; r++)
        if (strcmp(*r, key) == 0)
            return true;
    return false;
}

/* Settings Atrium's security groups have fixed: null, false or empty only. */
static int fixed_setting(const char *key, const json_t *v, struct atrium_errinfo *e)
{
    if (strcmp(key, "groupTypes") == 0)
        return json_is_array(v) && json_array_size(v) == 0
                   ? 0
                   : atrium_err(e, ATRIUM_EINVAL, key,
                                "Only security groups are supported: 'groupTypes' must be [].");
    if (strcmp(key, "isAssignableToRole") == 0)
        return json_is_null(v) || json_is_false(v)
                   ? 0
                   : atrium_err(e, ATRIUM_EINVAL, key,
                                "Role-assignable groups are not supported: '%s' must be false.",
                                key);
    return json_is_null(v) ? 0 : bad(e, key, "only null is supported");
}

static int body_member(const char *key, const json_t *v, struct group_body *b,
                       struct atrium_errinfo *e)
{
    if (strcmp(key, "displayName") == 0) {
        int r = text(v, ATRIUM_GROUP_DISPLAY_NAME_MAX, false, key, &b->display_name, e);
        return r == 0 && !*b->display_name ? bad(e, key, "must not be empty") : r;
    }
    if (strcmp(key, "mailNickname") == 0)
        return mail_nickname(v, &b->mail_nickname, e);
    if (strcmp(key, "description") == 0) {
        b->description_set = true;
        return text(v, ATRIUM_GROUP_DESCRIPTION_MAX, true, key, &b->description, e);
    }
    if (strcmp(key, "mailEnabled") == 0) {
        b->mail_enabled_set = true;
        return flag(v, key, false, e);
    }
    if (strcmp(key, "securityEnabled") == 0) {
        b->security_enabled_set = true;
        return flag(v, key, true, e);
    }
    if (strcmp(key, "members@odata.bind") == 0)
        return bind_list(v, key, &b->members, e);
    if (strcmp(key, "owners@odata.bind") == 0)
        return bind_list(v, key, &b->owners, e);
    if (strcmp(key, "@odata.type") == 0)
        return json_is_string(v) && strcmp(json_string_value(v), "#microsoft.graph.group") == 0
                   ? 0
                   : bad(e, key, "must be \"#microsoft.graph.group\"");
    if (strcmp(key, "groupTypes") == 0 || strcmp(key, "isAssignableToRole") == 0 ||
        strcmp(key, "visibility") == 0 || strcmp(key, "classification") == 0 ||
        strcmp(key, "membershipRule") == 0 || strcmp(key, "preferredDataLocation") == 0)
        return fixed_setting(key, v, e);
    if (is_read_only(key))
        return atrium_err(e, ATRIUM_EINVAL, key, "Property '%s' is read-only and cannot be set.",
                          key);
    return atrium_err(e, ATRIUM_EINVAL, key,
                      "Property '%s' does not exist on type 'microsoft.graph.group'.", key);
}

static int parse_body(const json_t *body, bool create, struct group_body *ret,
                      struct atrium_errinfo *e)
{
    const char *key;
    json_t *v;
    memset(ret, 0, sizeof(*ret));
    json_object_foreach((json_t *)body, key, v)
    {
        int r = body_member(key, v, ret, e);
        if (r < 0)
            return r;
    }
    if (json_array_size(ret->members) + json_array_size(ret->owners) > ATRIUM_GROUP_BIND_MAX)
        return atrium_err(e, ATRIUM_EINVAL, "members@odata.bind",
                          "At most %d objects can be added in one request.", ATRIUM_GROUP_BIND_MAX);
    if (!create)
        return 0;
    static const char *const required[] = {"displayName", "mailNickname", "mailEnabled",
                                           "securityEnabled", NULL};
    bool present[] = {ret->display_name != NULL, ret->mail_nickname != NULL, ret->mail_enabled_set,
                      ret->security_enabled_set};
    for (size_t i = 0; required[i]; i++)
        if (!present[i])
            return atrium_err(e, ATRIUM_EINVAL, required[i],
                              "Property '%s' is required to create a group.", required[i]);
    return 0;
}

/* Resolve and link every URL of one odata.bind list (the caller's transaction). */
static int apply_binds(struct atrium_store *s, const char *tenant_id,
                       const struct atrium_principal *who, const struct atrium_group *g,
                       const json_t *list, enum atrium_group_link link, const char *field,
                       struct atrium_errinfo *e)
{
    for (size_t i = 0; i < json_array_size(list); i++) {
        struct atrium_member_ref m;
        const char *url = json_string_value(json_array_get(list, i));
        int r = atrium_graph_ref_resolve(s, tenant_id, url, field, &m, e);
        if (r == 0)
            r = atrium_graph_group_link(s, tenant_id, who, g, link, &m, e);
        if (r < 0)
            return r;
    }
    return 0;
}

static int insert_group(struct atrium_store *s, const struct atrium_principal *who,
                        const struct atrium_group *g, const struct group_body *b,
                        struct atrium_errinfo *e)
{
    int r = atrium_store_begin(s);
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    if ((r = s->ops->group_insert(s, g->tenant_id, g)) < 0)
        r = atrium_graph_store_fail(e, r);
    if (r == 0)
        r = atrium_graph_group_audit(s, g->tenant_id, who, "Add group", "Add", g, NULL, e);
    if (r == 0)
        r = apply_binds(s, g->tenant_id, who, g, b->members, ATRIUM_GROUP_MEMBERS,
                        "members@odata.bind", e);
    if (r == 0)
        r = apply_binds(s, g->tenant_id, who, g, b->owners, ATRIUM_GROUP_OWNERS,
                        "owners@odata.bind", e);
    return atrium_graph_txn_end(s, r, e);
}

int atrium_graph_group_create(struct atrium_store *s, const char *tenant_id,
                              const struct atrium_principal *who, const json_t *body,
                              struct atrium_group *ret, struct atrium_errinfo *e)
{
    struct group_body b;
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_groups_write, e);
    if (r == 0)
        r = parse_body(body, true, &b, e);
    if (r < 0)
        return r;
    struct atrium_group g = {0};
    atrium_uuid_v4(g.id);
    snprintf(g.tenant_id, sizeof(g.tenant_id), "%s", tenant_id);
    g.display_name = xstrdup(b.display_name);
    g.mail_nickname = xstrdup(b.mail_nickname);
    g.description = xstrdup(b.description);
    g.security_enabled = true;
    g.created = atrium_now();
    r = insert_group(s, who, &g, &b, e);
    if (r < 0) {
        atrium_group_release(&g);
        return r;
    }
    *ret = g;
    return 0;
}

int atrium_graph_group_get(struct atrium_store *s, const char *tenant_id,
                           const struct atrium_principal *who, const char *id,
                           struct atrium_group *ret, struct atrium_errinfo *e)
{
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_groups_read, e);
    return r < 0 ? r : atrium_graph_group_load(s, tenant_id, id, ret, e);
}

/* id eq '<guid>': one look-up. */
static int list_by_id(struct atrium_store *s, const char *tenant_id,
                      const struct atrium_odata_query *q, struct atrium_group_list *ret,
                      struct atrium_errinfo *e)
{
    struct atrium_group g = {0};
    char id[ATRIUM_UUID_LEN + 1];
    memset(ret, 0, sizeof(*ret));
    if (!atrium_uuid_is_valid(q->filter.value))
        return 0;
    snprintf(id, sizeof(id), "%s", q->filter.value);
    atrium_str_lower(id);
    int r = s->ops->group_get(s, tenant_id, id, &g);
    if (r == ATRIUM_ENOTFOUND)
        return 0;
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    if (strcmp(g.id, q->after_id) <= 0) {
        atrium_group_release(&g);
        return 0;
    }
    ret->items = xmalloc(sizeof(*ret->items));
    ret->items[0] = g;
    ret->count = 1;
    return 0;
}

int atrium_graph_group_list(struct atrium_store *s, const char *tenant_id,
                            const struct atrium_principal *who, const struct atrium_odata_query *q,
                            struct atrium_group_list *ret, char ret_next[ATRIUM_UUID_LEN + 1],
                            struct atrium_errinfo *e)
{
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_groups_read, e);
    if (r < 0)
        return r;
    ret_next[0] = '\0';
    enum atrium_name_match match = ATRIUM_NAME_ANY;
    if (q->filter.op == ATRIUM_ODATA_EQ && strcmp(q->filter.property, "id") == 0)
        return list_by_id(s, tenant_id, q, ret, e);
    if (q->filter.op == ATRIUM_ODATA_EQ)
        match = ATRIUM_NAME_EQ;
    else if (q->filter.op == ATRIUM_ODATA_STARTSWITH)
        match = ATRIUM_NAME_PREFIX;
    struct atrium_group_list l = {0};
    r = s->ops->group_list(s, tenant_id, q->after_id, q->top + 1, match, q->filter.value, &l);
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    if (l.count > q->top) { /* one more than the page: another follows */
        atrium_group_release(&l.items[q->top]);
        l.count = q->top;
        snprintf(ret_next, ATRIUM_UUID_LEN + 1, "%s", l.items[l.count - 1].id);
    }
    *ret = l;
    return 0;
}

/* Apply the column changes of b to g (loaded). */
static void apply_columns(struct atrium_group *g, const struct group_body *b)
{
    if (b->display_name) {
        xfree(g->display_name);
        g->display_name = xstrdup(b->display_name);
    }
    if (b->mail_nickname) {
        xfree(g->mail_nickname);
        g->mail_nickname = xstrdup(b->mail_nickname);
    }
    if (b->description_set) {
        xfree(g->description);
        g->description = xstrdup(b->description);
    }
}

static int update_locked(struct atrium_store *s, const char *tenant_id,
                         const struct atrium_principal *who, const char *id,
                         const struct group_body *b, struct atrium_errinfo *e)
{
    struct atrium_group g = {0};
    int r = atrium_graph_group_load(s, tenant_id, id, &g, e);
    if (r == 0 && (b->display_name || b->mail_nickname || b->description_set)) {
        apply_columns(&g, b);
        if ((r = s->ops->group_update(s, tenant_id, &g)) < 0)
            r = r == ATRIUM_ENOTFOUND ? atrium_graph_not_found(e, g.id)
                                      : atrium_graph_store_fail(e, r);
        if (r == 0)
            r = atrium_graph_group_audit(s, tenant_id, who, "Update group", "Update", &g, NULL, e);
    }
    if (r == 0)
        r = apply_binds(s, tenant_id, who, &g, b->members, ATRIUM_GROUP_MEMBERS,
                        "members@odata.bind", e);
    if (r == 0)
        r = apply_binds(s, tenant_id, who, &g, b->owners, ATRIUM_GROUP_OWNERS, "owners@odata.bind",
                        e);
    atrium_group_release(&g);
    return r;
}

int atrium_graph_group_update(struct atrium_store *s, const char *tenant_id,
                              const struct atrium_principal *who, const char *id,
                              const json_t *body, struct atrium_errinfo *e)
{
    struct group_body b;
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_groups_write, e);
    if (r == 0)
        r = parse_body(body, false, &b, e);
    if (r < 0)
        return r;
    if ((r = atrium_store_begin(s)) < 0)
        return atrium_graph_store_fail(e, r);
    return atrium_graph_txn_end(s, update_locked(s, tenant_id, who, id, &b, e), e);
}

int atrium_graph_group_delete(struct atrium_store *s, const char *tenant_id,
                              const struct atrium_principal *who, const char *id,
                              struct atrium_errinfo *e)
{
    struct atrium_group g = {0};
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_groups_write, e);
    if (r < 0)
        return r;
    if ((r = atrium_store_begin(s)) < 0)
        return atrium_graph_store_fail(e, r);
    r = atrium_graph_group_load(s, tenant_id, id, &g, e);
    if (r == 0 && (r = s->ops->group_delete(s, tenant_id, g.id)) < 0)
        r = r == ATRIUM_ENOTFOUND ? atrium_graph_not_found(e, g.id) : atrium_graph_store_fail(e, r);
    if (r == 0)
        r = atrium_graph_group_audit(s, tenant_id, who, "Delete group", "Delete", &g, NULL, e);
    atrium_group_release(&g);
    return atrium_graph_txn_end(s, r, e);
}
