/* SPDX-License-Identifier: MIT */
/*
 * SQLite: the users listing engine (user_query). Results of every filter
 * kind, keyset paging over each ordering (asc and desc: every user exactly
 * once, in order), tenant isolation, the work budget, $search word
 * prefixes, soft delete (hidden, UPN kept reserved, restore, purge), and
 * the query plans: startswith and paging are index range scans, never a
 * full scan or a sort.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/err.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "store/store.h"
#include "store/store_sqlite.h"

#define T0 1700000000
#define NUSERS 120

struct fx {
    char *path;
    struct atrium_store *s;
    char ta[ATRIUM_UUID_LEN + 1], tb[ATRIUM_UUID_LEN + 1];
    char b_user[ATRIUM_UUID_LEN + 1];
};

static void tenant(struct atrium_store *s, char id[ATRIUM_UUID_LEN + 1], const char *domain)
{
    struct atrium_tenant t = {.display_name = "T", .country = "US", .created = T0};
    atrium_uuid_v4(t.id);
    t.initial_domain = (char *)domain;
    assert_int_equal(s->ops->tenant_insert(s, &t), 0);
    memcpy(id, t.id, sizeof(t.id));
}

static void user(struct atrium_store *s, const char *tid, const char *upn, const char *name,
                 const char *mail, int64_t created, char ret_id[ATRIUM_UUID_LEN + 1])
{
    struct atrium_user u = {.upn = (char *)upn,
                            .display_name = (char *)name,
                            .mail = (char *)mail,
                            .account_enabled = true,
                            .created = created,
                            .password_changed = created};
    atrium_uuid_v4(u.id);
    assert_int_equal(s->ops->user_insert(s, tid, &u), 0);
    if (ret_id)
        memcpy(ret_id, u.id, sizeof(u.id));
}

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    const char *tmp = getenv("ATRIUM_TEST_TMP");
    char hex[17];
    atrium_random_hex(hex, 8);
    f->path =
        xasprintf("%s/users-query-%ld-%s.db", tmp && *tmp ? tmp : "/tmp", (long)getpid(), hex);
    AUTO_FREE char *uri = xasprintf("sqlite:%s", f->path);
    assert_int_equal(atrium_store_open(uri, &f->s, NULL), 0);
    assert_int_equal(atrium_store_migrate(f->s, NULL), 0);
    tenant(f->s, f->ta, "a.example");
    tenant(f->s, f->tb, "b.example");
    assert_int_equal(atrium_store_begin(f->s), 0);
    for (int i = 0; i < NUSERS; i++) {
        char upn[64], name[64], mail[64];
        snprintf(upn, sizeof(upn), "user%03d@a.example", i);
        /* Mixed case, so NOCASE ordering and matching are exercised. */
        snprintf(name, sizeof(name), "%s %03d", i % 2 ? "user" : "User", (i * 37) % NUSERS);
        snprintf(mail, sizeof(mail), "u%03d@mail.example", i);
        user(f->s, f->ta, upn, name, i % 3 ? mail : NULL, T0 + i, NULL);
    }
    assert_int_equal(atrium_store_commit(f->s), 0);
    user(f->s, f->ta, "ada@a.example", "Countess Ada-Lovelace", "ada@mail.example", T0, NULL);
    user(f->s, f->ta, "nevada@a.example", "Nevada Smith", NULL, T0, NULL);
    user(f->s, f->tb, "ada@b.example", "Ada of B", "ada@b.example", T0, f->b_user);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    atrium_store_close(f->s);
    for (size_t i = 0; i < 3; i++) {
        AUTO_FREE char *p = xasprintf("%s%s", f->path, suffixes[i]);
        unlink(p);
    }
    free(f->path);
    free(f);
    return 0;
}

static struct atrium_qnode *cmp(enum atrium_qop op, int prop, const char *s)
{
    struct atrium_qvalue v = {.type = ATRIUM_QT_STRING, .s = s ? xstrdup(s) : NULL};
    if (!s)
        v.type = ATRIUM_QT_NULL;
    return atrium_qnode_leaf(ATRIUM_QK_CMP, op, prop, &v);
}

/* How many users of tenant match filter (one big page). */
static size_t count_of(struct fx *f, const char *tid, const struct atrium_qnode *filter,
                       const struct atrium_qnode *search)
{
    struct atrium_user_query q = {.filter = filter,
                                  .search = search,
                                  .order = {-1, false},
                                  .limit = 1000,
                                  .want_count = true};
    struct atrium_user_page p = {0};
    assert_int_equal(f->s->ops->user_query(f->s, tid, &q, &p), 0);
    assert_int_equal((int64_t)p.count, p.total);
    assert_false(p.has_more);
    size_t n = p.count;
    atrium_user_page_release(&p);
    return n;
}

static void test_filters(void **state)
{
    struct fx *f = *state;
    struct atrium_qnode *n;
    n = cmp(ATRIUM_QOP_STARTSWITH, ATRIUM_UPROP_DISPLAY_NAME, "USER 01");
    assert_int_equal(count_of(f, f->ta, n, NULL), 10); /* "user 010".."user 019", any case */
    atrium_qnode_free(n);
    n = cmp(ATRIUM_QOP_EQ, ATRIUM_UPROP_UPN, "USER007@A.EXAMPLE");
    assert_int_equal(count_of(f, f->ta, n, NULL), 1);
    atrium_qnode_free(n);
    n = cmp(ATRIUM_QOP_ENDSWITH, ATRIUM_UPROP_UPN, "5@a.example");
    assert_int_equal(count_of(f, f->ta, n, NULL), 12);
    atrium_qnode_free(n);
    n = cmp(ATRIUM_QOP_ENDSWITH, ATRIUM_UPROP_UPN, "%"); /* LIKE wildcards are literal */
    assert_int_equal(count_of(f, f->ta, n, NULL), 0);
    atrium_qnode_free(n);
    n = cmp(ATRIUM_QOP_EQ, ATRIUM_UPROP_MAIL, NULL); /* eq null */
    assert_int_equal(count_of(f, f->ta, n, NULL), 41);
    atrium_qnode_free(n);
    /* not startswith(mail,'u'): users without a mail count as not matching the inner test. */
    n = atrium_qnode_join(ATRIUM_QK_NOT, cmp(ATRIUM_QOP_STARTSWITH, ATRIUM_UPROP_MAIL, "u"), NULL);
    assert_int_equal(count_of(f, f->ta, n, NULL), 42);
    atrium_qnode_free(n);
    n = atrium_qnode_join(ATRIUM_QK_OR, cmp(ATRIUM_QOP_EQ, ATRIUM_UPROP_MAIL, "ADA@mail.example"),
                          cmp(ATRIUM_QOP_STARTSWITH, ATRIUM_UPROP_DISPLAY_NAME, "nevada"));
    assert_int_equal(count_of(f, f->ta, n, NULL), 2);
    atrium_qnode_free(n);
    struct atrium_qvalue t = {.type = ATRIUM_QT_DATETIME, .t = T0 + 100};
    n = atrium_qnode_leaf(ATRIUM_QK_CMP, ATRIUM_QOP_GE, ATRIUM_UPROP_CREATED, &t);
    assert_int_equal(count_of(f, f->ta, n, NULL), 20);
    atrium_qnode_free(n);
    struct atrium_qvalue smtp = {.type = ATRIUM_QT_STRING, .s = xstrdup("smtp:ada@")};
    n = atrium_qnode_leaf(ATRIUM_QK_ANY, ATRIUM_QOP_STARTSWITH, ATRIUM_UPROP_PROXY_ADDRESSES,
                          &smtp);
    assert_int_equal(count_of(f, f->ta, n, NULL), 1);
    atrium_qnode_free(n);
}

static void test_isolation(void **state)
{
    struct fx *f = *state;
    struct atrium_qvalue id = {.type = ATRIUM_QT_GUID, .s = xstrdup(f->b_user)};
    struct atrium_qnode *n = atrium_qnode_leaf(ATRIUM_QK_CMP, ATRIUM_QOP_EQ, ATRIUM_UPROP_ID, &id);
    assert_int_equal(count_of(f, f->ta, n, NULL), 0);
    assert_int_equal(count_of(f, f->tb, n, NULL), 1);
    atrium_qnode_free(n);
    n = cmp(ATRIUM_QOP_EQ, ATRIUM_UPROP_UPN, "ada@b.example");
    assert_int_equal(count_of(f, f->ta, n, NULL), 0);
    atrium_qnode_free(n);
    assert_int_equal(count_of(f, f->tb, NULL, NULL), 1);
    struct atrium_user u = {0};
    assert_int_equal(f->s->ops->user_get(f->s, f->ta, f->b_user, &u), ATRIUM_ENOTFOUND);
}

static void test_search(void **state)
{
    struct fx *f = *state;
    struct atrium_qvalue v = {.type = ATRIUM_QT_STRING, .s = xstrdup("ada")};
    struct atrium_qnode *n =
        atrium_qnode_leaf(ATRIUM_QK_SEARCH, ATRIUM_QOP_EQ, ATRIUM_UPROP_DISPLAY_NAME, &v);
    /* "Countess Ada-Lovelace" (a word starts with ada), not "Nevada Smith". */
    assert_int_equal(count_of(f, f->ta, NULL, n), 1);
    atrium_qnode_free(n);
    v = (struct atrium_qvalue){.type = ATRIUM_QT_STRING, .s = xstrdup("LOVE")};
    n = atrium_qnode_leaf(ATRIUM_QK_SEARCH, ATRIUM_QOP_EQ, ATRIUM_UPROP_DISPLAY_NAME, &v);
    assert_int_equal(count_of(f, f->ta, NULL, n), 1);
    atrium_qnode_free(n);
}

/*
 * Page through the users of tenant A matching filter, limit at a time, asking for order
 * `asked` and checking the order `prop` (what the store derives when asked is -1), and
 * that each user comes exactly once.
 */
static void page_filtered(struct fx *f, const struct atrium_qnode *filter, int asked, int prop,
                          bool desc, size_t limit, size_t expected, uint64_t budget)
{
    struct atrium_qcursor after = {0};
    size_t seen = 0;
    char prev_key[128] = "", prev_id[ATRIUM_UUID_LEN + 1] = "";
    int64_t prev_created = 0;
    for (int guard = 0; guard < 1000; guard++) {
        struct atrium_user_query q = {.filter = filter,
                                      .order = {asked, desc},
                                      .after = &after,
                                      .limit = limit,
                                      .budget = budget};
        struct atrium_user_page p = {0};
        assert_int_equal(f->s->ops->user_query(f->s, f->ta, &q, &p), 0);
        for (size_t i = 0; i < p.count; i++) {
            const struct atrium_user *u = &p.items[i];
            const char *key = prop == ATRIUM_UPROP_UPN ? u->upn : u->display_name;
            int c = prop == ATRIUM_UPROP_CREATED
                        ? (u->created > prev_created) - (u->created < prev_created)
                    : prop < 0 ? 0
                               : strcasecmp(key, prev_key);
            if (c == 0)
                c = strcmp(u->id, prev_id);
            if (seen && (desc ? c >= 0 : c <= 0))
                fail_msg("out of order at %zu: %s after %s", seen, u->id, prev_id);
            snprintf(prev_key, sizeof(prev_key), "%s", prop < 0 ? "" : key ? key : "");
            snprintf(prev_id, sizeof(prev_id), "%s", u->id);
            prev_created = u->created;
            seen++;
        }
        atrium_qcursor_release(&after);
        bool more = p.has_more;
        after = p.next;
        memset(&p.next, 0, sizeof(p.next));
        atrium_user_page_release(&p);
        if (!more)
            break;
    }
    atrium_qcursor_release(&after);
    assert_int_equal(seen, expected);
}

static void page_all(struct fx *f, int prop, bool desc, size_t limit)
{
    page_filtered(f, NULL, prop, prop, desc, limit, NUSERS + 2, 0);
}

static void test_keyset_paging(void **state)
{
    struct fx *f = *state;
    page_all(f, -1, false, 7);
    page_all(f, -1, true, 50);
    page_all(f, ATRIUM_UPROP_DISPLAY_NAME, false, 7);
    page_all(f, ATRIUM_UPROP_DISPLAY_NAME, true, 13);
    page_all(f, ATRIUM_UPROP_UPN, false, 9);
    page_all(f, ATRIUM_UPROP_UPN, true, 200);
    page_all(f, ATRIUM_UPROP_CREATED, false, 11);
    page_all(f, ATRIUM_UPROP_CREATED, true, 1);
    struct atrium_qnode *sw = cmp(ATRIUM_QOP_STARTSWITH, ATRIUM_UPROP_DISPLAY_NAME, "USER");
    page_filtered(f, sw, -1, ATRIUM_UPROP_DISPLAY_NAME, false, 8, NUSERS, 0);
    /*
     * Every page costs about the same: a later page seeks to its position instead of
     * walking the prefix range from its start (which would exceed this small budget).
     */
    page_filtered(f, sw, -1, ATRIUM_UPROP_DISPLAY_NAME, false, 8, NUSERS, 512);
    page_filtered(f, sw, ATRIUM_UPROP_DISPLAY_NAME, ATRIUM_UPROP_DISPLAY_NAME, true, 8, NUSERS,
                  512);
    page_filtered(f, NULL, ATRIUM_UPROP_DISPLAY_NAME, ATRIUM_UPROP_DISPLAY_NAME, false, 8,
                  NUSERS + 2, 512);
    atrium_qnode_free(sw);
}

static void test_budget(void **state)
{
    struct fx *f = *state;
    struct atrium_qvalue v = {.type = ATRIUM_QT_STRING, .s = xstrdup("user")};
    struct atrium_qnode *n =
        atrium_qnode_leaf(ATRIUM_QK_SEARCH, ATRIUM_QOP_EQ, ATRIUM_UPROP_DISPLAY_NAME, &v);
    /* Fewer steps than reading every user takes. */
    struct atrium_user_query q = {
        .search = n, .order = {-1, false}, .limit = 1000, .want_count = true, .budget = 1};
    struct atrium_user_page p = {0};
    assert_int_equal(f->s->ops->user_query(f->s, f->ta, &q, &p), ATRIUM_ETOOBIG);
    assert_int_equal(p.count, 0);
    q.budget = 0; /* the default allows it */
    assert_int_equal(f->s->ops->user_query(f->s, f->ta, &q, &p), 0);
    atrium_user_page_release(&p);
    atrium_qnode_free(n);
    /* The handler is gone afterwards: an ordinary statement runs. */
    struct atrium_user u = {0};
    assert_int_equal(f->s->ops->user_get_by_upn(f->s, f->ta, "user001@a.example", &u), 0);
    atrium_user_release(&u);
}

static char *plan(struct fx *f, const struct atrium_qnode *filter, int order, bool count)
{
    struct atrium_qcursor after = {.set = true, .has_text = order != ATRIUM_UPROP_CREATED};
    snprintf(after.id, sizeof(after.id), "%s", "00000000-0000-4000-8000-000000000000");
    after.text = "m";
    struct atrium_user_query q = {.filter = filter,
                                  .order = {order, false},
                                  .after = &after,
                                  .limit = 10,
                                  .want_count = count};
    char *out = NULL;
    assert_int_equal(atrium_sqlite_user_query_plan(f->s, f->ta, &q, count, &out), 0);
    return out;
}

static void expect_plan(char *p, const char *index)
{
    if (getenv("ATRIUM_TEST_VERBOSE"))
        print_message("%s", p);
    if (!strstr(p, index) || strstr(p, "SCAN users") || strstr(p, "TEMP B-TREE"))
        fail_msg("plan does not use %s as a range: %s", index, p);
    free(p);
}

static void test_plans(void **state)
{
    struct fx *f = *state;
    struct atrium_qnode *sw = cmp(ATRIUM_QOP_STARTSWITH, ATRIUM_UPROP_DISPLAY_NAME, "ad");
    expect_plan(plan(f, sw, -1, true),
                "USING INDEX users_by_name (tenant_id=? AND display_name>? AND display_name<?)");
    expect_plan(plan(f, sw, ATRIUM_UPROP_DISPLAY_NAME, false), "users_by_name");
    /* Without $orderby the page follows the index of the filter: no sort of every match. */
    expect_plan(plan(f, sw, -1, false), "users_by_name");
    atrium_qnode_free(sw);
    /* A later page starts its range at the cursor: never a scan from the tenant's first user. */
    expect_plan(plan(f, NULL, ATRIUM_UPROP_DISPLAY_NAME, false),
                "users_by_name (tenant_id=? AND display_name>?)");
    expect_plan(plan(f, NULL, ATRIUM_UPROP_CREATED, false),
                "users_by_created (tenant_id=? AND created>?)");
    expect_plan(plan(f, NULL, ATRIUM_UPROP_UPN, false),
                "sqlite_autoindex_users_2 (tenant_id=? AND upn_lower>?)");
    expect_plan(plan(f, NULL, -1, false), "sqlite_autoindex_users_1 (tenant_id=? AND id>?)");
    struct atrium_qnode *mail = cmp(ATRIUM_QOP_EQ, ATRIUM_UPROP_MAIL, "a@b.example");
    expect_plan(plan(f, mail, -1, false), "users_by_mail");
    atrium_qnode_free(mail);
    struct atrium_qnode *upn = cmp(ATRIUM_QOP_STARTSWITH, ATRIUM_UPROP_UPN, "user0");
    expect_plan(plan(f, upn, -1, true), "sqlite_autoindex_users_2 (tenant_id=? AND upn_lower>?");
    atrium_qnode_free(upn);
}

static void test_soft_delete(void **state)
{
    struct fx *f = *state;
    struct atrium_user u = {0};
    assert_int_equal(f->s->ops->user_get_by_upn(f->s, f->ta, "ada@a.example", &u), 0);
    char id[ATRIUM_UUID_LEN + 1];
    memcpy(id, u.id, sizeof(id));
    atrium_user_release(&u);
    assert_int_equal(f->s->ops->user_soft_delete(f->s, f->ta, id, T0 + 10), 0);
    assert_int_equal(f->s->ops->user_soft_delete(f->s, f->ta, id, T0 + 10), ATRIUM_ENOTFOUND);
    assert_int_equal(f->s->ops->user_get(f->s, f->ta, id, &u), ATRIUM_ENOTFOUND);
    assert_int_equal(f->s->ops->user_get_by_upn(f->s, f->ta, "ada@a.example", &u),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(count_of(f, f->ta, NULL, NULL), NUSERS + 1);
    /* The UPN stays reserved. */
    struct atrium_user again = {
        .upn = "ADA@a.example", .display_name = "Impostor", .created = T0, .password_changed = T0};
    atrium_uuid_v4(again.id);
    assert_int_equal(f->s->ops->user_insert(f->s, f->ta, &again), ATRIUM_ECONFLICT);
    /* Deleted listing, other tenant cannot see or restore it. */
    struct atrium_user_query q = {.order = {-1, false}, .limit = 10, .deleted = true};
    struct atrium_user_page p = {0};
    assert_int_equal(f->s->ops->user_query(f->s, f->ta, &q, &p), 0);
    assert_int_equal(p.count, 1);
    assert_int_equal(p.items[0].deleted, T0 + 10);
    atrium_user_page_release(&p);
    assert_int_equal(f->s->ops->user_restore(f->s, f->tb, id), ATRIUM_ENOTFOUND);
    assert_int_equal(f->s->ops->user_purge(f->s, f->tb, id), ATRIUM_ENOTFOUND);
    assert_int_equal(f->s->ops->user_get_deleted(f->s, f->tb, id, &u), ATRIUM_ENOTFOUND);
    /* Expired: listed once the cut-off passes it. */
    char **ids = NULL;
    size_t n = 0;
    assert_int_equal(f->s->ops->user_expired(f->s, f->ta, T0 + 9, 10, &ids, &n), 0);
    assert_int_equal(n, 0);
    free(ids);
    assert_int_equal(f->s->ops->user_expired(f->s, f->ta, T0 + 10, 10, &ids, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(ids[0], id);
    free(ids[0]);
    free(ids);
    /* Restore, delete again, purge: the UPN is free afterwards. */
    assert_int_equal(f->s->ops->user_restore(f->s, f->ta, id), 0);
    assert_int_equal(f->s->ops->user_get(f->s, f->ta, id, &u), 0);
    atrium_user_release(&u);
    assert_int_equal(f->s->ops->user_purge(f->s, f->ta, id), ATRIUM_ENOTFOUND); /* active */
    assert_int_equal(f->s->ops->user_soft_delete(f->s, f->ta, id, T0 + 20), 0);
    assert_int_equal(f->s->ops->user_purge(f->s, f->ta, id), 0);
    assert_int_equal(f->s->ops->user_get_deleted(f->s, f->ta, id, &u), ATRIUM_ENOTFOUND);
    assert_int_equal(f->s->ops->user_insert(f->s, f->ta, &again), 0);
}

static void test_profile_round_trip(void **state)
{
    struct fx *f = *state;
    struct atrium_user u = {0};
    assert_int_equal(f->s->ops->user_get_by_upn(f->s, f->ta, "nevada@a.example", &u), 0);
    u.attrs[ATRIUM_USER_ATTR_DEPARTMENT] = xstrdup("Sales");
    atrium_strv_push(&u.business_phones, "+1 555 0100");
    atrium_strv_push(&u.other_mails, "n@other.example");
    xfree(u.upn);
    u.upn = xstrdup("Nevada.Smith@a.example");
    assert_int_equal(f->s->ops->user_update(f->s, f->ta, &u), 0);
    struct atrium_user got = {0};
    assert_int_equal(f->s->ops->user_get_by_upn(f->s, f->ta, "nevada.smith@A.example", &got), 0);
    assert_string_equal(got.attrs[ATRIUM_USER_ATTR_DEPARTMENT], "Sales");
    assert_int_equal(got.business_phones.count, 1);
    assert_string_equal(got.other_mails.items[0], "n@other.example");
    atrium_user_release(&got);
    struct atrium_qvalue v = {.type = ATRIUM_QT_STRING, .s = xstrdup("N@OTHER.example")};
    struct atrium_qnode *n =
        atrium_qnode_leaf(ATRIUM_QK_ANY, ATRIUM_QOP_EQ, ATRIUM_UPROP_OTHER_MAILS, &v);
    assert_int_equal(count_of(f, f->ta, n, NULL), 1);
    atrium_qnode_free(n);
    /* Another tenant's update of the same id changes nothing. */
    snprintf(u.tenant_id, sizeof(u.tenant_id), "%s", f->tb);
    assert_int_equal(f->s->ops->user_update(f->s, f->tb, &u), ATRIUM_ENOTFOUND);
    atrium_user_release(&u);
}

static void test_organization(void **state)
{
    struct fx *f = *state;
    struct atrium_strv mails = {0};
    assert_int_equal(f->s->ops->tenant_notification_mails(f->s, f->ta, &mails), 0);
    assert_int_equal(mails.count, 0); /* no contact e-mail at sign-up */
    atrium_strv_push(&mails, "it@a.example");
    assert_int_equal(f->s->ops->tenant_update_profile(f->s, f->ta, "Renamed", &mails), 0);
    atrium_strv_release(&mails);
    assert_int_equal(f->s->ops->tenant_notification_mails(f->s, f->ta, &mails), 0);
    assert_int_equal(mails.count, 1);
    assert_string_equal(mails.items[0], "it@a.example");
    atrium_strv_release(&mails);
    struct atrium_tenant t = {0};
    assert_int_equal(f->s->ops->tenant_get(f->s, f->ta, &t), 0);
    assert_string_equal(t.display_name, "Renamed");
    atrium_tenant_release(&t);
    assert_int_equal(
        f->s->ops->tenant_update_profile(f->s, "33333333-3333-4333-8333-333333333333", "x", NULL),
        ATRIUM_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_isolation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keyset_paging, setup, teardown),
        cmocka_unit_test_setup_teardown(test_budget, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plans, setup, teardown),
        cmocka_unit_test_setup_teardown(test_soft_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_profile_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_organization, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
