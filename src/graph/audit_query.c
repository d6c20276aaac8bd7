/* SPDX-License-Identifier: MIT */
/*
 * The query options of the audit and sign-in logs: $top, a $filter of
 * clauses joined by "and" (time ranges and equality on the indexed
 * properties), $orderby of the log's own order, and the keyset
 * $skiptoken "<hex time>_<id>"; see audit.h.
 */
#include "graph/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"

#define FILTER_MAX 4096 /* bytes of a $filter */
#define TOP_DEFAULT 100
#define TOP_MAX 999
#define OPTION_NAME_MAX 64
#define CLAUSES_MAX 8

enum prop_type { PROP_TIME, PROP_TEXT, PROP_GUID, PROP_INT };

/* One filterable property: where its value goes in the filter structs. */
struct prop {
    const char *name;
    enum prop_type type;
    int slot; /* which member (see set_value) */
};

enum slot {
    SLOT_TIME,
    SLOT_CATEGORY,
    SLOT_ACTIVITY,
    SLOT_CORRELATION,
    SLOT_INITIATOR_USER,
    SLOT_INITIATOR_APP,
    SLOT_USER_ID,
    SLOT_UPN,
    SLOT_APP_ID,
    SLOT_ERROR_CODE,
};

static const struct prop audit_props[] = {
    {"activityDateTime", PROP_TIME, SLOT_TIME},
    {"category", PROP_TEXT, SLOT_CATEGORY},
    {"activityDisplayName", PROP_TEXT, SLOT_ACTIVITY},
    {"correlationId", PROP_TEXT, SLOT_CORRELATION},
    {"initiatedBy/user/id", PROP_GUID, SLOT_INITIATOR_USER},
    {"initiatedBy/app/appId", PROP_GUID, SLOT_INITIATOR_APP},
    {NULL, PROP_TEXT, 0},
};

static const struct prop signin_props[] = {
    {"createdDateTime", PROP_TIME, SLOT_TIME},       {"userId", PROP_GUID, SLOT_USER_ID},
    {"userPrincipalName", PROP_TEXT, SLOT_UPN},      {"appId", PROP_GUID, SLOT_APP_ID},
    {"status/errorCode", PROP_INT, SLOT_ERROR_CODE}, {NULL, PROP_TEXT, 0},
};

void atrium_log_query_init(struct atrium_log_query *q, enum atrium_log_kind kind)
{
    memset(q, 0, sizeof(*q));
    q->kind = kind;
    q->top = TOP_DEFAULT;
}

void atrium_log_query_release(struct atrium_log_query *q)
{
    atrium_audit_filter_release(&q->audit);
    atrium_signin_filter_release(&q->signin);
    xfree(q->raw_filter);
    memset(q, 0, sizeof(*q));
}

static int unsupported(struct atrium_errinfo *e, const char *what)
{
    return atrium_err(e, ATRIUM_EINVAL, "$filter",
                      "Invalid filter clause: %s. Supported: time ge|le|gt|lt, and eq on the "
                      "indexed properties, joined by 'and'.",
                      what);
}

/* A cursor over the filter text. */
struct lexer {
    const char *p;
};

static void skip_spaces(struct lexer *l)
{
    while (*l->p == ' ')
        l->p++;
}

/* The next bare word (up to a space or the end) into out; false when empty or too long. */
static bool word(struct lexer *l, char *out, size_t size)
{
    skip_spaces(l);
    size_t n = strcspn(l->p, " ");
    if (n == 0 || n >= size)
        return false;
    memcpy(out, l->p, n);
    out[n] = '\0';
    l->p += n;
    return true;
}

/* A literal: 'quoted with '' doubled' or a bare word. Heap into *ret. */
static int literal(struct lexer *l, char **ret, struct atrium_errinfo *e)
{
    skip_spaces(l);
    if (*l->p != '\'') {
        char bare[ATRIUM_AUDIT_FILTER_VALUE_MAX + 1];
        if (!word(l, bare, sizeof(bare)))
            return unsupported(e, "a value is missing or too long");
        *ret = xstrdup(bare);
        return 0;
    }
    char *out = xmalloc(ATRIUM_AUDIT_FILTER_VALUE_MAX + 1);
    size_t n = 0;
    for (l->p++;; l->p++) {
        if (*l->p == '\0') {
            xfree(out);
            return unsupported(e, "a quoted value is not closed");
        }
        if (*l->p == '\'' && l->p[1] != '\'')
            break;
        if (*l->p == '\'')
            l->p++;
        if (n >= ATRIUM_AUDIT_FILTER_VALUE_MAX) {
            xfree(out);
            return unsupported(e, "a value is too long");
        }
        out[n++] = *l->p;
    }
    l->p++;
    out[n] = '\0';
    *ret = out;
    return 0;
}

/* A time literal (RFC 3339, or a date alone meaning midnight UTC). */
static int parse_time(const char *v, int64_t *ret, struct atrium_errinfo *e)
{
    char full[40];
    if (strlen(v) == 10) {
        snprintf(full, sizeof(full), "%sT00:00:00Z", v);
        v = full;
    }
    if (atrium_iso8601_parse(v, ret) < 0)
        return atrium_err(e, ATRIUM_EINVAL, "$filter",
                          "Invalid filter clause: '%.64s' is not a date and time such as "
                          "2024-01-31T00:00:00Z.",
                          v);
    return 0;
}

/* Where a text or GUID property's value goes. */
static char **text_slot(struct atrium_log_query *q, int slot)
{
    switch (slot) {
    case SLOT_CATEGORY:
        return &q->audit.category;
    case SLOT_ACTIVITY:
        return &q->audit.activity;
    case SLOT_CORRELATION:
        return &q->audit.correlation_id;
    case SLOT_INITIATOR_USER:
        return &q->audit.initiator_user_id;
    case SLOT_INITIATOR_APP:
        return &q->audit.initiator_app_id;
    case SLOT_USER_ID:
        return &q->signin.user_id;
    case SLOT_UPN:
        return &q->signin.user_principal_name;
    default:
        return &q->signin.app_id;
    }
}

static int set_time(struct atrium_log_query *q, const char *op, const char *value,
                    struct atrium_errinfo *e)
{
    int64_t t;
    int r = parse_time(value, &t, e);
    if (r < 0)
        return r;
    bool audits = q->kind == ATRIUM_LOG_AUDITS;
    bool *has_ge = audits ? &q->audit.has_time_ge : &q->signin.has_time_ge;
    bool *has_le = audits ? &q->audit.has_time_le : &q->signin.has_time_le;
    int64_t *ge = audits ? &q->audit.time_ge : &q->signin.time_ge;
    int64_t *le = audits ? &q->audit.time_le : &q->signin.time_le;
    bool lower =
        strcasecmp(op, "ge") == 0 || strcasecmp(op, "gt") == 0 || strcasecmp(op, "eq") == 0;
    bool upper =
        strcasecmp(op, "le") == 0 || strcasecmp(op, "lt") == 0 || strcasecmp(op, "eq") == 0;
    if ((lower && *has_ge) || (upper && *has_le))
        return unsupported(e, "a time bound is given twice");
    if (lower) {
        *has_ge = true;
        *ge = strcasecmp(op, "gt") == 0 ? t + 1 : t;
    }
    if (upper) {
        *has_le = true;
        *le = strcasecmp(op, "lt") == 0 ? t - 1 : t;
    }
    return 0;
}

static int set_value(struct atrium_log_query *q, const struct prop *p, const char *op,
                     const char *value, struct atrium_errinfo *e)
{
    if (p->type == PROP_TIME)
        return set_time(q, op, value, e);
    if (strcasecmp(op, "eq") != 0)
        return unsupported(e, "this property takes 'eq' only");
    if (p->type == PROP_INT) {
        int64_t v;
        if (q->signin.has_error_code)
            return unsupported(e, "a property is given twice");
        if (atrium_str_to_i64(value, 0, 9999999, &v) < 0)
            return unsupported(e, "status/errorCode takes a number");
        q->signin.has_error_code = true;
        q->signin.error_code = (int)v;
        return 0;
    }
    char **dst = text_slot(q, p->slot);
    if (*dst)
        return unsupported(e, "a property is given twice");
    if (p->type == PROP_GUID && !atrium_uuid_is_valid(value))
        return atrium_err(e, ATRIUM_EINVAL, "$filter", "Invalid object identifier '%.64s'.", value);
    *dst = xstrdup(value);
    if (p->type == PROP_GUID)
        atrium_str_lower(*dst);
    return 0;
}

/* One "<property> <op> <literal>" clause. */
static int clause(struct atrium_log_query *q, struct lexer *l, struct atrium_errinfo *e)
{
    const struct prop *props = q->kind == ATRIUM_LOG_AUDITS ? audit_props : signin_props;
    char name[64], op[8];
    if (!word(l, name, sizeof(name)))
        return unsupported(e, "a property name is missing");
    const struct prop *p = props;
    while (p->name && strcasecmp(p->name, name) != 0)
        p++;
    if (!p->name)
        return atrium_err(e, ATRIUM_EINVAL, "$filter",
                          "Unsupported or invalid query filter clause specified for property "
                          "'%.63s' of resource '%s'.",
                          name, q->kind == ATRIUM_LOG_AUDITS ? "directoryAudit" : "signIn");
    if (!word(l, op, sizeof(op)) ||
        (strcasecmp(op, "eq") && strcasecmp(op, "ge") && strcasecmp(op, "le") &&
         strcasecmp(op, "gt") && strcasecmp(op, "lt")))
        return unsupported(e, "the operator must be eq, ge, le, gt or lt");
    AUTO_FREE char *value = NULL;
    int r = literal(l, &value, e);
    return r < 0 ? r : set_value(q, p, op, value, e);
}

static int parse_filter(struct atrium_log_query *q, const char *text, struct atrium_errinfo *e)
{
    if (strlen(text) > FILTER_MAX)
        return atrium_err(e, ATRIUM_EINVAL, "$filter", "The $filter is too long.");
    struct lexer l = {text};
    for (int n = 0;; n++) {
        if (n >= CLAUSES_MAX)
            return unsupported(e, "too many clauses");
        int r = clause(q, &l, e);
        if (r < 0)
            return r;
        skip_spaces(&l);
        if (*l.p == '\0')
            return 0;
        char conj[8];
        if (!word(&l, conj, sizeof(conj)) || strcasecmp(conj, "and") != 0)
            return unsupported(e, "clauses must be joined by 'and'");
    }
}

char *atrium_log_skiptoken_encode(const struct atrium_log_cursor *c)
{
    return xasprintf("%" PRIx64 "_%s", (uint64_t)c->time, c->id);
}

static int skiptoken_decode(const char *token, struct atrium_log_cursor *ret,
                            struct atrium_errinfo *e)
{
    const char *sep = strchr(token, '_');
    size_t n = sep ? (size_t)(sep - token) : 0;
    char hex[17];
    if (n == 0 || n >= sizeof(hex) || strspn(token, "0123456789abcdef") != n ||
        !atrium_uuid_is_valid(sep + 1))
        return atrium_err(e, ATRIUM_EINVAL, "$skiptoken", "The $skiptoken is not valid.");
    memcpy(hex, token, n);
    hex[n] = '\0';
    unsigned long long t = strtoull(hex, NULL, 16);
    if (t > INT64_MAX)
        return atrium_err(e, ATRIUM_EINVAL, "$skiptoken", "The $skiptoken is not valid.");
    ret->time = (int64_t)t;
    memcpy(ret->id, sep + 1, ATRIUM_UUID_LEN + 1);
    atrium_str_lower(ret->id);
    return 0;
}

/* $top: 1..999, as the rest of the directory API. */
static int parse_top(struct atrium_log_query *q, const char *value, struct atrium_errinfo *e)
{
    int64_t v;
    if (atrium_str_to_i64(value, 1, TOP_MAX, &v) < 0)
        return atrium_err(e, ATRIUM_EINVAL, "$top",
                          "Invalid page size specified: '%.32s'. Must be between 1 and %d "
                          "inclusive.",
                          value, TOP_MAX);
    q->top = (size_t)v;
    return 0;
}

/* $orderby: only the log's own order is accepted. */
static int check_orderby(const struct atrium_log_query *q, const char *value,
                         struct atrium_errinfo *e)
{
    const char *time = q->kind == ATRIUM_LOG_AUDITS ? "activityDateTime" : "createdDateTime";
    size_t n = strlen(time);
    if (strncasecmp(value, time, n) == 0 &&
        (value[n] == '\0' || strcasecmp(value + n, " desc") == 0))
        return 0;
    return atrium_err(e, ATRIUM_EINVAL, "$orderby",
                      "The log is ordered by %s desc only; $orderby '%.64s' is not supported.",
                      time, value);
}

int atrium_log_query_set(struct atrium_log_query *q, const char *name, const char *value,
                         struct atrium_errinfo *e)
{
    if (!name || name[0] != '$')
        return 0;
    if (!value || !atrium_str_is_clean_utf8(value))
        return atrium_err(e, ATRIUM_EINVAL, "", "Invalid value for query option.");
    if (strcasecmp(name, "$top") == 0)
        return parse_top(q, value, e);
    if (strcasecmp(name, "$filter") == 0) {
        if (q->raw_filter)
            return atrium_err(e, ATRIUM_EINVAL, "$filter",
                              "Query option '$filter' was specified more than once.");
        q->raw_filter = xstrdup(value);
        return parse_filter(q, value, e);
    }
    if (strcasecmp(name, "$skiptoken") == 0)
        return skiptoken_decode(value, &q->after, e);
    if (strcasecmp(name, "$orderby") == 0)
        return check_orderby(q, value, e);
    if (strcasecmp(name, "$count") == 0)
        return 0;
    char shown[OPTION_NAME_MAX];
    snprintf(shown, sizeof(shown), "%s", name);
    for (char *c = shown; *c; c++)
        if (*c < 0x20 || *c > 0x7e || *c == '\'')
            *c = '?';
    return atrium_err(e, ATRIUM_EINVAL, shown, "Query option '%s' is not supported.", shown);
}
