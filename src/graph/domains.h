/* SPDX-License-Identifier: MIT */
/*
 * Custom domains of the directory API (Graph /domains): add a domain
 * (unverified, with its own verification code), list and get them, the DNS
 * records to publish (TXT "MS=ms########" or MX "ms########.msv1.invalid"),
 * verification by a real DNS look-up (graph/dns.h), the default domain, and
 * removal. A verified domain belongs to one tenant only: it then resolves
 * to that tenant (store domain_find_verified) and users can be created
 * with it.
 *
 * Every call takes the calling thread's store, the tenant (from the
 * caller's token) and the caller, checks the caller against its rule, and
 * touches only that tenant's domains: another tenant's domain is
 * ATRIUM_ENOTFOUND like a missing one. Domain ids are DNS names, matched
 * case-insensitively, one trailing dot ignored.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "graph/directory.h"
#include "graph/odata.h"
#include "model/principal.h"
#include "model/tenant.h"
#include "store/store.h"

struct atrium_authz_rule;
struct atrium_errinfo;

#define ATRIUM_DOMAINS_PER_TENANT_MAX 5000 /* as Entra */
#define ATRIUM_DOMAIN_USAGE_SHOWN 10       /* UPNs named when a domain is in use */
#define ATRIUM_DOMAIN_DNS_TTL 3600
#define ATRIUM_DOMAIN_MX_PREFERENCE 32767
#define ATRIUM_DOMAIN_MX_SUFFIX ".msv1.invalid"

/*
 * domains_read (list, get, verificationDnsRecords):
 *   app-only  Domain.Read.All, Domain.ReadWrite.All, Directory.Read.All,
 *             Directory.ReadWrite.All
 *   delegated the same scopes; any member (no directory role needed).
 * domains_write (add, verify, PATCH, DELETE):
 *   app-only  Domain.ReadWrite.All
 *   delegated Domain.ReadWrite.All or Directory.ReadWrite.All, and the user
 *             is Global Administrator or Domain Name Administrator.
 */
extern const struct atrium_authz_rule atrium_authz_domains_read;
extern const struct atrium_authz_rule atrium_authz_domains_write;

/* What $select may name on a domain. */
extern const struct atrium_odata_spec atrium_graph_domain_odata;

/*
 * POST /domains {"id": "contoso.com"}: the domain, unverified, with a fresh
 * code. ATRIUM_EINVAL for a malformed name, a name under the initial-domain
 * suffix, a name (or a parent of it) verified in another tenant, or past
 * ATRIUM_DOMAINS_PER_TENANT_MAX; ATRIUM_ECONFLICT when this tenant has it.
 */
int atrium_graph_domain_add(struct atrium_store *s, const struct atrium_directory_config *cfg,
                            const char *tenant_id, const struct atrium_principal *p,
                            const json_t *body, struct atrium_domain *ret,
                            struct atrium_errinfo *e);

/* All the tenant's domains, by name. */
int atrium_graph_domain_list(struct atrium_store *s, const char *tenant_id,
                             const struct atrium_principal *p, struct atrium_domain_list *ret,
                             struct atrium_errinfo *e);

int atrium_graph_domain_get(struct atrium_store *s, const char *tenant_id,
                            const struct atrium_principal *p, const char *id,
                            struct atrium_domain *ret, struct atrium_errinfo *e);

/*
 * POST /domains/{id}/verify. A subdomain of a domain this tenant has
 * verified is verified at once; otherwise the DNS server (dns_server
 * "HOST:PORT", or resolv.conf's when NULL) must show, at the domain itself,
 * the TXT record with the domain's exact code or the MX record with its
 * exact host. ATRIUM_EINVAL saying what was expected and what was found,
 * or when another tenant has the name (or a parent) verified; ATRIUM_EBUSY
 * when DNS cannot answer now. Already verified: the domain as it is.
 */
int atrium_graph_domain_verify(struct atrium_store *s, const char *tenant_id,
                               const struct atrium_principal *p, const char *id,
                               const char *dns_server, struct atrium_domain *ret,
                               struct atrium_errinfo *e);

/* PATCH /domains/{id}: only {"isDefault": true}, on a verified domain. */
int atrium_graph_domain_update(struct atrium_store *s, const char *tenant_id,
                               const struct atrium_principal *p, const char *id, const json_t *body,
                               struct atrium_errinfo *e);

/*
 * DELETE /domains/{id}. Never the initial or the default domain; while
 * users still have a UPN at the domain, ATRIUM_EINVAL and *ret_usage (may
 * be NULL; caller releases) names the first ATRIUM_DOMAIN_USAGE_SHOWN.
 */
int atrium_graph_domain_delete(struct atrium_store *s, const char *tenant_id,
                               const struct atrium_principal *p, const char *id,
                               struct atrium_domain_usage *ret_usage, struct atrium_errinfo *e);

/*
 * The Graph domain resource. all (the tenant's domains, may be NULL) tells
 * isRoot: verified, and no parent domain verified in the tenant.
 */
json_t *atrium_graph_domain_to_json(const struct atrium_domain *d,
                                    const struct atrium_domain_list *all);
/* The same, loading the tenant's domains for isRoot. */
int atrium_graph_domain_render(struct atrium_store *s, const struct atrium_domain *d, json_t **ret,
                               struct atrium_errinfo *e);
/* verificationDnsRecords: [domainDnsTxtRecord, domainDnsMxRecord]; [] without a code. */
json_t *atrium_graph_domain_dns_records_to_json(const struct atrium_domain *d);

/* "The domain x is in use by N user(s): a@x, b@x, ..." for a delete refusal (heap). */
char *atrium_graph_domain_usage_message(const char *name, const struct atrium_domain_usage *u);
