/* SPDX-License-Identifier: MIT */
/* OData query option parsing for the directory API; see odata.h. */
#include "graph/odata.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "crypto/b64url.h"

#define SKIPTOKEN_PREFIX "a1:"
#define SKIPTOKEN_MAX 128

void atrium_odata_query_init(struct atrium_odata_query *q)
{
    memset(q, 0, sizeof(*q));
    q->top = ATRIUM_ODATA_TOP_DEFAULT;
}

void atrium_odata_query_release(struct atrium_odata_query *q)
{
    if (!q)
        return;
    xfree(q->filter.value);
    for (size_t i = 0; i < q->select_count; i++)
        xfree(q->select[i]);
    xfree(q->raw_filter);
    xfree(q->raw_select);
    atrium_odata_query_init(q);
}

int atrium_odata_parse_top(const char *value, size_t *ret, struct atrium_errinfo *e)
{
    int64_t n = 0;
    if (!value || atrium_str_to_i64(value, 1, ATRIUM_ODATA_TOP_MAX, &n) < 0) {
        char shown[24];
        snprintf(shown, sizeof(shown), "%s", value ? value : "");
        for (char *c = shown; *c; c++)
            if (*c < 0x20 || *c > 0x7e || *c == '\'')
                *c = '?';
        return atrium_err(e, ATRIUM_EINVAL, "$top",
                          "Invalid page size specified: '%s'. Must be between 1 and %d inclusive.",
                          shown, ATRIUM_ODATA_TOP_MAX);
    }
    *ret = (size_t)n;
    return 0;
}

/* The canonical spelling of name in list (case-insensitive), or NULL. */
static const char *canonical(const char *const *list, const char *name, size_t len)
{
    for (; list && *list; list++)
        if (strlen(*list) == len && strncasecmp(*list, name, len) == 0)
            return *list;
    return NULL;
}

static void skip_ws(const char **p)
{
    while (**p == ' ')
        (*p)++;
}

/* A property name at *p: letters, digits, '_' (no paths). */
static size_t name_len(const char *p)
{
    size_t n = 0;
    while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
           (p[n] >= '0' && p[n] <= '9') || p[n] == '_')
        n++;
    return n;
}

/* A quoted literal at *p ('' escapes a quote); advances *p past it. Heap result. */
static char *literal(const char **p)
{
    const char *s = *p;
    if (*s != '\'')
        return NULL;
    char *out = xmalloc(strlen(s) + 1);
    size_t o = 0;
    for (s++; *s; s++) {
        if (*s == '\'' && s[1] == '\'') {
            out[o++] = '\'';
            s++;
        } else if (*s == '\'') {
            out[o] = '\0';
            *p = s + 1;
            return out;
        } else {
            out[o++] = *s;
        }
    }
    xfree(out);
    return NULL;
}

static int unsupported_filter(struct atrium_errinfo *e)
{
    return atrium_err(e, ATRIUM_EINVAL, "$filter",
                      "Unsupported or invalid query filter clause specified. Supported: "
                      "<property> eq '<value>' and startswith(<property>,'<value>').");
}

static int unsupported_property(struct atrium_errinfo *e, const char *name, size_t len)
{
    char shown[ATRIUM_ODATA_NAME_MAX];
    snprintf(shown, sizeof(shown), "%.*s", (int)(len < sizeof(shown) ? len : sizeof(shown) - 1),
             name);
    return atrium_err(e, ATRIUM_EINVAL, "$filter",
                      "Unsupported or invalid query filter clause specified for property '%s'.",
                      shown);
}

/* "startswith(" prop "," literal ")" with optional spaces; p is after "startswith(". */
static int parse_startswith(const char *p, const struct atrium_odata_spec *spec,
                            struct atrium_odata_filter *ret, struct atrium_errinfo *e)
{
    skip_ws(&p);
    size_t n = name_len(p);
    const char *prop = canonical(spec->filter_startswith, p, n);
    if (!prop)
        return n ? unsupported_property(e, p, n) : unsupported_filter(e);
    p += n;
    skip_ws(&p);
    if (*p++ != ',')
        return unsupported_filter(e);
    skip_ws(&p);
    char *v = literal(&p);
    skip_ws(&p);
    if (!v || *p++ != ')') {
        xfree(v);
        return unsupported_filter(e);
    }
    skip_ws(&p);
    if (*p) {
        xfree(v);
        return unsupported_filter(e);
    }
    ret->op = ATRIUM_ODATA_STARTSWITH;
    snprintf(ret->property, sizeof(ret->property), "%s", prop);
    ret->value = v;
    return 0;
}

int atrium_odata_parse_filter(const char *value, const struct atrium_odata_spec *spec,
                              struct atrium_odata_filter *ret, struct atrium_errinfo *e)
{
    memset(ret, 0, sizeof(*ret));
    if (!value || strlen(value) > ATRIUM_ODATA_VALUE_MAX + 64 || !atrium_str_is_clean_utf8(value))
        return unsupported_filter(e);
    const char *p = value;
    skip_ws(&p);
    if (strncasecmp(p, "startswith(", 11) == 0)
        return parse_startswith(p + 11, spec, ret, e);
    size_t n = name_len(p);
    const char *prop = canonical(spec->filter_eq, p, n);
    if (!prop)
        return n ? unsupported_property(e, p, n) : unsupported_filter(e);
    p += n;
    if (*p != ' ')
        return unsupported_filter(e);
    skip_ws(&p);
    if (strncasecmp(p, "eq", 2) != 0 || p[2] != ' ')
        return unsupported_filter(e);
    p += 2;
    skip_ws(&p);
    char *v = literal(&p);
    skip_ws(&p);
    if (!v || *p) {
        xfree(v);
        return unsupported_filter(e);
    }
    ret->op = ATRIUM_ODATA_EQ;
    snprintf(ret->property, sizeof(ret->property), "%s", prop);
    ret->value = v;
    return 0;
}

bool atrium_odata_filter_match(const struct atrium_odata_filter *f, const char *v)
{
    if (!f || f->op == ATRIUM_ODATA_NONE)
        return true;
    if (!v || !f->value)
        return false;
    if (f->op == ATRIUM_ODATA_EQ)
        return atrium_str_ieq(v, f->value);
    size_t n = strlen(f->value);
    return strlen(v) >= n && strncasecmp(v, f->value, n) == 0;
}

char *atrium_odata_skiptoken_encode(const char *after_id)
{
    AUTO_FREE char *plain = xasprintf(SKIPTOKEN_PREFIX "%s", after_id);
    return atrium_b64url_encode_alloc(plain, strlen(plain));
}

int atrium_odata_skiptoken_decode(const char *token, char out[ATRIUM_UUID_LEN + 1],
                                  struct atrium_errinfo *e)
{
    char plain[SKIPTOKEN_MAX];
    size_t n = 0;
    size_t len = token ? strlen(token) : 0;
    if (len == 0 || len >= SKIPTOKEN_MAX ||
        atrium_b64url_decode(token, len, plain, sizeof(plain) - 1, &n) < 0)
        return atrium_err(e, ATRIUM_EINVAL, "$skiptoken", "The $skiptoken is invalid.");
    plain[n] = '\0';
    size_t prefix = strlen(SKIPTOKEN_PREFIX);
    if (n != prefix + ATRIUM_UUID_LEN || strncmp(plain, SKIPTOKEN_PREFIX, prefix) != 0 ||
        !atrium_uuid_is_valid(plain + prefix))
        return atrium_err(e, ATRIUM_EINVAL, "$skiptoken", "The $skiptoken is invalid.");
    memcpy(out, plain + prefix, ATRIUM_UUID_LEN + 1);
    atrium_str_lower(out);
    return 0;
}

static int parse_select(struct atrium_odata_query *q, const struct atrium_odata_spec *spec,
                        const char *value, struct atrium_errinfo *e)
{
    const char *p = value;
    while (*p) {
        size_t n = strcspn(p, ",");
        const char *name = p;
        while (n && *name == ' ')
            name++, n--;
        while (n && name[n - 1] == ' ')
            n--;
        const char *prop = canonical(spec->select, name, n);
        if (!prop || q->select_count >= ATRIUM_ODATA_SELECT_MAX) {
            char shown[ATRIUM_ODATA_NAME_MAX];
            snprintf(shown, sizeof(shown), "%.*s", (int)(n < sizeof(shown) ? n : sizeof(shown) - 1),
                     name);
            return atrium_err(e, ATRIUM_EINVAL, "$select",
                              "Could not find a property named '%s' on the resource.", shown);
        }
        q->select[q->select_count++] = xstrdup(prop);
        p = name + n;
        p += strcspn(p, ",");
        if (*p == ',')
            p++;
    }
    if (q->select_count == 0)
        return atrium_err(e, ATRIUM_EINVAL, "$select", "$select names no property.");
    return 0;
}

static int once(bool seen, const char *name, struct atrium_errinfo *e)
{
    if (seen)
        return atrium_err(e, ATRIUM_EINVAL, name, "Query option '%s' was specified more than once.",
                          name);
    return 0;
}

int atrium_odata_query_set(struct atrium_odata_query *q, const struct atrium_odata_spec *spec,
                           const char *name, const char *value, struct atrium_errinfo *e)
{
    if (!name || name[0] != '$')
        return 0;
    if (!value || !atrium_str_is_clean_utf8(value))
        return atrium_err(e, ATRIUM_EINVAL, "", "Invalid value for query option.");
    int r;
    if (strcasecmp(name, "$top") == 0)
        return atrium_odata_parse_top(value, &q->top, e);
    if (strcasecmp(name, "$filter") == 0) {
        if ((r = once(q->raw_filter != NULL, "$filter", e)) < 0)
            return r;
        q->raw_filter = xstrdup(value);
        return atrium_odata_parse_filter(value, spec, &q->filter, e);
    }
    if (strcasecmp(name, "$select") == 0) {
        if ((r = once(q->raw_select != NULL, "$select", e)) < 0)
            return r;
        q->raw_select = xstrdup(value);
        return parse_select(q, spec, value, e);
    }
    if (strcasecmp(name, "$skiptoken") == 0)
        return atrium_odata_skiptoken_decode(value, q->after_id, e);
    if (strcasecmp(name, "$expand") == 0) {
        if (!spec->expand || strcasecmp(value, spec->expand) != 0)
            return atrium_err(e, ATRIUM_EINVAL, "$expand",
                              "$expand is supported only for 'memberOf' on users and "
                              "'members' on groups.");
        if ((r = once(q->expand != NULL, "$expand", e)) < 0)
            return r;
        q->expand = spec->expand;
        return 0;
    }
    if (strcasecmp(name, "$count") == 0)
        return 0;
    char shown[ATRIUM_ODATA_NAME_MAX];
    snprintf(shown, sizeof(shown), "%s", name);
    for (char *c = shown; *c; c++)
        if (*c < 0x20 || *c > 0x7e || *c == '\'')
            *c = '?';
    return atrium_err(e, ATRIUM_EINVAL, shown, "Query option '%s' is not supported.", shown);
}

void atrium_odata_apply_select(const struct atrium_odata_query *q, json_t *obj)
{
    if (!q || q->select_count == 0 || !json_is_object(obj))
        return;
    const char *key;
    json_t *value;
    void *tmp;
    json_object_foreach_safe(obj, tmp, key, value)
    {
        bool keep = key[0] == '@' || (q->expand && strcmp(q->expand, key) == 0);
        for (size_t i = 0; i < q->select_count && !keep; i++)
            keep = strcmp(q->select[i], key) == 0;
        if (!keep)
            json_object_del(obj, key);
    }
}
