/* SPDX-License-Identifier: MIT */
/*
 * POST /domains/{id}/verify (graph/domains.h): ownership proven by a real
 * DNS look-up of the domain's TXT (then MX) records through graph/dns.h,
 * or, for a subdomain of a domain the tenant has verified, at once. The
 * look-up runs outside any transaction; the "verified elsewhere" check is
 * repeated inside the one that sets the flag, and the partial unique index
 * of the store settles any race.
 */
#include "graph/domains.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "graph/authz.h"
#include "graph/dns.h"
#include "graph/domains_priv.h"

#define FOUND_TEXT_MAX 1024

/* What the DNS showed at the domain: TXT and MX answers. */
struct dns_seen {
    struct atrium_dns_answer txt, mx;
};

static void seen_release(struct dns_seen *s)
{
    atrium_dns_answer_release(&s->txt);
    atrium_dns_answer_release(&s->mx);
}

static const char *rcode_name(int rcode)
{
    static const char *const names[] = {"NOERROR",  "FORMERR", "SERVFAIL",
                                        "NXDOMAIN", "NOTIMP",  "REFUSED"};
    return rcode >= 0 && rcode < 6 ? names[rcode] : "an error code";
}

/* One look-up; a server-side failure (SERVFAIL, REFUSED...) is "try again later". */
static int lookup(const struct atrium_dns_server *srv, const char *name, uint16_t qtype,
                  struct atrium_dns_answer *ret, struct atrium_errinfo *e)
{
    int rc = atrium_dns_lookup(srv, name, qtype, ret, e);
    if (rc < 0)
        return rc;
    if (ret->rcode != ATRIUM_DNS_RCODE_NOERROR && ret->rcode != ATRIUM_DNS_RCODE_NXDOMAIN)
        return atrium_err(e, ATRIUM_EBUSY, "",
                          "The DNS server %s answered %s for '%.100s'. Try again later.", srv->text,
                          rcode_name(ret->rcode), name);
    return 0;
}

static bool txt_matches(const struct atrium_dns_answer *a, const char *code)
{
    for (size_t i = 0; i < a->txt_count; i++)
        if (strcmp(a->txt[i], code) == 0) /* exact: no trimming, case counts */
            return true;
    return false;
}

static bool mx_matches(const struct atrium_dns_answer *a, const char *host)
{
    for (size_t i = 0; i < a->mx_count; i++)
        if (atrium_str_ieq(a->mx[i].host, host))
            return true;
    return false;
}

/* The refusal naming the expected records and what DNS had instead. */
static int not_found(const struct atrium_domain *d, const char *mx_host, const struct dns_seen *s,
                     struct atrium_errinfo *e)
{
    struct atrium_buf b;
    atrium_buf_init(&b, FOUND_TEXT_MAX);
    if (s->txt.rcode == ATRIUM_DNS_RCODE_NXDOMAIN)
        atrium_buf_puts(&b, "the name does not exist in DNS (NXDOMAIN)");
    else if (s->txt.txt_count == 0 && s->mx.mx_count == 0)
        atrium_buf_puts(&b, "no TXT or MX record");
    for (size_t i = 0; i < s->txt.txt_count; i++)
        atrium_buf_printf(&b, "%sTXT \"%.60s\"", i ? ", " : "", s->txt.txt[i]);
    for (size_t i = 0; i < s->mx.mx_count; i++)
        atrium_buf_printf(&b, "%sMX %.60s", i || s->txt.txt_count ? ", " : "", s->mx.mx[i].host);
    int rc = atrium_err(e, ATRIUM_EINVAL, "id",
                        "Domain verification failed: expected the TXT record \"%s\" (or the MX "
                        "record %s) at '%.100s'; found %s.",
                        d->verification_code, mx_host, d->name, b.buf);
    atrium_buf_release(&b);
    return rc;
}

/* Does DNS show d's TXT code (or MX host) at d's name? */
static int dns_check(const struct atrium_domain *d, const char *dns_server,
                     struct atrium_errinfo *e)
{
    struct atrium_dns_server srv;
    struct dns_seen seen = {0};
    const char *code = d->verification_code;
    if (!code || strncmp(code, "MS=", 3) != 0)
        return atrium_err(e, ATRIUM_EINVAL, "id", "The domain '%.120s' has no verification code.",
                          d->name);
    AUTO_FREE char *mx_host =
        atrium_str_lower(xasprintf("%s%s", code + 3, ATRIUM_DOMAIN_MX_SUFFIX));
    int rc = atrium_dns_server_pick(dns_server, &srv, e);
    if (rc < 0) { /* no usable server now: "try later", never "not found" */
        if (e)
            e->code = ATRIUM_EBUSY;
        return ATRIUM_EBUSY;
    }
    rc = lookup(&srv, d->name, ATRIUM_DNS_TYPE_TXT, &seen.txt, e);
    bool ok = rc == 0 && txt_matches(&seen.txt, code);
    if (rc == 0 && !ok && seen.txt.rcode != ATRIUM_DNS_RCODE_NXDOMAIN) {
        rc = lookup(&srv, d->name, ATRIUM_DNS_TYPE_MX, &seen.mx, e);
        ok = rc == 0 && mx_matches(&seen.mx, mx_host);
    }
    if (rc == 0 && !ok)
        rc = not_found(d, mx_host, &seen, e);
    seen_release(&seen);
    return rc;
}

/* Also verify the tenant's unverified subdomains of name (best effort: skip names taken). */
static int verify_subdomains(struct atrium_store *s, const char *tenant_id, const char *name)
{
    struct atrium_domain_list all = {0};
    int rc = s->ops->domain_list(s, tenant_id, &all);
    size_t nl = strlen(name);
    for (size_t i = 0; rc == 0 && i < all.count; i++) {
        const char *n = all.items[i].name;
        size_t l = strlen(n);
        if (all.items[i].is_verified || l <= nl + 1 || n[l - nl - 1] != '.' ||
            strcmp(n + l - nl, name) != 0)
            continue;
        rc = s->ops->domain_set_verified(s, tenant_id, n, true);
        if (rc == ATRIUM_ECONFLICT)
            rc = 0;
    }
    atrium_domain_list_release(&all);
    return rc;
}

static int verify_locked(struct atrium_store *s, const struct atrium_principal *p,
                         const char *tenant_id, const char *name, struct atrium_domain *ret,
                         struct atrium_errinfo *e)
{
    int rc = atrium_domain_check_owner(s, tenant_id, name, NULL, e);
    if (rc < 0)
        return rc;
    rc = s->ops->domain_set_verified(s, tenant_id, name, true);
    if (rc == ATRIUM_ECONFLICT)
        return atrium_domain_taken(e, name);
    if (rc == 0)
        rc = verify_subdomains(s, tenant_id, name);
    if (rc == 0 &&
        (rc = atrium_domain_audit(s, tenant_id, p, name, "Verify domain", "Update", NULL, e)) < 0)
        return rc;
    if (rc == 0 || rc == ATRIUM_ENOTFOUND) /* ENOTFOUND: deleted meanwhile, a 404 */
        return atrium_domain_load(s, tenant_id, name, ret, e);
    return atrium_domain_store_fail(e, rc);
}

int atrium_graph_domain_verify(struct atrium_store *s, const char *tenant_id,
                               const struct atrium_principal *p, const char *id,
                               const char *dns_server, struct atrium_domain *ret,
                               struct atrium_errinfo *e)
{
    struct atrium_domain d = {0};
    bool parent_verified = false;
    int rc = atrium_authz_require(p, tenant_id, &atrium_authz_domains_write, e);
    if (rc == 0)
        rc = atrium_domain_load(s, tenant_id, id, &d, e);
    if (rc == 0 && d.is_verified) {
        *ret = d; /* nothing to do */
        return 0;
    }
    if (rc == 0)
        rc = atrium_domain_check_owner(s, tenant_id, d.name, &parent_verified, e);
    if (rc == 0 && !parent_verified && (rc = dns_check(&d, dns_server, e)) == ATRIUM_EINVAL)
        atrium_domain_audit(s, tenant_id, p, d.name, "Verify domain", "Update",
                            e && e->message[0] ? e->message : "The DNS record was not found.",
                            NULL);
    if (rc == 0 && (rc = atrium_store_begin(s)) < 0)
        rc = atrium_domain_store_fail(e, rc);
    else if (rc == 0)
        rc = atrium_domain_txn_end(s, verify_locked(s, p, tenant_id, d.name, ret, e), e);
    atrium_domain_release(&d);
    return rc;
}
