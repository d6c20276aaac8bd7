/* SPDX-License-Identifier: MIT */
/*
 * The store contract suite: written once against store.h and the ops table
 * only (no backend calls), so any backend can be checked with it. The store
 * comes from ATRIUM_TEST_STORE_URI, or a fresh SQLite file under
 * ATRIUM_TEST_TMP (or /tmp); a second pass runs on "sqlite::memory:".
 * Tests never assume an empty database: every tenant, id and domain name is
 * random, so a shared server database works too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "store/store.h"

#define T0 1700000000 /* a fixed creation time */

static const char *g_uri;     /* the store of the current pass */
static const char *g_tmp_dir; /* where fresh SQLite files go */
static bool g_default_sqlite; /* g_uri is a SQLite file this run created */

/* A second handle on the same database is only possible for shared stores. */
static bool uri_is_private(void)
{
    return strcmp(g_uri, "sqlite::memory:") == 0 || strcmp(g_uri, ":memory:") == 0;
}

static void remove_sqlite_files(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        AUTO_FREE char *f = xasprintf("%s%s", path, suffixes[i]);
        unlink(f);
    }
}

/* A fresh, unique SQLite file path under the test directory; caller owns. */
static char *fresh_sqlite_path(const char *tag)
{
    char hex[17];
    atrium_random_hex(hex, 8);
    return xasprintf("%s/store-%s-%ld-%s.db", g_tmp_dir, tag, (long)getpid(), hex);
}

static struct atrium_store *open_store(const char *uri)
{
    struct atrium_errinfo e = {0};
    struct atrium_store *s = NULL;
    int version = 0;
    assert_int_equal(atrium_store_open(uri, &s, &e), 0);
    assert_non_null(s);
    assert_int_equal(s->ops->version, ATRIUM_STORE_OPS_VERSION);
    assert_int_equal(atrium_store_migrate(s, &version), 0);
    assert_true(version >= 1);
    return s;
}

static int setup(void **state)
{
    *state = open_store(g_uri);
    return 0;
}

static int teardown(void **state)
{
    atrium_store_close(*state);
    return 0;
}

/* Insert a tenant with a random id and its initial domain (verified). */
static void new_tenant(struct atrium_store *s, char id[ATRIUM_UUID_LEN + 1])
{
    char hex[17];
    atrium_random_hex(hex, 8);
    AUTO_FREE char *domain = xasprintf("t%s.atrium.localhost", hex);
    struct atrium_tenant t = {.display_name = "Contoso",
                              .country = "US",
                              .contact_email = "ops@example.com",
                              .initial_domain = domain,
                              .created = T0};
    atrium_uuid_v4(t.id);
    assert_int_equal(s->ops->tenant_insert(s, &t), 0);
    struct atrium_domain d = {
        .name = domain, .is_initial = true, .is_default = true, .is_verified = true, .created = T0};
    assert_int_equal(s->ops->domain_insert(s, t.id, &d), 0);
    memcpy(id, t.id, sizeof(t.id));
}

static struct atrium_user user_template(const char *upn)
{
    struct atrium_user u = {.upn = (char *)upn,
                            .display_name = "Alice",
                            .account_enabled = true,
                            .password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
                            .created = T0,
                            .password_changed = T0};
    atrium_uuid_v4(u.id);
    return u;
}

static void new_user(struct atrium_store *s, const char *tenant_id, const char *upn,
                     char id[ATRIUM_UUID_LEN + 1])
{
    struct atrium_user u = user_template(upn);
    assert_int_equal(s->ops->user_insert(s, tenant_id, &u), 0);
    memcpy(id, u.id, sizeof(u.id));
}

static void new_group(struct atrium_store *s, const char *tenant_id, char id[ATRIUM_UUID_LEN + 1])
{
    struct atrium_group g = {
        .display_name = "Sales", .mail_nickname = "sales", .security_enabled = true, .created = T0};
    atrium_uuid_v4(g.id);
    assert_int_equal(s->ops->group_insert(s, tenant_id, &g), 0);
    memcpy(id, g.id, sizeof(g.id));
}

static struct atrium_role_assignment role_template(const char *role, const char *principal)
{
    struct atrium_role_assignment a = {.created = T0};
    atrium_uuid_v4(a.id);
    snprintf(a.role_template_id, sizeof(a.role_template_id), "%s", role);
    snprintf(a.principal_id, sizeof(a.principal_id), "%s", principal);
    return a;
}

static void test_open_refuses_unknown_uri(void **state)
{
    struct atrium_errinfo e = {0};
    struct atrium_store *s = NULL;
    struct atrium_store_pool *p = NULL;

    assert_int_equal(atrium_store_open("postgres://atrium:s3cret@db/atrium", &s, &e),
                     ATRIUM_EINVAL);
    assert_null(s);
    assert_int_equal(e.code, ATRIUM_EINVAL);
    assert_non_null(strstr(e.message, "postgres"));
    assert_null(strstr(e.message, "s3cret")); /* never echo credentials */
    assert_int_equal(atrium_store_open("postgresql:dbname=x", &s, NULL), ATRIUM_EINVAL);
    assert_int_equal(atrium_store_open("mysql://h/db", &s, NULL), ATRIUM_EINVAL);
    assert_int_equal(atrium_store_open("", &s, NULL), ATRIUM_EINVAL);
    assert_int_equal(atrium_store_open("sqlite:", &s, NULL), ATRIUM_EINVAL);
    assert_int_equal(atrium_store_open(NULL, &s, NULL), ATRIUM_EINVAL);
    assert_null(s);
    assert_int_equal(atrium_store_pool_new("pg://x", &p, NULL), ATRIUM_EINVAL);
    assert_null(p);
    atrium_store_close(NULL);
    atrium_store_pool_free(NULL);
}

static void test_migrate_idempotent(void **state)
{
    struct atrium_store *s = *state;
    int v1 = 0, v2 = 0;
    assert_int_equal(s->ops->ping(s), 0);
    assert_int_equal(atrium_store_migrate(s, &v1), 0);
    assert_int_equal(atrium_store_migrate(s, &v2), 0);
    assert_true(v1 >= 1);
    assert_int_equal(v1, v2);
    assert_int_equal(atrium_store_migrate(s, NULL), 0);
}

static void check_tenant_listed(struct atrium_store *s, const char *id)
{
    AUTO_FREE char *after = NULL;
    bool found = false;
    for (;;) {
        struct atrium_tenant_list l = {0};
        assert_int_equal(s->ops->tenant_list(s, after, 7, &l), 0);
        assert_true(l.count <= 7);
        for (size_t i = 0; i < l.count; i++) {
            if (after)
                assert_true(strcmp(l.items[i].id, after) > 0); /* strictly after, ordered */
            found = found || strcmp(l.items[i].id, id) == 0;
            xfree(after);
            after = xstrdup(l.items[i].id);
        }
        size_t n = l.count;
        atrium_tenant_list_release(&l);
        if (n < 7)
            break;
    }
    assert_true(found);
}

static void test_tenant_crud(void **state)
{
    struct atrium_store *s = *state;
    char id[ATRIUM_UUID_LEN + 1], missing[ATRIUM_UUID_LEN + 1];
    struct atrium_tenant t = {0};

    new_tenant(s, id);
    assert_int_equal(s->ops->tenant_get(s, id, &t), 0);
    assert_string_equal(t.id, id);
    assert_string_equal(t.display_name, "Contoso");
    assert_string_equal(t.country, "US");
    assert_string_equal(t.contact_email, "ops@example.com");
    assert_true(strstr(t.initial_domain, ".atrium.localhost") != NULL);
    assert_int_equal(t.created, T0);

    /* Same id again, or the same initial domain under another id: conflict. */
    assert_int_equal(s->ops->tenant_insert(s, &t), ATRIUM_ECONFLICT);
    struct atrium_tenant dup = t;
    atrium_uuid_v4(dup.id);
    assert_int_equal(s->ops->tenant_insert(s, &dup), ATRIUM_ECONFLICT);
    atrium_tenant_release(&t);

    atrium_uuid_v4(missing);
    assert_int_equal(s->ops->tenant_get(s, missing, &t), ATRIUM_ENOTFOUND);
    check_tenant_listed(s, id);

    struct atrium_tenant empty = {.country = "US", .initial_domain = "x.example", .created = T0};
    atrium_uuid_v4(empty.id);
    assert_int_equal(s->ops->tenant_insert(s, &empty), ATRIUM_EINVAL); /* no display name */
}

static bool domain_listed(struct atrium_store *s, const char *tenant_id, const char *name)
{
    struct atrium_domain_list l = {0};
    bool found = false;
    assert_int_equal(s->ops->domain_list(s, tenant_id, &l), 0);
    for (size_t i = 0; i < l.count; i++) {
        assert_string_equal(l.items[i].tenant_id, tenant_id);
        if (i > 0)
            assert_true(strcmp(l.items[i - 1].name, l.items[i].name) < 0);
        found = found || strcmp(l.items[i].name, name) == 0;
    }
    atrium_domain_list_release(&l);
    return found;
}

static void test_domain_crud(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], hex[17];
    struct atrium_domain d = {0};

    new_tenant(s, a);
    atrium_random_hex(hex, 8);
    AUTO_FREE char *mixed = xasprintf("Fabrikam-%s.EXAMPLE", hex);
    AUTO_FREE char *lower = xasprintf("fabrikam-%s.example", hex);
    struct atrium_domain in = {.name = mixed, .is_verified = true, .created = T0 + 1};
    assert_int_equal(s->ops->domain_insert(s, a, &in), 0);
    assert_true(domain_listed(s, a, lower)); /* stored lowercase */

    assert_int_equal(s->ops->domain_find_verified(s, mixed, &d), 0);
    assert_string_equal(d.tenant_id, a);
    assert_string_equal(d.name, lower);
    assert_true(d.is_verified);
    assert_false(d.is_initial);
    assert_null(d.verification_code);
    assert_int_equal(d.created, T0 + 1);
    atrium_domain_release(&d);

    /* Unverified domains are invisible to the global lookup. */
    AUTO_FREE char *pending = xasprintf("pending-%s.example", hex);
    struct atrium_domain un = {
        .name = pending, .verification_code = "MS=ms12345678", .created = T0};
    assert_int_equal(s->ops->domain_insert(s, a, &un), 0);
    assert_int_equal(s->ops->domain_find_verified(s, pending, &d), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->domain_insert(s, a, &un), ATRIUM_ECONFLICT); /* same tenant twice */
    assert_int_equal(s->ops->domain_find_verified(s, "nowhere.invalid", &d), ATRIUM_ENOTFOUND);

    /* A domain for a tenant that does not exist. */
    char missing[ATRIUM_UUID_LEN + 1];
    atrium_uuid_v4(missing);
    AUTO_FREE char *orphan = xasprintf("orphan-%s.example", hex);
    struct atrium_domain od = {.name = orphan, .created = T0};
    assert_int_equal(s->ops->domain_insert(s, missing, &od), ATRIUM_ENOTFOUND);
}

static void test_domain_uniqueness(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1], hex[17];
    struct atrium_domain d = {0};

    new_tenant(s, a);
    new_tenant(s, b);
    atrium_random_hex(hex, 8);

    /* The same unverified name may be claimed by two tenants. */
    AUTO_FREE char *shared = xasprintf("shared-%s.example", hex);
    struct atrium_domain un = {.name = shared, .created = T0};
    assert_int_equal(s->ops->domain_insert(s, a, &un), 0);
    assert_int_equal(s->ops->domain_insert(s, b, &un), 0);
    assert_true(domain_listed(s, a, shared));
    assert_true(domain_listed(s, b, shared));

    /* A verified name belongs to one tenant: verified or not, B cannot add it (any case). */
    AUTO_FREE char *owned = xasprintf("owned-%s.example", hex);
    AUTO_FREE char *owned_upper = xasprintf("OWNED-%s.example", hex);
    struct atrium_domain v = {.name = owned, .is_verified = true, .created = T0};
    assert_int_equal(s->ops->domain_insert(s, a, &v), 0);
    v.name = owned_upper;
    assert_int_equal(s->ops->domain_insert(s, b, &v), ATRIUM_ECONFLICT);
    v.is_verified = false;
    assert_int_equal(s->ops->domain_insert(s, b, &v), ATRIUM_ECONFLICT);
    assert_false(domain_listed(s, b, owned));
    assert_int_equal(s->ops->domain_find_verified(s, owned, &d), 0);
    assert_string_equal(d.tenant_id, a);
    atrium_domain_release(&d);

    /* Only one initial domain per tenant. */
    AUTO_FREE char *second = xasprintf("second-%s.example", hex);
    struct atrium_domain init2 = {.name = second, .is_initial = true, .created = T0};
    assert_int_equal(s->ops->domain_insert(s, a, &init2), ATRIUM_ECONFLICT);
}

static void test_user_crud(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], missing[ATRIUM_UUID_LEN + 1];
    struct atrium_user u = user_template("Alice.Smith@Contoso.example"), got = {0};

    new_tenant(s, t);
    u.given_name = "Alice";
    u.job_title = "Engineer";
    u.force_change_password = true;
    assert_int_equal(s->ops->user_insert(s, t, &u), 0);
    assert_int_equal(s->ops->user_get(s, t, u.id, &got), 0);
    assert_string_equal(got.id, u.id);
    assert_string_equal(got.tenant_id, t);
    assert_string_equal(got.upn, "Alice.Smith@Contoso.example"); /* case kept */
    assert_string_equal(got.display_name, "Alice");
    assert_string_equal(got.given_name, "Alice");
    assert_null(got.surname);
    assert_null(got.mail);
    assert_string_equal(got.job_title, "Engineer");
    assert_true(got.account_enabled);
    assert_true(got.force_change_password);
    assert_string_equal(got.password_hash, u.password_hash);
    assert_int_equal(got.created, T0);
    assert_int_equal(got.password_changed, T0);
    atrium_user_release(&got);

    assert_int_equal(s->ops->user_get_by_upn(s, t, "ALICE.SMITH@contoso.EXAMPLE", &got), 0);
    assert_string_equal(got.id, u.id);
    atrium_user_release(&got);

    assert_int_equal(s->ops->user_set_password(s, t, u.id, "$argon2id$new", false, T0 + 60), 0);
    assert_int_equal(s->ops->user_get(s, t, u.id, &got), 0);
    assert_string_equal(got.password_hash, "$argon2id$new");
    assert_false(got.force_change_password);
    assert_int_equal(got.password_changed, T0 + 60);
    atrium_user_release(&got);

    atrium_uuid_v4(missing);
    assert_int_equal(s->ops->user_get(s, t, missing, &got), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->user_get_by_upn(s, t, "nobody@contoso.example", &got),
                     ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->user_set_password(s, t, missing, "x", false, T0), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->user_insert(s, t, &u), ATRIUM_ECONFLICT); /* same id */
    struct atrium_user orphan = user_template("orphan@contoso.example");
    assert_int_equal(s->ops->user_insert(s, missing, &orphan), ATRIUM_ENOTFOUND);
}

static void test_user_upn_unique(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1], id[ATRIUM_UUID_LEN + 1];

    new_tenant(s, a);
    new_tenant(s, b);
    new_user(s, a, "bob@contoso.example", id);
    struct atrium_user again = user_template("BOB@Contoso.Example");
    assert_int_equal(s->ops->user_insert(s, a, &again), ATRIUM_ECONFLICT);
    /* Another tenant has its own UPN namespace. */
    assert_int_equal(s->ops->user_insert(s, b, &again), 0);
}

static void test_user_paging(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], id[ATRIUM_UUID_LEN + 1];
    char last[ATRIUM_UUID_LEN + 1] = "";
    size_t seen = 0, pages = 0;

    new_tenant(s, t);
    for (int i = 0; i < 25; i++) {
        AUTO_FREE char *upn = xasprintf("user%02d@contoso.example", i);
        new_user(s, t, upn, id);
    }
    for (;;) {
        struct atrium_user_list l = {0};
        assert_int_equal(s->ops->user_list(s, t, seen ? last : NULL, 10, &l), 0);
        for (size_t i = 0; i < l.count; i++) {
            assert_string_equal(l.items[i].tenant_id, t);
            assert_true(strcmp(l.items[i].id, last) > 0); /* ordered, no repeats */
            snprintf(last, sizeof(last), "%s", l.items[i].id);
        }
        size_t n = l.count;
        seen += n;
        atrium_user_list_release(&l);
        if (n == 0)
            break;
        pages++;
        assert_true(n == 10 || seen == 25);
    }
    assert_int_equal(seen, 25);
    assert_int_equal(pages, 3);

    struct atrium_user_list l = {0};
    assert_int_equal(s->ops->user_list(s, t, NULL, 0, &l), 0);
    assert_int_equal(l.count, 0);
    atrium_user_list_release(&l);
}

static void test_groups_and_members(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], g[ATRIUM_UUID_LEN + 1], inner[ATRIUM_UUID_LEN + 1];
    char u[ATRIUM_UUID_LEN + 1], missing[ATRIUM_UUID_LEN + 1];
    struct atrium_group got = {0};
    char **ids = NULL;
    size_t count = 99;

    new_tenant(s, t);
    new_group(s, t, g);
    new_group(s, t, inner);
    new_user(s, t, "carol@contoso.example", u);
    assert_int_equal(s->ops->group_get(s, t, g, &got), 0);
    assert_string_equal(got.id, g);
    assert_string_equal(got.tenant_id, t);
    assert_string_equal(got.display_name, "Sales");
    assert_null(got.description);
    assert_string_equal(got.mail_nickname, "sales");
    assert_true(got.security_enabled);
    assert_int_equal(got.created, T0);
    assert_int_equal(s->ops->group_insert(s, t, &got), ATRIUM_ECONFLICT);
    atrium_group_release(&got);

    assert_int_equal(s->ops->group_member_ids(s, t, g, &ids, &count), 0);
    assert_int_equal(count, 0);
    xfree(ids);

    assert_int_equal(s->ops->group_member_add(s, t, g, u), 0);
    assert_int_equal(s->ops->group_member_add(s, t, g, inner), 0); /* nested group */
    assert_int_equal(s->ops->group_member_add(s, t, g, u), ATRIUM_ECONFLICT);
    atrium_uuid_v4(missing);
    assert_int_equal(s->ops->group_member_add(s, t, g, missing), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->group_member_add(s, t, missing, u), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->group_get(s, t, missing, &got), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->group_member_ids(s, t, missing, &ids, &count), ATRIUM_ENOTFOUND);

    assert_int_equal(s->ops->group_member_ids(s, t, g, &ids, &count), 0);
    assert_int_equal(count, 2);
    assert_true(strcmp(ids[0], ids[1]) < 0);
    assert_true(strcmp(ids[0], u) == 0 || strcmp(ids[1], u) == 0);
    assert_true(strcmp(ids[0], inner) == 0 || strcmp(ids[1], inner) == 0);
    for (size_t i = 0; i < count; i++)
        xfree(ids[i]);
    xfree(ids);
}

static void test_role_assignments(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], u[ATRIUM_UUID_LEN + 1], g[ATRIUM_UUID_LEN + 1];
    char missing[ATRIUM_UUID_LEN + 1];
    struct atrium_role_assignment_list l = {0};

    new_tenant(s, t);
    new_user(s, t, "dave@contoso.example", u);
    new_group(s, t, g);
    struct atrium_role_assignment ga = role_template(ATRIUM_ROLE_GLOBAL_ADMIN, u);
    struct atrium_role_assignment ua = role_template(ATRIUM_ROLE_USER_ADMIN, u);
    struct atrium_role_assignment gr = role_template(ATRIUM_ROLE_DIRECTORY_READERS, g);
    assert_int_equal(s->ops->role_assign(s, t, &ga), 0);
    assert_int_equal(s->ops->role_assign(s, t, &ua), 0);
    assert_int_equal(s->ops->role_assign(s, t, &gr), 0); /* a group can hold a role */

    struct atrium_role_assignment again = role_template(ATRIUM_ROLE_GLOBAL_ADMIN, u);
    assert_int_equal(s->ops->role_assign(s, t, &again), ATRIUM_ECONFLICT);
    atrium_uuid_v4(missing);
    struct atrium_role_assignment nobody = role_template(ATRIUM_ROLE_GLOBAL_ADMIN, missing);
    assert_int_equal(s->ops->role_assign(s, t, &nobody), ATRIUM_ENOTFOUND);

    assert_int_equal(s->ops->role_assignments_for(s, t, u, &l), 0);
    assert_int_equal(l.count, 2);
    for (size_t i = 0; i < l.count; i++) {
        assert_string_equal(l.items[i].tenant_id, t);
        assert_string_equal(l.items[i].principal_id, u);
        assert_int_equal(l.items[i].created, T0);
    }
    assert_true(strcmp(l.items[0].id, ga.id) == 0 || strcmp(l.items[1].id, ga.id) == 0);
    atrium_role_assignment_list_release(&l);
    assert_int_equal(s->ops->role_assignments_for(s, t, missing, &l), 0);
    assert_int_equal(l.count, 0);
    atrium_role_assignment_list_release(&l);
}

static void test_transactions(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1];
    struct atrium_user got = {0};

    new_tenant(s, t);
    struct atrium_user u = user_template("erin@contoso.example");
    assert_int_equal(atrium_store_begin(s), 0);
    assert_int_equal(atrium_store_begin(s), ATRIUM_EINVAL); /* no nesting */
    assert_int_equal(atrium_store_migrate(s, NULL), ATRIUM_EINVAL);
    assert_int_equal(s->ops->user_insert(s, t, &u), 0);
    assert_int_equal(s->ops->user_get(s, t, u.id, &got), 0); /* visible inside */
    atrium_user_release(&got);
    assert_int_equal(atrium_store_rollback(s), 0);
    assert_int_equal(s->ops->user_get(s, t, u.id, &got), ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_store_rollback(s), 0); /* idempotent */
    assert_int_equal(atrium_store_commit(s), ATRIUM_EINVAL);

    /* A failed statement inside a transaction leaves it usable. */
    assert_int_equal(atrium_store_begin(s), 0);
    assert_int_equal(s->ops->user_insert(s, t, &u), 0);
    struct atrium_user dup = user_template("ERIN@contoso.example");
    assert_int_equal(s->ops->user_insert(s, t, &dup), ATRIUM_ECONFLICT);
    assert_int_equal(atrium_store_commit(s), 0);
    assert_int_equal(s->ops->user_get(s, t, u.id, &got), 0);
    atrium_user_release(&got);
    assert_int_equal(s->ops->user_get(s, t, dup.id, &got), ATRIUM_ENOTFOUND);
}

/*
 * A second handle does not see uncommitted writes, cannot start a second
 * write transaction (EBUSY after the busy timeout), and sees the commit.
 */
static void test_transaction_isolation(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1];
    struct atrium_user got = {0};

    if (uri_is_private())
        skip();
    new_tenant(s, t);
    struct atrium_store *other = open_store(g_uri);
    struct atrium_user u = user_template("frank@contoso.example");
    assert_int_equal(atrium_store_begin(s), 0);
    assert_int_equal(s->ops->user_insert(s, t, &u), 0);
    assert_int_equal(other->ops->user_get(other, t, u.id, &got), ATRIUM_ENOTFOUND);
    /* begin takes the write lock at once: a second writer gives up after the busy timeout. */
    assert_int_equal(atrium_store_begin(other), ATRIUM_EBUSY);
    assert_int_equal(atrium_store_commit(s), 0);
    assert_int_equal(other->ops->user_get(other, t, u.id, &got), 0);
    atrium_user_release(&got);
    atrium_store_close(other);
}

/*
 * A read snapshot: reads work, writes (plain or atomic) are refused and
 * leave it open, nothing nests, and end_read is harmless when none is open
 * (it neither commits nor rolls back a write transaction).
 */
static void test_read_snapshot(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], uid[ATRIUM_UUID_LEN + 1];
    struct atrium_user got = {0};

    new_tenant(s, t);
    new_user(s, t, "gina@contoso.example", uid);
    struct atrium_user u = user_template("hank@contoso.example");

    assert_int_equal(atrium_store_begin_read(s), 0);
    assert_int_equal(s->ops->user_get(s, t, uid, &got), 0);
    atrium_user_release(&got);
    assert_int_equal(atrium_store_begin_read(s), ATRIUM_EINVAL); /* no nesting */
    assert_int_equal(atrium_store_begin(s), ATRIUM_EINVAL);
    assert_int_equal(atrium_store_migrate(s, NULL), ATRIUM_EINVAL);
    assert_int_equal(s->ops->user_insert(s, t, &u), ATRIUM_EINTERNAL);
    assert_int_equal(s->ops->directory_object_unlink(s, t, uid), ATRIUM_EINTERNAL); /* atomic */
    assert_int_equal(s->ops->user_get(s, t, uid, &got), 0); /* still open and usable */
    atrium_user_release(&got);
    assert_int_equal(s->ops->user_get(s, t, u.id, &got), ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_store_end_read(s), 0);
    assert_int_equal(atrium_store_end_read(s), 0); /* harmless */

    /* Writes work again once it is ended. */
    assert_int_equal(s->ops->user_insert(s, t, &u), 0);
    assert_int_equal(s->ops->user_get(s, t, u.id, &got), 0);
    atrium_user_release(&got);

    /* Inside a write transaction: begin_read refuses, end_read leaves it alone. */
    struct atrium_user v = user_template("ivan@contoso.example");
    assert_int_equal(atrium_store_begin(s), 0);
    assert_int_equal(atrium_store_begin_read(s), ATRIUM_EINVAL);
    assert_int_equal(s->ops->user_insert(s, t, &v), 0);
    assert_int_equal(atrium_store_end_read(s), 0);
    assert_int_equal(atrium_store_rollback(s), 0);
    assert_int_equal(s->ops->user_get(s, t, v.id, &got), ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_store_begin(s), 0);
    assert_int_equal(s->ops->user_insert(s, t, &v), 0);
    assert_int_equal(atrium_store_commit(s), 0);
    assert_int_equal(s->ops->user_get(s, t, v.id, &got), 0);
    atrium_user_release(&got);
}

/*
 * A second handle's commits stay invisible inside a snapshot (taken at its
 * first read) until end_read; the snapshot does not block that writer.
 */
static void test_read_snapshot_isolation(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1];
    struct atrium_user got = {0};

    if (uri_is_private())
        skip();
    new_tenant(s, t);
    struct atrium_store *other = open_store(g_uri);
    struct atrium_user u = user_template("judy@contoso.example");
    assert_int_equal(atrium_store_begin_read(s), 0);
    assert_int_equal(s->ops->user_get(s, t, u.id, &got), ATRIUM_ENOTFOUND); /* the snapshot */
    assert_int_equal(other->ops->user_insert(other, t, &u), 0);
    assert_int_equal(other->ops->user_get(other, t, u.id, &got), 0);
    atrium_user_release(&got);
    assert_int_equal(s->ops->user_get(s, t, u.id, &got), ATRIUM_ENOTFOUND);
    /* A stale snapshot still refuses writes the same way (no SQLITE_BUSY_SNAPSHOT surprise). */
    struct atrium_user v = user_template("kim@contoso.example");
    assert_int_equal(s->ops->user_insert(s, t, &v), ATRIUM_EINTERNAL);
    assert_int_equal(atrium_store_end_read(s), 0);
    assert_int_equal(s->ops->user_get(s, t, u.id, &got), 0);
    atrium_user_release(&got);
    atrium_store_close(other);
}

static void check_user_unchanged(struct atrium_store *s, const char *t, const char *id,
                                 const char *hash)
{
    struct atrium_user got = {0};
    assert_int_equal(s->ops->user_get(s, t, id, &got), 0);
    assert_string_equal(got.password_hash, hash);
    assert_int_equal(got.password_changed, T0);
    atrium_user_release(&got);
}

static void test_cross_tenant(void **state)
{
    struct atrium_store *s = *state;
    char a[ATRIUM_UUID_LEN + 1], b[ATRIUM_UUID_LEN + 1];
    char ua[ATRIUM_UUID_LEN + 1], ub[ATRIUM_UUID_LEN + 1], ga[ATRIUM_UUID_LEN + 1];
    char gb[ATRIUM_UUID_LEN + 1];
    struct atrium_user got = {0};
    struct atrium_group gg = {0};
    char **ids = NULL;
    size_t count = 0;

    new_tenant(s, a);
    new_tenant(s, b);
    new_user(s, a, "grace@a.example", ua);
    new_user(s, b, "heidi@b.example", ub);
    new_group(s, a, ga);
    new_group(s, b, gb);
    const char *hash = user_template("x").password_hash;

    /* Reads of A's objects through B: exactly "not found". */
    assert_int_equal(s->ops->user_get(s, b, ua, &got), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->user_get_by_upn(s, b, "grace@a.example", &got), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->group_get(s, b, ga, &gg), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->group_member_ids(s, b, ga, &ids, &count), ATRIUM_ENOTFOUND);
    struct atrium_user_list l = {0};
    assert_int_equal(s->ops->user_list(s, b, NULL, 100, &l), 0);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.items[0].id, ub);
    atrium_user_list_release(&l);

    /* Writes through B, or mixing the tenants: refused, nothing changed. */
    assert_int_equal(s->ops->user_set_password(s, b, ua, "$evil", false, T0 + 1), ATRIUM_ENOTFOUND);
    check_user_unchanged(s, a, ua, hash);
    assert_int_equal(s->ops->group_member_add(s, b, ga, ub), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->group_member_add(s, a, ga, ub), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->group_member_add(s, b, gb, ua), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->group_member_add(s, a, ga, gb), ATRIUM_ENOTFOUND);
    assert_int_equal(s->ops->group_member_ids(s, a, ga, &ids, &count), 0);
    assert_int_equal(count, 0);
    xfree(ids);
    struct atrium_role_assignment ra = role_template(ATRIUM_ROLE_GLOBAL_ADMIN, ua);
    assert_int_equal(s->ops->role_assign(s, b, &ra), ATRIUM_ENOTFOUND);
    struct atrium_role_assignment_list rl = {0};
    assert_int_equal(s->ops->role_assignments_for(s, a, ua, &rl), 0);
    assert_int_equal(rl.count, 0);
    assert_int_equal(s->ops->role_assignments_for(s, b, ua, &rl), 0);
    assert_int_equal(rl.count, 0);
    atrium_role_assignment_list_release(&rl);

    /* A struct that names tenant A cannot be written under tenant B. */
    struct atrium_user smuggled = user_template("ivan@a.example");
    memcpy(smuggled.tenant_id, a, sizeof(smuggled.tenant_id));
    assert_int_equal(s->ops->user_insert(s, b, &smuggled), ATRIUM_EINVAL);
}

/* Durability basics: close the handle, reopen the database, the data is there. */
static void test_reopen_keeps_data(void **state)
{
    struct atrium_store *s = *state;
    char t[ATRIUM_UUID_LEN + 1], u[ATRIUM_UUID_LEN + 1];
    struct atrium_user got = {0};
    struct atrium_tenant tt = {0};
    int version = 0;

    if (uri_is_private())
        skip();
    new_tenant(s, t);
    assert_int_equal(atrium_store_begin(s), 0);
    new_user(s, t, "judy@contoso.example", u);
    assert_int_equal(atrium_store_commit(s), 0);
    atrium_store_close(s);
    *state = NULL; /* teardown must not close it twice if the reopen fails */

    *state = s = open_store(g_uri);
    assert_int_equal(atrium_store_migrate(s, &version), 0);
    assert_int_equal(s->ops->tenant_get(s, t, &tt), 0);
    atrium_tenant_release(&tt);
    assert_int_equal(s->ops->user_get_by_upn(s, t, "judy@contoso.example", &got), 0);
    assert_string_equal(got.id, u);
    atrium_user_release(&got);
}

struct pool_probe {
    struct atrium_store_pool *pool;
    pthread_barrier_t *barrier; /* NULL: run alone */
    const char *tenant_id;      /* to read through the handle, or NULL */
    struct atrium_store *got;
    struct atrium_store *again;
    int ping;
    int read;
};

/* Thread body: record results only; the assertions run on the main thread. */
static void *pool_thread(void *arg)
{
    struct pool_probe *p = arg;
    struct atrium_tenant t = {0};
    p->got = atrium_store_pool_get(p->pool);
    p->again = atrium_store_pool_get(p->pool);
    if (p->barrier)
        pthread_barrier_wait(p->barrier); /* both handles alive at once */
    p->ping = p->got ? p->got->ops->ping(p->got) : ATRIUM_EINTERNAL;
    p->read = 0;
    if (p->got && p->tenant_id) {
        p->read = p->got->ops->tenant_get(p->got, p->tenant_id, &t);
        atrium_tenant_release(&t);
    }
    return NULL;
}

static void test_pool(void **state)
{
    struct atrium_store *s = *state;
    struct atrium_store_pool *pool = NULL;
    pthread_barrier_t barrier;
    pthread_t th[3];
    char t[ATRIUM_UUID_LEN + 1];

    new_tenant(s, t);
    assert_int_equal(atrium_store_pool_new(g_uri, &pool, NULL), 0);
    struct atrium_store *mine = atrium_store_pool_get(pool);
    assert_non_null(mine);
    assert_ptr_equal(atrium_store_pool_get(pool), mine);
    assert_int_equal(atrium_store_migrate(mine, NULL), 0);

    pthread_barrier_init(&barrier, NULL, 2);
    const char *tid = uri_is_private() ? NULL : t;
    struct pool_probe probes[3] = {{pool, &barrier, tid, NULL, NULL, 0, 0},
                                   {pool, &barrier, tid, NULL, NULL, 0, 0},
                                   {pool, NULL, tid, NULL, NULL, 0, 0}};
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, pool_thread, &probes[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    /* A thread joining after the first two exited reuses their registry space. */
    assert_int_equal(pthread_create(&th[2], NULL, pool_thread, &probes[2]), 0);
    pthread_join(th[2], NULL);
    pthread_barrier_destroy(&barrier);

    for (int i = 0; i < 3; i++) {
        assert_non_null(probes[i].got);
        assert_ptr_equal(probes[i].again, probes[i].got); /* one handle per thread */
        assert_ptr_not_equal(probes[i].got, mine);
        assert_int_equal(probes[i].ping, 0);
        assert_int_equal(probes[i].read, 0);
    }
    assert_ptr_not_equal(probes[0].got, probes[1].got);
    assert_int_equal(mine->ops->ping(mine), 0);
    atrium_store_pool_free(pool); /* closes the main thread's handle too (ASan: no leak) */
}

struct migrate_probe {
    const char *uri;
    pthread_barrier_t *barrier;
    int result;
    int version;
};

static void *migrate_thread(void *arg)
{
    struct migrate_probe *m = arg;
    struct atrium_store *s = NULL;
    m->result = atrium_store_open(m->uri, &s, NULL);
    pthread_barrier_wait(m->barrier);
    if (m->result == 0)
        m->result = atrium_store_migrate(s, &m->version);
    atrium_store_close(s);
    return NULL;
}

/* Two connections migrating one fresh database at once: both succeed, one schema. */
static void test_concurrent_migrate(void **state)
{
    pthread_barrier_t barrier;
    pthread_t th[2];

    if (!g_default_sqlite)
        skip(); /* needs a fresh database of its own */
    AUTO_FREE char *path = fresh_sqlite_path("migrate");
    AUTO_FREE char *uri = xasprintf("sqlite:%s", path);
    struct migrate_probe m[2] = {{uri, &barrier, -100, 0}, {uri, &barrier, -100, 0}};
    pthread_barrier_init(&barrier, NULL, 2);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, migrate_thread, &m[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&barrier);
    remove_sqlite_files(path);
    assert_int_equal(m[0].result, 0);
    assert_int_equal(m[1].result, 0);
    assert_true(m[0].version >= 1);
    assert_int_equal(m[0].version, m[1].version);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_refuses_unknown_uri),
        cmocka_unit_test_setup_teardown(test_migrate_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tenant_crud, setup, teardown),
        cmocka_unit_test_setup_teardown(test_domain_crud, setup, teardown),
        cmocka_unit_test_setup_teardown(test_domain_uniqueness, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_crud, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_upn_unique, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_paging, setup, teardown),
        cmocka_unit_test_setup_teardown(test_groups_and_members, setup, teardown),
        cmocka_unit_test_setup_teardown(test_role_assignments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transaction_isolation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_snapshot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_snapshot_isolation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cross_tenant, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen_keeps_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pool, setup, teardown),
        cmocka_unit_test(test_concurrent_migrate),
    };
    const char *env_uri = getenv("ATRIUM_TEST_STORE_URI");
    const char *tmp = getenv("ATRIUM_TEST_TMP");
    AUTO_FREE char *path = NULL;
    AUTO_FREE char *file_uri = NULL;
    int failed = 0;

    g_tmp_dir = tmp && *tmp ? tmp : "/tmp";
    if (env_uri && *env_uri) {
        g_uri = env_uri;
    } else {
        path = fresh_sqlite_path("contract");
        file_uri = xasprintf("sqlite:%s", path);
        g_uri = file_uri;
        g_default_sqlite = true;
    }
    failed += cmocka_run_group_tests_name(g_uri, tests, NULL, NULL);

    g_uri = "sqlite::memory:";
    g_default_sqlite = false;
    failed += cmocka_run_group_tests_name("sqlite::memory:", tests, NULL, NULL);

    if (path)
        remove_sqlite_files(path);
    return failed ? 1 : 0;
}
