/* SPDX-License-Identifier: MIT */
/*
 * The query options of directory listings ($top, $filter, $search,
 * $orderby, $count, $select, $skiptoken) and Graph's advanced-query rules;
 * see odata_request.h. $filter itself is parsed in odata_filter.c.
 */
#include "graph/odata_request.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "graph/odata.h"

#define ADVANCED_HINT                                                                              \
    "Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to "       \
    "https://aka.ms/graph-docs/advanced-queries for more information"

void atrium_odata_request_init(struct atrium_odata_request *q)
{
    memset(q, 0, sizeof(*q));
    q->top = ATRIUM_ODATA_TOP_DEFAULT;
    q->order.prop = -1;
}

void atrium_odata_request_release(struct atrium_odata_request *q)
{
    if (!q)
        return;
    atrium_qnode_free(q->filter);
    atrium_qnode_free(q->search);
    xfree(q->skiptoken);
    xfree(q->raw_filter);
    xfree(q->raw_select);
    xfree(q->raw_orderby);
    xfree(q->raw_search);
    atrium_odata_request_init(q);
}

const struct atrium_odata_prop *atrium_odata_prop_find(const struct atrium_odata_resource *res,
                                                       const char *name, size_t len)
{
    for (const struct atrium_odata_prop *p = res->props; p->name; p++)
        if (strlen(p->name) == len && strncasecmp(p->name, name, len) == 0)
            return p;
    return NULL;
}

const struct atrium_odata_prop *atrium_odata_prop_by_id(const struct atrium_odata_resource *res,
                                                        int id)
{
    for (const struct atrium_odata_prop *p = res->props; p->name; p++)
        if (p->id == id)
            return p;
    return NULL;
}

bool atrium_odata_request_selects(const struct atrium_odata_request *q,
                                  const struct atrium_odata_prop *prop)
{
    if (!q || q->select_count == 0)
        return (prop->flags & ATRIUM_ODATA_DEFAULT) != 0;
    for (size_t i = 0; i < q->select_count; i++)
        if (q->select[i] == prop)
            return true;
    return false;
}

static void shown(char *out, size_t size, const char *s, size_t len)
{
    snprintf(out, size, "%.*s", (int)(len < size ? len : size - 1), s);
    for (char *c = out; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '\'')
            *c = '?';
}

static int no_such_property(const struct atrium_odata_resource *res, const char *field,
                            const char *name, size_t len, struct atrium_errinfo *e)
{
    char s[64];
    shown(s, sizeof(s), name, len);
    return atrium_err(e, ATRIUM_EINVAL, field, "Could not find a property named '%s' on type '%s'.",
                      s, res->type_name);
}

/* Trim spaces around s[0..*len) in place of the pointer. */
static const char *trim(const char *s, size_t *len)
{
    while (*len && *s == ' ')
        s++, (*len)--;
    while (*len && s[*len - 1] == ' ')
        (*len)--;
    return s;
}

static int parse_select(struct atrium_odata_request *q, const struct atrium_odata_resource *res,
                        const char *value, struct atrium_errinfo *e)
{
    for (const char *p = value;;) {
        size_t n = strcspn(p, ",");
        const char *name = trim(p, &n);
        const struct atrium_odata_prop *prop = atrium_odata_prop_find(res, name, n);
        if (!prop || !(prop->flags & ATRIUM_ODATA_SELECT))
            return no_such_property(res, "$select", name, n, e);
        bool dup = false;
        for (size_t i = 0; i < q->select_count; i++)
            dup = dup || q->select[i] == prop;
        if (!dup && q->select_count < ATRIUM_ODATA_REQ_SELECT_MAX)
            q->select[q->select_count++] = prop;
        p += strcspn(p, ",");
        if (*p == '\0')
            return 0;
        p++;
    }
}

static int parse_orderby(struct atrium_odata_request *q, const struct atrium_odata_resource *res,
                         const char *value, struct atrium_errinfo *e)
{
    if (strchr(value, ',')) {
        q->unsupported = true;
        return atrium_err(e, ATRIUM_EINVAL, "$orderby",
                          "Sorting on more than one property is not supported.");
    }
    size_t n = strlen(value);
    const char *s = trim(value, &n);
    size_t name_len = strcspn(s, " ");
    if (name_len > n)
        name_len = n;
    size_t dir_len = n - name_len;
    const char *dir = trim(s + name_len, &dir_len);
    const struct atrium_odata_prop *prop = atrium_odata_prop_find(res, s, name_len);
    if (!prop)
        return no_such_property(res, "$orderby", s, name_len, e);
    if (!(prop->flags & (ATRIUM_ODATA_ORDERBY | ATRIUM_ODATA_ORDERBY_ADV))) {
        q->unsupported = true;
        return atrium_err(e, ATRIUM_EINVAL, "$orderby",
                          "Sorting on property '%s' is not supported.", prop->name);
    }
    if (dir_len && !(dir_len == 3 && strncasecmp(dir, "asc", 3) == 0) &&
        !(dir_len == 4 && strncasecmp(dir, "desc", 4) == 0))
        return atrium_err(e, ATRIUM_EINVAL, "$orderby",
                          "The sort direction must be 'asc' or 'desc'.");
    q->order.prop = prop->id;
    q->order.desc = dir_len == 4;
    if (!(prop->flags & ATRIUM_ODATA_ORDERBY) && !q->advanced)
        q->advanced = "$orderby";
    return 0;
}

static int parse_count(struct atrium_odata_request *q, const char *value, struct atrium_errinfo *e)
{
    if (strcasecmp(value, "true") == 0)
        q->count = true;
    else if (strcasecmp(value, "false") == 0)
        q->count = false;
    else
        return atrium_err(e, ATRIUM_EINVAL, "$count", "$count must be true or false.");
    return 0;
}

static int once(char **slot, const char *name, const char *value, struct atrium_errinfo *e)
{
    if (*slot)
        return atrium_err(e, ATRIUM_EINVAL, name, "Query option '%s' was specified more than once.",
                          name);
    *slot = xstrdup(value);
    return 0;
}

static int set_filter(struct atrium_odata_request *q, const struct atrium_odata_resource *res,
                      const char *value, struct atrium_errinfo *e)
{
    const char *advanced = NULL;
    int r = once(&q->raw_filter, "$filter", value, e);
    if (r == 0)
        r = atrium_odata_filter_parse(value, res, &q->filter, &advanced, &q->unsupported, e);
    if (r == 0 && advanced && (!q->advanced || strcmp(q->advanced, "$orderby") == 0))
        q->advanced = advanced;
    return r;
}

static int set_other(struct atrium_odata_request *q, const char *name, const char *value,
                     struct atrium_errinfo *e)
{
    char s[40];
    shown(s, sizeof(s), name, strlen(name));
    if (strcasecmp(name, "$skip") == 0)
        return atrium_err(e, ATRIUM_EINVAL, "$skip", "'$skip' is not supported by the service.");
    q->unsupported = strcasecmp(name, "$expand") == 0;
    if (q->unsupported)
        return atrium_err(e, ATRIUM_EINVAL, "$expand",
                          "$expand is supported only for 'memberOf' on users and "
                          "'members' on groups.");
    return atrium_err(e, ATRIUM_EINVAL, s, "Query option '%s' is not supported.", s);
}

int atrium_odata_request_set(struct atrium_odata_request *q,
                             const struct atrium_odata_resource *res, const char *name,
                             const char *value, struct atrium_errinfo *e)
{
    if (!name || name[0] != '$')
        return 0;
    if (!value || !atrium_str_is_clean_utf8(value))
        return atrium_err(e, ATRIUM_EINVAL, "", "Invalid value for query option.");
    int r;
    if (strcasecmp(name, "$top") == 0)
        return atrium_odata_parse_top(value, &q->top, e);
    if (strcasecmp(name, "$filter") == 0)
        return set_filter(q, res, value, e);
    if (strcasecmp(name, "$search") == 0) {
        if ((r = once(&q->raw_search, "$search", value, e)) < 0)
            return r;
        return atrium_odata_search_parse(value, res, &q->search, e);
    }
    if (strcasecmp(name, "$expand") == 0 && res && res->type_name &&
        strcmp(res->type_name, "microsoft.graph.user") == 0 && strcasecmp(value, "memberOf") == 0) {
        if (q->expand_member_of)
            return atrium_err(e, ATRIUM_EINVAL, "$expand",
                              "Query option '$expand' was specified more than once.");
        q->expand_member_of = true;
        return 0;
    }
    if (strcasecmp(name, "$orderby") == 0) {
        if ((r = once(&q->raw_orderby, "$orderby", value, e)) < 0)
            return r;
        return parse_orderby(q, res, value, e);
    }
    if (strcasecmp(name, "$select") == 0) {
        if ((r = once(&q->raw_select, "$select", value, e)) < 0)
            return r;
        return parse_select(q, res, value, e);
    }
    if (strcasecmp(name, "$count") == 0)
        return parse_count(q, value, e);
    if (strcasecmp(name, "$skiptoken") == 0) {
        if (strlen(value) > ATRIUM_ODATA_SKIPTOKEN_MAX)
            return atrium_err(e, ATRIUM_EINVAL, "$skiptoken", "The $skiptoken is invalid.");
        return once(&q->skiptoken, "$skiptoken", value, e);
    }
    return set_other(q, name, value, e);
}

int atrium_odata_request_finish(struct atrium_odata_request *q, bool eventual, bool resumed,
                                struct atrium_errinfo *e)
{
    q->eventual = eventual;
    if (resumed)
        return 0;
    q->unsupported = true;
    if (q->search && !eventual)
        return atrium_err(e, ATRIUM_EINVAL, "$search",
                          "Request with $search query parameter only works through MSGraph with "
                          "a special request header: 'ConsistencyLevel: eventual'");
    bool advanced = eventual && q->count;
    if (q->filter && q->order.prop >= 0 && !advanced)
        return atrium_err(e, ATRIUM_EINVAL, "$orderby",
                          "Sorting not supported for current query: $orderby with $filter needs "
                          "an advanced query. " ADVANCED_HINT);
    if (q->advanced && !advanced) {
        if (strcmp(q->advanced, "$orderby") == 0)
            return atrium_err(e, ATRIUM_EINVAL, "$orderby",
                              "Sorting not supported for current query: this $orderby needs an "
                              "advanced query. " ADVANCED_HINT);
        return atrium_err(e, ATRIUM_EINVAL, "$filter",
                          "Operator '%s' is not supported because the required parameters might "
                          "be missing. " ADVANCED_HINT,
                          q->advanced);
    }
    q->unsupported = false;
    if (!eventual)
        q->count = false; /* ignored without the header, as Graph does */
    return 0;
}

/* Read n decimal digits at *s into *ret; false unless all are digits. */
static bool digits(const char **s, size_t n, int *ret)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        char c = (*s)[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *s += n;
    *ret = v;
    return true;
}

static bool expect_char(const char **s, char c)
{
    if (**s != c)
        return false;
    (*s)++;
    return true;
}

/* "Z" or "+hh:mm" / "-hh:mm" at *s into seconds east of UTC. */
static bool zone(const char **s, int *ret)
{
    int h = 0, m = 0;
    if (expect_char(s, 'Z') || expect_char(s, 'z')) {
        *ret = 0;
        return true;
    }
    int sign = **s == '-' ? -1 : 1;
    if ((**s != '+' && **s != '-') || !(++*s, digits(s, 2, &h)) || !expect_char(s, ':') ||
        !digits(s, 2, &m) || h > 23 || m > 59)
        return false;
    *ret = sign * (h * 3600 + m * 60);
    return true;
}

int atrium_odata_parse_datetime(const char *text, size_t len, int64_t *ret)
{
    char buf[40];
    if (len < 20 || len >= sizeof(buf))
        return ATRIUM_EINVAL;
    memcpy(buf, text, len);
    buf[len] = '\0';
    const char *s = buf;
    struct tm tm = {0};
    int y, mo, d, h, mi, sec, off;
    if (!digits(&s, 4, &y) || !expect_char(&s, '-') || !digits(&s, 2, &mo) ||
        !expect_char(&s, '-') || !digits(&s, 2, &d) || !expect_char(&s, 'T') ||
        !digits(&s, 2, &h) || !expect_char(&s, ':') || !digits(&s, 2, &mi) ||
        !expect_char(&s, ':') || !digits(&s, 2, &sec))
        return ATRIUM_EINVAL;
    if (*s == '.') {
        size_t frac = strspn(s + 1, "0123456789");
        if (frac == 0 || frac > 7)
            return ATRIUM_EINVAL;
        s += 1 + frac;
    }
    if (!zone(&s, &off) || *s || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
        mi > 59 || sec > 60)
        return ATRIUM_EINVAL;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    time_t t = timegm(&tm);
    if (t == (time_t)-1 || tm.tm_mday != d)
        return ATRIUM_EINVAL;
    *ret = (int64_t)t - off;
    return 0;
}
