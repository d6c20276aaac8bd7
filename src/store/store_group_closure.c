/* SPDX-License-Identifier: MIT */
/*
 * Bounded breadth-first walks through nested groups over the ops table
 * (group_memberships_of upward, group_member_page downward); see
 * store_groups.h. The visited set is a small open-addressing hash of ids.
 */
#include "store/store_groups.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"

#define WALK_PAGE 200       /* membership rows per store call */
#define ROW_BUDGET_FACTOR 8 /* rows read at most: factor * cap + one page per level */
#define SET_MIN_SLOTS 64    /* a power of two */

/* Open-addressing set of ids; an empty slot starts with '\0'. */
struct idset {
    char (*slots)[ATRIUM_UUID_LEN + 1];
    size_t cap; /* a power of two */
    size_t count;
};

/* A growing array of ids (the BFS frontier). */
struct idvec {
    char (*items)[ATRIUM_UUID_LEN + 1];
    size_t count, cap;
};

/* State of one walk. */
struct walk {
    struct idset seen;
    struct idvec frontier, next;
    struct atrium_group_closure out;
    size_t cap;       /* distinct objects at most */
    size_t rows_left; /* membership rows still allowed */
    bool stop;        /* a bound was hit */
    bool groups_only; /* downward: walk and list groups, not users */
};

static uint64_t hash_id(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static bool set_put(struct idset *set, const char *id);

static void set_grow(struct idset *set)
{
    struct idset bigger = {.cap = set->cap ? set->cap * 2 : SET_MIN_SLOTS};
    bigger.slots = xcalloc(bigger.cap, sizeof(*bigger.slots));
    for (size_t i = 0; i < set->cap; i++)
        if (set->slots[i][0])
            set_put(&bigger, set->slots[i]);
    xfree(set->slots);
    *set = bigger;
}

/* Add id; false when it was there already. */
static bool set_put(struct idset *set, const char *id)
{
    if ((set->count + 1) * 2 > set->cap)
        set_grow(set);
    size_t mask = set->cap - 1;
    for (size_t i = hash_id(id) & mask;; i = (i + 1) & mask) {
        if (!set->slots[i][0]) {
            memcpy(set->slots[i], id, sizeof(set->slots[i]));
            set->count++;
            return true;
        }
        if (strcmp(set->slots[i], id) == 0)
            return false;
    }
}

static void vec_push(struct idvec *v, const char *id)
{
    if (v->count == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 16;
        v->items = xrealloc(v->items, v->cap * sizeof(*v->items));
    }
    memcpy(v->items[v->count++], id, sizeof(v->items[0]));
}

static void out_push(struct atrium_group_closure *c, const char *id, enum atrium_member_kind kind,
                     size_t *cap)
{
    if (c->count == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        c->items = xrealloc(c->items, *cap * sizeof(*c->items));
    }
    struct atrium_member_ref *m = &c->items[c->count++];
    memset(m, 0, sizeof(*m));
    memcpy(m->id, id, sizeof(m->id));
    m->kind = kind;
}

static int cmp_ref(const void *a, const void *b)
{
    return strcmp(((const struct atrium_member_ref *)a)->id,
                  ((const struct atrium_member_ref *)b)->id);
}

void atrium_group_closure_release(struct atrium_group_closure *c)
{
    xfree(c->items);
    memset(c, 0, sizeof(*c));
}

bool atrium_group_closure_has(const struct atrium_group_closure *c, const char *id)
{
    struct atrium_member_ref key = {0};
    if (!c || !c->count || !id || strlen(id) > ATRIUM_UUID_LEN)
        return false;
    memcpy(key.id, id, strlen(id) + 1);
    return bsearch(&key, c->items, c->count, sizeof(*c->items), cmp_ref) != NULL;
}

static void walk_init(struct walk *w, const char *start, size_t cap)
{
    memset(w, 0, sizeof(*w));
    w->cap = cap ? cap : ATRIUM_GROUP_EXPAND_MAX;
    w->rows_left = ROW_BUDGET_FACTOR * w->cap + (size_t)WALK_PAGE * ATRIUM_GROUP_NESTING_MAX;
    set_put(&w->seen, start);
    vec_push(&w->frontier, start);
}

static void walk_release(struct walk *w)
{
    xfree(w->seen.slots);
    xfree(w->frontier.items);
    xfree(w->next.items);
    atrium_group_closure_release(&w->out);
}

/* Count a row read against the budget; false (and stop) when it is spent. */
static bool take_row(struct walk *w)
{
    if (w->rows_left == 0) {
        w->stop = true;
        return false;
    }
    w->rows_left--;
    return true;
}

/* A newly found object: true when it is new and within the cap. */
static bool visit(struct walk *w, const char *id)
{
    if (!set_put(&w->seen, id))
        return false;
    if (w->seen.count - 1 > w->cap) { /* the start does not count */
        w->stop = true;
        return false;
    }
    return true;
}

/* One frontier object upward: every group it is a direct member of. */
static int up_one(struct atrium_store *s, const char *tenant_id, struct walk *w, const char *id,
                  bool security_only, size_t *out_cap)
{
    char after[ATRIUM_UUID_LEN + 1] = "";
    for (;;) {
        struct atrium_group_list l = {0};
        int r = s->ops->group_memberships_of(s, tenant_id, id, after, WALK_PAGE, &l);
        if (r < 0)
            return r;
        for (size_t i = 0; i < l.count && !w->stop; i++) {
            const struct atrium_group *g = &l.items[i];
            if (!take_row(w) || !visit(w, g->id))
                continue;
            vec_push(&w->next, g->id);
            if (!security_only || g->security_enabled)
                out_push(&w->out, g->id, ATRIUM_MEMBER_GROUP, out_cap);
        }
        bool last = l.count < WALK_PAGE || w->stop;
        if (l.count)
            memcpy(after, l.items[l.count - 1].id, sizeof(after));
        atrium_group_list_release(&l);
        if (last)
            return 0;
    }
}

/* One frontier group downward: every direct member (groups are walked further). */
static int down_one(struct atrium_store *s, const char *tenant_id, struct walk *w, const char *id,
                    size_t *out_cap)
{
    char after[ATRIUM_UUID_LEN + 1] = "";
    for (;;) {
        struct atrium_member_ref_list l = {0};
        int r = s->ops->group_member_page(s, tenant_id, id, after, WALK_PAGE, &l);
        if (r == ATRIUM_ENOTFOUND)
            return 0; /* deleted meanwhile */
        if (r < 0)
            return r;
        for (size_t i = 0; i < l.count && !w->stop; i++) {
            const struct atrium_member_ref *m = &l.items[i];
            if (m->kind == ATRIUM_MEMBER_UNKNOWN ||
                (w->groups_only && m->kind != ATRIUM_MEMBER_GROUP) || !take_row(w) ||
                !visit(w, m->id))
                continue;
            if (m->kind == ATRIUM_MEMBER_GROUP)
                vec_push(&w->next, m->id);
            out_push(&w->out, m->id, m->kind, out_cap);
        }
        bool last = l.count < WALK_PAGE || w->stop;
        if (l.count)
            memcpy(after, l.items[l.count - 1].id, sizeof(after));
        atrium_member_ref_list_release(&l);
        if (last)
            return 0;
    }
}

/*
 * Walk level by level; up selects the direction. One level past the bound
 * is read only to learn whether anything lies there (then: truncated).
 */
static int walk_run(struct atrium_store *s, const char *tenant_id, struct walk *w, bool up,
                    bool security_only)
{
    size_t out_cap = 0;
    for (size_t level = 1; w->frontier.count && !w->stop; level++) {
        size_t before = w->out.count, seen_before = w->seen.count;
        w->next.count = 0;
        for (size_t i = 0; i < w->frontier.count && !w->stop; i++) {
            int r = up ? up_one(s, tenant_id, w, w->frontier.items[i], security_only, &out_cap)
                       : down_one(s, tenant_id, w, w->frontier.items[i], &out_cap);
            if (r < 0)
                return r;
        }
        if (level > ATRIUM_GROUP_NESTING_MAX) {
            w->stop = w->stop || w->seen.count > seen_before; /* deeper objects remain */
            w->out.count = before;
            break;
        }
        if (w->seen.count > seen_before)
            w->out.depth = level;
        struct idvec t = w->frontier;
        w->frontier = w->next;
        w->next = t;
    }
    w->out.truncated = w->stop;
    if (w->out.count > 1)
        qsort(w->out.items, w->out.count, sizeof(*w->out.items), cmp_ref);
    return 0;
}

int atrium_store_group_transitive_of(struct atrium_store *s, const char *tenant_id,
                                     const char *object_id, size_t cap, bool security_only,
                                     struct atrium_group_closure *ret)
{
    struct walk w;
    if (!tenant_id || !object_id || strlen(object_id) > ATRIUM_UUID_LEN)
        return ATRIUM_EINVAL;
    walk_init(&w, object_id, cap);
    int r = walk_run(s, tenant_id, &w, true, security_only);
    if (r == 0) {
        *ret = w.out;
        memset(&w.out, 0, sizeof(w.out));
    }
    walk_release(&w);
    return r;
}

int atrium_store_group_transitive_members(struct atrium_store *s, const char *tenant_id,
                                          const char *group_id, size_t cap, bool groups_only,
                                          struct atrium_group_closure *ret)
{
    struct atrium_group g = {0};
    struct walk w;
    if (!tenant_id || !group_id || strlen(group_id) > ATRIUM_UUID_LEN)
        return ATRIUM_EINVAL;
    int r = s->ops->group_get(s, tenant_id, group_id, &g);
    atrium_group_release(&g);
    if (r < 0)
        return r;
    walk_init(&w, group_id, cap);
    w.groups_only = groups_only;
    r = walk_run(s, tenant_id, &w, false, false);
    if (r == 0) {
        *ret = w.out;
        memset(&w.out, 0, sizeof(w.out));
    }
    walk_release(&w);
    return r;
}
