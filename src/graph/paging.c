/* SPDX-License-Identifier: MIT */
/*
 * Keyset paging with an in-memory filter over the store's id-ordered list
 * calls, plus the small helpers every application service shares (ids,
 * errors, definitions, transactions); see apps_priv.h.
 */
#include "graph/apps_priv.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"

#define SCAN_BUDGET 5000 /* rows examined per request at most */
#define SCAN_PAGE 200    /* rows per store call when filtering */

int atrium_graph_id(const char *in, const char *field, char out[ATRIUM_UUID_LEN + 1],
                    struct atrium_errinfo *e)
{
    if (!in || !atrium_uuid_is_valid(in)) {
        char shown[48];
        snprintf(shown, sizeof(shown), "%s", in ? in : "");
        for (char *c = shown; *c; c++)
            if (*c < 0x20 || *c > 0x7e || *c == '\'')
                *c = '?';
        return atrium_err(e, ATRIUM_EINVAL, field, "Invalid object identifier '%s'.", shown);
    }
    memcpy(out, in, ATRIUM_UUID_LEN + 1);
    atrium_str_lower(out);
    return 0;
}

int atrium_graph_not_found(struct atrium_errinfo *e, const char *id)
{
    return atrium_err(e, ATRIUM_ENOTFOUND, "",
                      "Resource '%s' does not exist or one of its queried reference-property "
                      "objects are not present.",
                      id);
}

int atrium_graph_store_fail(struct atrium_errinfo *e, int rc)
{
    if (rc == ATRIUM_EBUSY)
        return atrium_err(e, rc, "", "The directory is busy; retry in a moment.");
    return atrium_err(e, rc, "", "The directory store failed.");
}

json_t *atrium_graph_def_parse(const char *text)
{
    json_t *def = text ? json_loads(text, JSON_REJECT_DUPLICATES, NULL) : NULL;
    if (!json_is_object(def)) {
        json_decref(def);
        def = json_object();
    }
    return def;
}

int atrium_graph_def_dump(const json_t *def, char **ret, struct atrium_errinfo *e)
{
    char *text = json_dumps(def, JSON_COMPACT);
    if (!text)
        return atrium_err(e, ATRIUM_EINTERNAL, "", "The definition could not be serialised.");
    if (strlen(text) > ATRIUM_APP_DEFINITION_MAX) {
        free(text);
        return atrium_err(e, ATRIUM_ETOOBIG, "", "The object is larger than %u bytes.",
                          ATRIUM_APP_DEFINITION_MAX);
    }
    *ret = xstrdup(text);
    free(text);
    return 0;
}

int atrium_graph_txn_end(struct atrium_store *s, int rc, struct atrium_errinfo *e)
{
    if (rc < 0) {
        atrium_store_rollback(s);
        return rc;
    }
    rc = atrium_store_commit(s);
    if (rc < 0) {
        atrium_store_rollback(s);
        return atrium_graph_store_fail(e, rc);
    }
    return 0;
}

/* Move the matching items of one store page into out; the others are released. */
static void take_page(const struct atrium_graph_scan_ops *ops, const struct atrium_odata_query *q,
                      char *items, size_t n, char *out, size_t want, size_t *count,
                      char cursor[ATRIUM_UUID_LEN + 1])
{
    for (size_t i = 0; i < n; i++) {
        void *item = items + i * ops->item_size;
        snprintf(cursor, ATRIUM_UUID_LEN + 1, "%s", ops->id(item));
        if (*count < want && ops->match(item, &q->filter)) {
            memcpy(out + *count * ops->item_size, item, ops->item_size);
            (*count)++;
        } else {
            ops->release(item);
        }
    }
}

int atrium_graph_scan(struct atrium_store *s, const char *tenant_id,
                      const struct atrium_odata_query *q, const struct atrium_graph_scan_ops *ops,
                      void **ret_items, size_t *ret_count, char ret_next[ATRIUM_UUID_LEN + 1])
{
    size_t want = q->top + 1; /* one more than the page tells whether another follows */
    char *out = xcalloc(want, ops->item_size);
    size_t count = 0, scanned = 0;
    bool exhausted = false;
    char cursor[ATRIUM_UUID_LEN + 1];
    snprintf(cursor, sizeof(cursor), "%s", q->after_id);
    while (count < want && scanned < SCAN_BUDGET && !exhausted) {
        size_t limit = q->filter.op == ATRIUM_ODATA_NONE ? want - count : SCAN_PAGE;
        void *items = NULL;
        size_t n = 0;
        int r = ops->page(s, tenant_id, cursor, limit, &items, &n);
        if (r < 0) {
            for (size_t i = 0; i < count; i++)
                ops->release(out + i * ops->item_size);
            xfree(out);
            return r;
        }
        take_page(ops, q, items, n, out, want, &count, cursor);
        xfree(items);
        scanned += n;
        exhausted = n < limit;
    }
    ret_next[0] = '\0';
    if (count > q->top) {
        ops->release(out + q->top * ops->item_size);
        count = q->top;
        snprintf(ret_next, ATRIUM_UUID_LEN + 1, "%s", ops->id(out + (count - 1) * ops->item_size));
    } else if (!exhausted) {
        snprintf(ret_next, ATRIUM_UUID_LEN + 1, "%s", cursor); /* budget spent: continue later */
    }
    *ret_items = out;
    *ret_count = count;
    return 0;
}
