/* SPDX-License-Identifier: MIT */
/* Route matching; see router.h. */
#include "http/router.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "http/form.h"

/* The request path split into decoded segments (pointers into one block). */
struct path_segments {
    char *block;
    const char *seg[ATRIUM_ROUTE_MAX_SEGMENTS];
    size_t len[ATRIUM_ROUTE_MAX_SEGMENTS];
    bool bad[ATRIUM_ROUTE_MAX_SEGMENTS]; /* malformed escape */
    size_t count;
};

/* Split "/a/b%20c" into {"a", "b c"}; false when it has too many segments. */
static bool split_path(const char *raw, struct path_segments *ps)
{
    size_t len = strlen(raw);
    ps->block = xmalloc(len + 1);
    ps->count = 0;
    const char *p = raw + 1;
    char *out = ps->block;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (ps->count == ATRIUM_ROUTE_MAX_SEGMENTS)
            return false;
        size_t dlen = 0;
        bool bad = atrium_url_decode(p, n, false, out, &dlen) < 0;
        if (bad) {
            out[0] = '\0';
            dlen = 0;
        }
        ps->bad[ps->count] = bad || strlen(out) != dlen;
        ps->len[ps->count] = dlen;
        ps->seg[ps->count++] = out;
        out += dlen + 1;
        if (!slash)
            return true;
        p = slash + 1;
    }
}

/*
 * Is the pattern segment [p, p + n) a capture: "{name}", or "{name}" between
 * a literal prefix and suffix ("directoryRoles(roleTemplateId='{id}')")?
 * *pre and *post get the lengths of the literals around the braces.
 */
static bool segment_capture(const char *p, size_t n, size_t *pre, size_t *post)
{
    const char *open = memchr(p, '{', n);
    const char *close = open ? memchr(open, '}', n - (size_t)(open - p)) : NULL;
    if (!close || close - open < 2)
        return false;
    *pre = (size_t)(open - p);
    *post = n - (size_t)(close + 1 - p);
    return true;
}

/* A pattern's segments, split once per route table (see compiled_table()). */
struct pattern_segment {
    const char *text; /* into the pattern */
    size_t len, pre, post;
    bool capture;
};

struct compiled_route {
    size_t count; /* SIZE_MAX: the pattern has too many segments to match anything */
    struct pattern_segment seg[ATRIUM_ROUTE_MAX_SEGMENTS];
};

static void compile_pattern(const char *pattern, struct compiled_route *cr)
{
    const char *p = pattern + 1;
    cr->count = 0;
    for (;;) {
        if (cr->count == ATRIUM_ROUTE_MAX_SEGMENTS) {
            cr->count = SIZE_MAX;
            return;
        }
        const char *slash = strchr(p, '/');
        struct pattern_segment *sg = &cr->seg[cr->count++];
        sg->text = p;
        sg->len = slash ? (size_t)(slash - p) : strlen(p);
        sg->capture = segment_capture(p, sg->len, &sg->pre, &sg->post);
        if (!slash)
            return;
        p = slash + 1;
    }
}

/*
 * The compiled form of a route table, made on its first use and kept for the
 * life of the process (tables are static). Readers take no lock.
 */
#define COMPILED_TABLES_MAX 16
struct compiled_table {
    const struct atrium_route *table;
    size_t n;
    struct compiled_route *routes;
};
static _Atomic(struct compiled_table *) compiled[COMPILED_TABLES_MAX];
static pthread_mutex_t compile_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct compiled_route *compiled_table(const struct atrium_route *table, size_t n)
{
    for (size_t i = 0; i < COMPILED_TABLES_MAX; i++) {
        struct compiled_table *ct = atomic_load_explicit(&compiled[i], memory_order_acquire);
        if (!ct)
            break;
        if (ct->table == table && ct->n == n)
            return ct->routes;
    }
    pthread_mutex_lock(&compile_lock);
    const struct compiled_route *found = NULL;
    size_t i = 0;
    for (; i < COMPILED_TABLES_MAX && !found; i++) {
        struct compiled_table *ct = atomic_load_explicit(&compiled[i], memory_order_acquire);
        if (!ct)
            break;
        if (ct->table == table && ct->n == n)
            found = ct->routes;
    }
    if (!found && i < COMPILED_TABLES_MAX) {
        struct compiled_table *ct = xcalloc(1, sizeof(*ct));
        ct->table = table;
        ct->n = n;
        ct->routes = xcalloc(n ? n : 1, sizeof(*ct->routes));
        for (size_t r = 0; r < n; r++)
            compile_pattern(table[r].pattern, &ct->routes[r]);
        atomic_store_explicit(&compiled[i], ct, memory_order_release);
        found = ct->routes;
    }
    pthread_mutex_unlock(&compile_lock);
    if (!found)
        abort(); /* more distinct route tables than a program has */
    return found;
}

/* Does the decoded segment i fit the capture sg (with its literal prefix and suffix)? */
static bool capture_fits(const struct pattern_segment *sg, const struct path_segments *ps, size_t i)
{
    if (ps->bad[i])
        return sg->pre == 0 && sg->post == 0; /* reported by capture_params */
    size_t len = ps->len[i];
    if (len == 0)
        return false;
    if (!sg->pre && !sg->post)
        return true;
    return len > sg->pre + sg->post && memcmp(ps->seg[i], sg->text, sg->pre) == 0 &&
           memcmp(ps->seg[i] + len - sg->post, sg->text + sg->len - sg->post, sg->post) == 0;
}

/* Does the compiled pattern match the segments? Captures are not recorded here. */
static bool pattern_matches(const struct compiled_route *cr, const struct path_segments *ps)
{
    if (cr->count != ps->count)
        return false;
    for (size_t i = 0; i < cr->count; i++) {
        const struct pattern_segment *sg = &cr->seg[i];
        if (sg->capture
                ? !capture_fits(sg, ps, i)
                : ps->bad[i] || ps->len[i] != sg->len || memcmp(ps->seg[i], sg->text, sg->len) != 0)
            return false;
    }
    return true;
}

static int capture_params(const char *pattern, const struct path_segments *ps,
                          struct atrium_kv_list *params, struct atrium_errinfo *e)
{
    const char *p = pattern + 1;
    for (size_t i = 0; i < ps->count; i++) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        size_t pre = 0, post = 0;
        if (segment_capture(p, n, &pre, &post)) {
            char *name = xstrndup(p + pre + 1, n - pre - post - 2);
            atrium_kv_list_adopt(params, name);
            if (ps->bad[i] || !atrium_str_is_clean_utf8(ps->seg[i]))
                return atrium_err(e, ATRIUM_EINVAL, name,
                                  "The path segment for '%s' is not valid text.", name);
            char *value = xstrndup(ps->seg[i] + pre, strlen(ps->seg[i]) - pre - post);
            atrium_kv_list_adopt(params, value);
            atrium_kv_list_add(params, name, value);
        }
        p = slash ? slash + 1 : p + n;
    }
    return 0;
}

/* Is method already one of the ", "-separated items of allow? */
static bool allow_has(const char *allow, const char *method)
{
    size_t n = strlen(method);
    for (const char *p = allow; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && memcmp(p, method, n) == 0)
            return true;
        if (!comma)
            break;
        p = comma + 2;
    }
    return false;
}

static void allow_add(char *allow, const char *method)
{
    size_t used = strlen(allow);
    size_t need = strlen(method) + (used ? 2 : 0);
    if (allow_has(allow, method) || used + need >= ATRIUM_ROUTE_ALLOW_MAX)
        return;
    if (used) {
        memcpy(allow + used, ", ", 2);
        used += 2;
    }
    memcpy(allow + used, method, strlen(method) + 1);
}

void atrium_route_match_init(struct atrium_route_match *m)
{
    m->route = NULL;
    atrium_kv_list_init(&m->params);
    m->allow[0] = '\0';
}

void atrium_route_match_release(struct atrium_route_match *m)
{
    atrium_kv_list_release(&m->params);
    atrium_route_match_init(m);
}

static bool method_matches(const char *route_method, const char *method)
{
    return strcmp(route_method, method) == 0 ||
           (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

int atrium_router_match(const struct atrium_route *table, size_t n, const char *method,
                        const char *raw_path, struct atrium_route_match *m,
                        struct atrium_errinfo *e)
{
    if (!raw_path || raw_path[0] != '/')
        return atrium_err(e, ATRIUM_ENOTFOUND, "", "The requested resource does not exist.");
    const struct compiled_route *routes = compiled_table(table, n);
    struct path_segments ps;
    bool ok = split_path(raw_path, &ps);
    int r = atrium_err(e, ATRIUM_ENOTFOUND, "", "The requested resource does not exist.");
    for (size_t i = 0; ok && i < n; i++) {
        if (!pattern_matches(&routes[i], &ps))
            continue;
        if (!method_matches(table[i].method, method)) {
            allow_add(m->allow, table[i].method);
            if (strcmp(table[i].method, "GET") == 0)
                allow_add(m->allow, "HEAD");
            continue;
        }
        atrium_err_clear(e);
        r = capture_params(table[i].pattern, &ps, &m->params, e);
        if (r == 0)
            m->route = &table[i];
        else
            atrium_kv_list_release(&m->params);
        free(ps.block);
        return r;
    }
    free(ps.block);
    if (m->allow[0])
        return atrium_err(e, ATRIUM_EUNSUPPORTED, "",
                          "Specified HTTP method is not allowed for the request uri.");
    return r;
}
