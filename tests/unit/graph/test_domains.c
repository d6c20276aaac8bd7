/* SPDX-License-Identifier: MIT */
/*
 * The custom-domain services (graph/domains.h) on an in-memory store with
 * two signed-up tenants and a fake DNS responder on 127.0.0.1: the
 * permission rules, add (normalisation, reserved suffix, duplicates, names
 * verified elsewhere), verification (missing, wrong and right TXT, the MX
 * alternative, SERVFAIL, unreachable server, subdomains without DNS), what
 * a verified domain then means (users with its suffix, tenant resolution),
 * the default domain, deletion guards, isolation, and the renderings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "crypto/pwhash.h"
#include "graph/authz.h"
#include "graph/dns.h"
#include "graph/domains.h"
#include "model/directory_role.h"

#define PASSWORD "Vq7#mZ2!pL9x-tRw"

/* --- a fake DNS responder ---------------------------------------------------------- */

/* What the responder says: rcode, and the one TXT value / MX host (or none). */
static char g_txt[128], g_mx[128];
static atomic_int g_rcode;

/* Append one record (owner: pointer to the question) to out at *len. */
static void put_rr(uint8_t *out, size_t *len, unsigned type, const char *value)
{
    size_t vl = strlen(value), rdlen = type == ATRIUM_DNS_TYPE_TXT ? vl + 1 : 2 + vl + 2;
    uint8_t rr[12] = {0xc0, 0x0c, 0, (uint8_t)type, 0, 1, 0, 0, 0x0e, 0x10, 0, (uint8_t)rdlen};
    memcpy(out + *len, rr, sizeof(rr));
    *len += sizeof(rr);
    if (type == ATRIUM_DNS_TYPE_TXT) {
        out[(*len)++] = (uint8_t)vl;
        memcpy(out + *len, value, vl);
        *len += vl;
        return;
    }
    out[(*len)++] = 0x7f; /* preference 32767 */
    out[(*len)++] = 0xff;
    for (const char *p = value; *p;) { /* the host, uncompressed */
        const char *dot = strchr(p, '.');
        size_t l = dot ? (size_t)(dot - p) : strlen(p);
        out[(*len)++] = (uint8_t)l;
        memcpy(out + *len, p, l);
        *len += l;
        p += l + (dot ? 1 : 0);
    }
    out[(*len)++] = 0;
}

static void answer(int fd)
{
    uint8_t q[512], out[1024];
    struct sockaddr_in from;
    socklen_t flen = sizeof(from);
    ssize_t n = recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&from, &flen);
    if (n < 17)
        return;
    size_t len = (size_t)n;
    unsigned qtype = q[len - 3];
    memcpy(out, q, len);
    out[2] = 0x81;
    out[3] = (uint8_t)(0x80 | atomic_load(&g_rcode));
    const char *value = qtype == ATRIUM_DNS_TYPE_TXT ? g_txt : g_mx;
    if (value[0] && atomic_load(&g_rcode) == 0) {
        out[7] = 1;
        put_rr(out, &len, qtype, value);
    }
    sendto(fd, out, len, 0, (struct sockaddr *)&from, flen);
}

static atomic_bool g_stop;
static int g_dns_fd;
static char g_dns_server[32];

static void *dns_main(void *arg)
{
    (void)arg;
    while (!atomic_load(&g_stop)) {
        struct pollfd p = {.fd = g_dns_fd, .events = POLLIN};
        if (poll(&p, 1, 50) > 0)
            answer(g_dns_fd);
    }
    return NULL;
}

/* --- fixture ------------------------------------------------------------------------- */

struct fx {
    struct atrium_store *s;
    struct atrium_pwhasher *hasher;
    struct atrium_directory_config cfg;
    struct atrium_signup_result a, b;
    struct atrium_principal admin_a, admin_b;
    pthread_t dns;
};

static struct atrium_principal delegated(const char *tenant, const char *user, const char *scope,
                                         const char *wid)
{
    struct atrium_principal p = {0};
    snprintf(p.tenant_id, sizeof(p.tenant_id), "%s", tenant);
    snprintf(p.user_id, sizeof(p.user_id), "%s", user);
    if (scope)
        p.scopes[p.scope_count++] = xstrdup(scope);
    if (wid)
        p.wids[p.wid_count++] = xstrdup(wid);
    return p;
}

static void signup(struct fx *f, const char *prefix, struct atrium_signup_result *ret)
{
    struct atrium_signup_request req = {.display_name = "Org",
                                        .domain_prefix = prefix,
                                        .country = "US",
                                        .contact_email = "it@example.com",
                                        .admin_given_name = "Ada",
                                        .admin_surname = "Admin",
                                        .admin_user_name = "ada",
                                        .admin_password = PASSWORD};
    struct atrium_errinfo e = {0};
    assert_int_equal(atrium_tenant_signup(f->s, &f->cfg, &req, ret, &e), 0);
}

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    struct atrium_errinfo e = {0};
    int version = 0;
    assert_int_equal(atrium_store_open("sqlite::memory:", &f->s, &e), 0);
    assert_int_equal(atrium_store_migrate(f->s, &version), 0);
    struct atrium_pwhash_params p = {
        .memory_kib = 1024, .iterations = 1, .parallelism = 1, .max_concurrent = 1};
    assert_int_equal(atrium_pwhasher_new(&p, &f->hasher), 0);
    f->cfg = (struct atrium_directory_config){.initial_domain_suffix = "atrium.localhost",
                                              .password_policy = ATRIUM_PASSWORD_POLICY_DEFAULT,
                                              .hasher = f->hasher};
    signup(f, "alpha", &f->a);
    signup(f, "beta", &f->b);
    f->admin_a =
        delegated(f->a.tenant.id, f->a.admin.id, "Domain.ReadWrite.All", ATRIUM_ROLE_GLOBAL_ADMIN);
    f->admin_b = delegated(f->b.tenant.id, f->b.admin.id, "Directory.ReadWrite.All",
                           ATRIUM_ROLE_DOMAIN_NAME_ADMIN);

    g_txt[0] = g_mx[0] = '\0';
    atomic_store(&g_rcode, 0);
    atomic_store(&g_stop, false);
    g_dns_fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof(a);
    assert_int_equal(bind(g_dns_fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(getsockname(g_dns_fd, (struct sockaddr *)&a, &alen), 0);
    snprintf(g_dns_server, sizeof(g_dns_server), "127.0.0.1:%u", (unsigned)ntohs(a.sin_port));
    assert_int_equal(pthread_create(&f->dns, NULL, dns_main, NULL), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    atomic_store(&g_stop, true);
    pthread_join(f->dns, NULL);
    close(g_dns_fd);
    atrium_principal_release(&f->admin_a);
    atrium_principal_release(&f->admin_b);
    atrium_signup_result_release(&f->a);
    atrium_signup_result_release(&f->b);
    atrium_store_close(f->s);
    atrium_pwhasher_free(f->hasher);
    xfree(f);
    return 0;
}

/* Add name for p's tenant (expecting rc); returns its verification code (heap) on success. */
static char *add(struct fx *f, const struct atrium_principal *p, const char *name, int rc,
                 struct atrium_errinfo *e)
{
    json_t *body = json_pack("{s:s}", "id", name);
    struct atrium_domain d = {0};
    assert_int_equal(atrium_graph_domain_add(f->s, &f->cfg, p->tenant_id, p, body, &d, e), rc);
    json_decref(body);
    char *code = xstrdup(d.verification_code);
    atrium_domain_release(&d);
    return code;
}

static int verify(struct fx *f, const struct atrium_principal *p, const char *name,
                  const char *server, struct atrium_errinfo *e)
{
    struct atrium_domain d = {0};
    int rc = atrium_graph_domain_verify(f->s, p->tenant_id, p, name, server, &d, e);
    if (rc == 0)
        assert_true(d.is_verified);
    atrium_domain_release(&d);
    return rc;
}

static bool is_verified(struct fx *f, const struct atrium_principal *p, const char *name)
{
    struct atrium_domain d = {0};
    assert_int_equal(atrium_graph_domain_get(f->s, p->tenant_id, p, name, &d, NULL), 0);
    bool v = d.is_verified;
    atrium_domain_release(&d);
    return v;
}

/* --- tests -------------------------------------------------------------------------- */

static void test_rules(void **state)
{
    (void)state;
    const char *t = "11111111-1111-4111-8111-111111111111";
    const char *u = "33333333-3333-4333-8333-333333333333";
    struct {
        bool app;
        const char *perm, *wid;
        bool read, write;
    } rows[] = {
        {true, "Domain.ReadWrite.All", NULL, true, true},
        {true, "Domain.Read.All", NULL, true, false},
        {true, "Directory.Read.All", NULL, true, false},
        {true, "Directory.ReadWrite.All", NULL, true, false},
        {true, "Application.ReadWrite.All", NULL, false, false},
        {false, "Domain.ReadWrite.All", ATRIUM_ROLE_GLOBAL_ADMIN, true, true},
        {false, "Directory.ReadWrite.All", ATRIUM_ROLE_DOMAIN_NAME_ADMIN, true, true},
        {false, "Domain.Read.All", ATRIUM_ROLE_GLOBAL_ADMIN, true, false},
        {false, "Directory.Read.All", NULL, true, false},
        {false, "Domain.ReadWrite.All", ATRIUM_ROLE_USER_ADMIN, true, false},
        {false, "Domain.ReadWrite.All", NULL, true, false},
        {false, "User.Read", ATRIUM_ROLE_GLOBAL_ADMIN, false, false},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct atrium_principal p = {.app_only = rows[i].app};
        snprintf(p.tenant_id, sizeof(p.tenant_id), "%s", t);
        if (rows[i].app) {
            p.roles[p.role_count++] = xstrdup(rows[i].perm);
        } else {
            snprintf(p.user_id, sizeof(p.user_id), "%s", u);
            p.scopes[p.scope_count++] = xstrdup(rows[i].perm);
            if (rows[i].wid)
                p.wids[p.wid_count++] = xstrdup(rows[i].wid);
        }
        assert_int_equal(atrium_authz_allows(&p, &atrium_authz_domains_read), rows[i].read);
        assert_int_equal(atrium_authz_allows(&p, &atrium_authz_domains_write), rows[i].write);
        atrium_principal_release(&p);
    }
}

static void test_add(void **state)
{
    struct fx *f = *state;
    struct atrium_errinfo e = {0};
    AUTO_FREE char *code = add(f, &f->admin_a, "Contoso.Example.", 0, &e);
    assert_non_null(code);
    assert_int_equal(strlen(code), 13);
    assert_memory_equal(code, "MS=ms", 5);
    assert_false(is_verified(f, &f->admin_a, "contoso.example"));
    xfree(add(f, &f->admin_a, "CONTOSO.example", ATRIUM_ECONFLICT, &e));

    const char *bad[] = {
        "atrium.localhost", "x.atrium.localhost", "not a domain", "com", "a..b.example", "1.2.3.4"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        xfree(add(f, &f->admin_a, bad[i], ATRIUM_EINVAL, &e));
        assert_string_equal(e.field, "id");
    }
    json_t *body = json_pack("{s:s, s:s}", "id", "fed.example", "authenticationType", "Federated");
    struct atrium_domain d = {0};
    assert_int_equal(
        atrium_graph_domain_add(f->s, &f->cfg, f->a.tenant.id, &f->admin_a, body, &d, &e),
        ATRIUM_EINVAL);
    json_decref(body);
    body = json_pack("{s:s, s:b}", "id", "x.example", "isDefault", 1);
    assert_int_equal(
        atrium_graph_domain_add(f->s, &f->cfg, f->a.tenant.id, &f->admin_a, body, &d, &e),
        ATRIUM_EINVAL);
    assert_string_equal(e.field, "isDefault");
    json_decref(body);

    /* A reader may not add; a principal of another tenant is refused outright. */
    struct atrium_principal reader =
        delegated(f->a.tenant.id, f->a.admin.id, "Directory.Read.All", NULL);
    xfree(add(f, &reader, "reader.example", ATRIUM_EFORBIDDEN, &e));
    atrium_principal_release(&reader);
    body = json_pack("{s:s}", "id", "cross.example");
    assert_int_equal(
        atrium_graph_domain_add(f->s, &f->cfg, f->a.tenant.id, &f->admin_b, body, &d, &e),
        ATRIUM_EFORBIDDEN);
    json_decref(body);
}

static void test_verify_dns(void **state)
{
    struct fx *f = *state;
    struct atrium_errinfo e = {0};
    AUTO_FREE char *code = add(f, &f->admin_a, "contoso.example", 0, &e);
    AUTO_FREE char *code_b = add(f, &f->admin_b, "contoso.example", 0, &e);
    assert_string_not_equal(code, code_b);

    /* Missing, wrong, case or space different: 400 naming what was expected and found. */
    assert_int_equal(verify(f, &f->admin_a, "contoso.example", g_dns_server, &e), ATRIUM_EINVAL);
    assert_non_null(strstr(e.message, code));
    const char *wrong[] = {"MS=ms00000000", "ms=MS", "x"};
    snprintf(g_txt, sizeof(g_txt), "%s ", code);
    assert_int_equal(verify(f, &f->admin_a, "contoso.example", g_dns_server, &e), ATRIUM_EINVAL);
    for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
        snprintf(g_txt, sizeof(g_txt), "%s", wrong[i]);
        assert_int_equal(verify(f, &f->admin_a, "contoso.example", g_dns_server, &e),
                         ATRIUM_EINVAL);
        assert_non_null(strstr(e.message, wrong[i]));
    }
    /* DNS trouble is "try again later", never verified. */
    atomic_store(&g_rcode, ATRIUM_DNS_RCODE_SERVFAIL);
    assert_int_equal(verify(f, &f->admin_a, "contoso.example", g_dns_server, &e), ATRIUM_EBUSY);
    assert_non_null(strstr(e.message, "SERVFAIL"));
    atomic_store(&g_rcode, 0);
    assert_int_equal(verify(f, &f->admin_a, "contoso.example", "127.0.0.1:1", &e), ATRIUM_EBUSY);
    assert_false(is_verified(f, &f->admin_a, "contoso.example"));

    /* Tenant B's code published for A's request does not count. */
    snprintf(g_txt, sizeof(g_txt), "%s", code_b);
    assert_int_equal(verify(f, &f->admin_a, "contoso.example", g_dns_server, &e), ATRIUM_EINVAL);
    snprintf(g_txt, sizeof(g_txt), "%s", code);
    assert_int_equal(verify(f, &f->admin_a, "CONTOSO.example.", g_dns_server, &e), 0);
    assert_true(is_verified(f, &f->admin_a, "contoso.example"));

    /* Now the tenant's: resolution by name, users with the suffix. */
    struct atrium_tenant t = {0};
    assert_int_equal(atrium_store_tenant_resolve(f->s, "Contoso.Example", &t), 0);
    assert_string_equal(t.id, f->a.tenant.id);
    atrium_tenant_release(&t);
    struct atrium_user_create_request req = {.user_principal_name = "carol@contoso.example",
                                             .display_name = "Carol",
                                             .account_enabled = true,
                                             .password = PASSWORD};
    struct atrium_user u = {0};
    assert_int_equal(atrium_user_create(f->s, &f->cfg, f->a.tenant.id, &req, &u, &e), 0);
    atrium_user_release(&u);
    assert_int_equal(atrium_user_create(f->s, &f->cfg, f->b.tenant.id, &req, &u, &e),
                     ATRIUM_EINVAL);

    /* Tenant B: its own code in DNS does not help; the error is the distinct one. */
    snprintf(g_txt, sizeof(g_txt), "%s", code_b);
    assert_int_equal(verify(f, &f->admin_b, "contoso.example", g_dns_server, &e), ATRIUM_EINVAL);
    assert_non_null(strstr(e.message, "already verified in another tenant"));
    assert_null(strstr(e.message, f->a.tenant.id));
    assert_false(is_verified(f, &f->admin_b, "contoso.example"));
    xfree(add(f, &f->admin_b, "eu.contoso.example", ATRIUM_EINVAL, &e));
    assert_non_null(strstr(e.message, "already verified in another tenant"));
    assert_int_equal(
        atrium_graph_domain_delete(f->s, f->b.tenant.id, &f->admin_b, "contoso.example", NULL, &e),
        0);
    xfree(add(f, &f->admin_b, "contoso.example", ATRIUM_EINVAL, &e));
    assert_non_null(strstr(e.message, "already verified in another tenant"));
}

static void test_verify_mx_and_subdomains(void **state)
{
    struct fx *f = *state;
    struct atrium_errinfo e = {0};
    AUTO_FREE char *code = add(f, &f->admin_a, "fabrikam.example", 0, &e);
    xfree(add(f, &f->admin_a, "early.fabrikam.example", 0, &e));
    snprintf(g_mx, sizeof(g_mx), "%s.msv1.invalid", code + 3);
    assert_int_equal(verify(f, &f->admin_a, "fabrikam.example", g_dns_server, &e), 0);
    /* Verifying the root verified the tenant's pending subdomain too. */
    assert_true(is_verified(f, &f->admin_a, "early.fabrikam.example"));
    /* A later subdomain verifies without DNS (the server here does not exist). */
    xfree(add(f, &f->admin_a, "late.fabrikam.example", 0, &e));
    assert_int_equal(verify(f, &f->admin_a, "late.fabrikam.example", "127.0.0.1:1", &e), 0);

    struct atrium_domain d = {0};
    assert_int_equal(
        atrium_graph_domain_get(f->s, f->a.tenant.id, &f->admin_a, "late.fabrikam.example", &d, &e),
        0);
    json_t *j = NULL;
    assert_int_equal(atrium_graph_domain_render(f->s, &d, &j, &e), 0);
    assert_true(json_is_false(json_object_get(j, "isRoot")));
    assert_true(json_is_true(json_object_get(j, "isVerified")));
    json_decref(j);
    atrium_domain_release(&d);
    assert_int_equal(
        atrium_graph_domain_get(f->s, f->a.tenant.id, &f->admin_a, "fabrikam.example", &d, &e), 0);
    assert_int_equal(atrium_graph_domain_render(f->s, &d, &j, &e), 0);
    assert_true(json_is_true(json_object_get(j, "isRoot")));
    json_decref(j);
    atrium_domain_release(&d);
}

static void test_default_and_delete(void **state)
{
    struct fx *f = *state;
    struct atrium_errinfo e = {0};
    const char *tid = f->a.tenant.id;
    AUTO_FREE char *code = add(f, &f->admin_a, "contoso.example", 0, &e);
    json_t *yes = json_pack("{s:b}", "isDefault", 1), *no = json_pack("{s:b}", "isDefault", 0);
    json_t *other = json_pack("{s:i}", "passwordValidityPeriodInDays", 30);

    assert_int_equal(atrium_graph_domain_update(f->s, tid, &f->admin_a, "contoso.example", yes, &e),
                     ATRIUM_EINVAL); /* not verified yet */
    snprintf(g_txt, sizeof(g_txt), "%s", code);
    assert_int_equal(verify(f, &f->admin_a, "contoso.example", g_dns_server, &e), 0);
    assert_int_equal(atrium_graph_domain_update(f->s, tid, &f->admin_a, "contoso.example", yes, &e),
                     0);
    assert_int_equal(atrium_graph_domain_update(f->s, tid, &f->admin_a, "contoso.example", no, &e),
                     ATRIUM_EINVAL);
    assert_int_equal(
        atrium_graph_domain_update(f->s, tid, &f->admin_a, "contoso.example", other, &e),
        ATRIUM_EINVAL);
    assert_string_equal(e.field, "passwordValidityPeriodInDays");
    assert_int_equal(
        atrium_graph_domain_update(f->s, f->b.tenant.id, &f->admin_b, "contoso.example", yes, &e),
        ATRIUM_ENOTFOUND);
    struct atrium_domain_list l = {0};
    assert_int_equal(atrium_graph_domain_list(f->s, tid, &f->admin_a, &l, &e), 0);
    size_t defaults = 0;
    for (size_t i = 0; i < l.count; i++)
        defaults += l.items[i].is_default;
    assert_int_equal(defaults, 1);
    atrium_domain_list_release(&l);

    /* The default and the initial domain cannot go. */
    assert_int_equal(
        atrium_graph_domain_delete(f->s, tid, &f->admin_a, "contoso.example", NULL, &e),
        ATRIUM_EINVAL);
    assert_int_equal(
        atrium_graph_domain_update(f->s, tid, &f->admin_a, f->a.tenant.initial_domain, yes, &e), 0);
    assert_int_equal(
        atrium_graph_domain_delete(f->s, tid, &f->admin_a, f->a.tenant.initial_domain, NULL, &e),
        ATRIUM_EINVAL);

    /* In use: the refusal names the users (up to ATRIUM_DOMAIN_USAGE_SHOWN). */
    for (int i = 0; i < 12; i++) {
        char upn[64];
        snprintf(upn, sizeof(upn), "user%02d@contoso.example", i);
        struct atrium_user_create_request req = {
            .user_principal_name = upn, .display_name = "U", .password = PASSWORD};
        struct atrium_user u = {0};
        assert_int_equal(atrium_user_create(f->s, &f->cfg, tid, &req, &u, &e), 0);
        atrium_user_release(&u);
    }
    struct atrium_domain_usage usage = {0};
    assert_int_equal(
        atrium_graph_domain_delete(f->s, tid, &f->admin_a, "contoso.example", &usage, &e),
        ATRIUM_EINVAL);
    assert_int_equal(usage.user_count, 12);
    assert_int_equal(usage.upn_count, ATRIUM_DOMAIN_USAGE_SHOWN);
    assert_non_null(strstr(e.message, "user00@contoso.example"));
    AUTO_FREE char *msg = atrium_graph_domain_usage_message("contoso.example", &usage);
    assert_non_null(strstr(msg, "user09@contoso.example"));
    assert_null(strstr(msg, "user10@contoso.example"));
    assert_non_null(strstr(msg, "12 user(s)"));
    assert_non_null(strstr(msg, "and 2 more"));
    atrium_domain_usage_release(&usage);

    /* Another tenant's or a missing domain: 404; an unused one goes. */
    assert_int_equal(
        atrium_graph_domain_delete(f->s, f->b.tenant.id, &f->admin_b, "contoso.example", NULL, &e),
        ATRIUM_ENOTFOUND);
    assert_int_equal(
        atrium_graph_domain_delete(f->s, tid, &f->admin_a, "missing.example", NULL, &e),
        ATRIUM_ENOTFOUND);
    xfree(add(f, &f->admin_a, "unused.example", 0, &e));
    assert_int_equal(atrium_graph_domain_delete(f->s, tid, &f->admin_a, "unused.example", NULL, &e),
                     0);
    struct atrium_domain d = {0};
    assert_int_equal(atrium_graph_domain_get(f->s, tid, &f->admin_a, "unused.example", &d, &e),
                     ATRIUM_ENOTFOUND);
    json_decref(yes);
    json_decref(no);
    json_decref(other);
}

static void test_isolation(void **state)
{
    struct fx *f = *state;
    struct atrium_errinfo e = {0};
    struct atrium_domain d = {0};
    xfree(add(f, &f->admin_a, "secret.example", 0, &e));
    assert_int_equal(
        atrium_graph_domain_get(f->s, f->b.tenant.id, &f->admin_b, "secret.example", &d, &e),
        ATRIUM_ENOTFOUND);
    assert_int_equal(atrium_graph_domain_verify(f->s, f->b.tenant.id, &f->admin_b, "secret.example",
                                                g_dns_server, &d, &e),
                     ATRIUM_ENOTFOUND);
    struct atrium_domain_list l = {0};
    assert_int_equal(atrium_graph_domain_list(f->s, f->b.tenant.id, &f->admin_b, &l, &e), 0);
    assert_int_equal(l.count, 1); /* its initial domain only */
    atrium_domain_list_release(&l);
    /* A's admin naming B's tenant is refused before anything is read. */
    assert_int_equal(atrium_graph_domain_list(f->s, f->b.tenant.id, &f->admin_a, &l, &e),
                     ATRIUM_EFORBIDDEN);
    /* Malformed ids are just "not found". */
    assert_int_equal(
        atrium_graph_domain_get(f->s, f->a.tenant.id, &f->admin_a, "no spaces", &d, &e),
        ATRIUM_ENOTFOUND);
}

static void test_renderings(void **state)
{
    (void)state;
    struct atrium_domain d = {.name = "contoso.example", .verification_code = "MS=ms01234567"};
    snprintf(d.tenant_id, sizeof(d.tenant_id), "11111111-1111-4111-8111-111111111111");
    json_t *j = atrium_graph_domain_to_json(&d, NULL);
    assert_string_equal(json_string_value(json_object_get(j, "id")), "contoso.example");
    assert_string_equal(json_string_value(json_object_get(j, "authenticationType")), "Managed");
    assert_true(json_is_false(json_object_get(j, "isRoot"))); /* unverified */
    assert_true(json_is_null(json_object_get(j, "passwordValidityPeriodInDays")));
    assert_int_equal(json_array_size(json_object_get(j, "supportedServices")), 0);
    json_decref(j);

    json_t *r = atrium_graph_domain_dns_records_to_json(&d);
    assert_int_equal(json_array_size(r), 2);
    json_t *txt = json_array_get(r, 0), *mx = json_array_get(r, 1);
    assert_string_equal(json_string_value(json_object_get(txt, "@odata.type")),
                        "#microsoft.graph.domainDnsTxtRecord");
    assert_string_equal(json_string_value(json_object_get(txt, "text")), "MS=ms01234567");
    assert_string_equal(json_string_value(json_object_get(txt, "recordType")), "Txt");
    assert_string_equal(json_string_value(json_object_get(txt, "label")), "contoso.example");
    assert_int_equal(json_integer_value(json_object_get(txt, "ttl")), 3600);
    assert_string_equal(json_string_value(json_object_get(mx, "mailExchange")),
                        "ms01234567.msv1.invalid");
    assert_int_equal(json_integer_value(json_object_get(mx, "preference")), 32767);
    /* Stable, distinct, GUID-shaped ids. */
    json_t *again = atrium_graph_domain_dns_records_to_json(&d);
    const char *id1 = json_string_value(json_object_get(txt, "id"));
    assert_string_equal(id1, json_string_value(json_object_get(json_array_get(again, 0), "id")));
    assert_string_not_equal(id1, json_string_value(json_object_get(mx, "id")));
    assert_int_equal(strlen(id1), 36);
    json_decref(again);
    json_decref(r);

    d.verification_code = NULL; /* the initial domain: nothing to publish */
    r = atrium_graph_domain_dns_records_to_json(&d);
    assert_int_equal(json_array_size(r), 0);
    json_decref(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),
        cmocka_unit_test_setup_teardown(test_add, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_dns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_mx_and_subdomains, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_and_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_isolation, setup, teardown),
        cmocka_unit_test(test_renderings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
