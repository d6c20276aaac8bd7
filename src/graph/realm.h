/* SPDX-License-Identifier: MIT */
/*
 * Realm discovery: "does my company already have a tenant?". The domain part
 * of a login (user@domain) or a bare domain is looked up among the verified
 * (and initial) domains of every tenant; the answer is managed (tenant id,
 * brand name, the matched domain) or unknown. It depends on the domain alone,
 * never on whether a user exists, so alice@contoso.com and
 * nobody@contoso.com get the same answer.
 *
 * Also Entra's JSON renderings of an answer: GET /common/userrealm/{login}
 * (api-version 1.0 and 2.x shapes) and the legacy GET /getuserrealm.srf.
 */
#pragma once

#include <stddef.h>

#include <jansson.h>

#include "core/rand.h"
#include "model/tenant.h"

struct atrium_errinfo;
struct atrium_store;

#define ATRIUM_REALM_INPUT_MAX ATRIUM_EMAIL_MAX /* 254: what a login may be, trimmed */
#define ATRIUM_REALM_LOCAL_MAX 64               /* the part before '@' */
/* Entra's constant audience of the realm documents (cloud_audience_urn, CloudInstanceIssuerUri). */
#define ATRIUM_REALM_AUDIENCE_URN "urn:federation:MicrosoftOnline"

enum atrium_realm_kind {
    ATRIUM_REALM_UNKNOWN = 0, /* no tenant has verified the domain */
    ATRIUM_REALM_MANAGED,     /* a tenant has, and signs its users in itself */
};

/* The userrealm document versions: 1.0 (MSAL .NET/Python/Java/Go) and 2.0/2.1. */
enum atrium_realm_api {
    ATRIUM_REALM_API_1 = 1,
    ATRIUM_REALM_API_2 = 2,
};

struct atrium_realm {
    enum atrium_realm_kind kind;
    char *login;  /* the input without surrounding blanks, echoed as "Login" */
    char *domain; /* its domain part: lowercase, no final dot */
    /* Managed only ("" / NULL otherwise): */
    char tenant_id[ATRIUM_UUID_LEN + 1];
    char *brand_name;     /* the tenant's display name (FederationBrandName) */
    char *initial_domain; /* the tenant's <prefix>.<suffix> domain */
};

/* Free the members (not the struct); safe on a zeroed struct. */
void atrium_realm_release(struct atrium_realm *r);

/*
 * Split input ("user@domain" or "domain") into the trimmed login and its
 * domain part (lowercase, final dot dropped), both heap, caller owns.
 * ATRIUM_EINVAL with a readable message (field "login") when it is empty,
 * longer than ATRIUM_REALM_INPUT_MAX, not clean UTF-8, has more than one '@',
 * an empty or over-long local part, or a domain that is not a DNS name of
 * two labels or more.
 */
int atrium_realm_parse(const char *input, char **ret_login, char **ret_domain,
                       struct atrium_errinfo *e);

/*
 * Parse input and look its domain up. 0 with *ret filled (managed or
 * unknown); ATRIUM_EINVAL as atrium_realm_parse; ATRIUM_ESTORE (or EBUSY)
 * when the store fails. Release *ret in every case.
 */
int atrium_realm_lookup(struct atrium_store *s, const char *input, struct atrium_realm *ret,
                        struct atrium_errinfo *e);

/* "1.0" -> API_1, "2.0"/"2.1" -> API_2, NULL -> API_1; ATRIUM_EINVAL otherwise. */
int atrium_realm_api_parse(const char *version, enum atrium_realm_api *ret,
                           struct atrium_errinfo *e);

/* "host[:port]" of a public URL, Atrium's cloud_instance_name. Caller owns. */
char *atrium_realm_cloud_instance(const char *public_url);

/*
 * The userrealm document. API_1: {"ver":"1.0","account_type","domain_name",
 * "cloud_instance_name","cloud_audience_urn"}; API_2: {"NameSpaceType",
 * "Login","DomainName","FederationBrandName","TenantBrandingInfo":null,
 * "cloud_instance_name"}. Caller owns; NULL only on invalid UTF-8.
 */
json_t *atrium_realm_userrealm_json(const struct atrium_realm *r, enum atrium_realm_api api,
                                    const char *cloud_instance);

/*
 * The getuserrealm.srf document: {"State":4,"UserState":1,"Login",
 * "NameSpaceType"} and, when managed, "DomainName","FederationBrandName",
 * "CloudInstanceName","CloudInstanceIssuerUri". Caller owns.
 */
json_t *atrium_realm_srf_json(const struct atrium_realm *r, const char *cloud_instance);

/* "Managed" or "Unknown". */
const char *atrium_realm_kind_name(enum atrium_realm_kind kind);
