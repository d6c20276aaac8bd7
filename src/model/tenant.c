/* SPDX-License-Identifier: MIT */
/* Tenant and domain structs and the rules of their fields; see tenant.h. */
#include "model/tenant.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "model/rules.h"

void atrium_tenant_release(struct atrium_tenant *t)
{
    if (!t)
        return;
    xfree(t->display_name);
    xfree(t->contact_email);
    xfree(t->initial_domain);
    memset(t, 0, sizeof(*t));
}

void atrium_domain_release(struct atrium_domain *d)
{
    if (!d)
        return;
    xfree(d->name);
    xfree(d->verification_code);
    memset(d, 0, sizeof(*d));
}

int atrium_validate_domain_prefix(const char *prefix, const char *field, struct atrium_errinfo *e)
{
    const char *f = atrium_rules_field(field);
    if (!prefix || !*prefix)
        return atrium_err(e, ATRIUM_EINVAL, f, "%s is required.", f);
    for (const char *p = prefix; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
            return atrium_err(e, ATRIUM_EINVAL, f,
                              "%s must contain only lowercase letters (a-z) and digits (0-9).", f);
    if (strlen(prefix) > ATRIUM_PREFIX_MAX)
        return atrium_err(e, ATRIUM_EINVAL, f, "%s must be 1 to %d characters long.", f,
                          ATRIUM_PREFIX_MAX);
    return 0;
}

/* The officially assigned ISO 3166-1 alpha-2 codes (249), sorted. */
static const char country_codes[][3] = {
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW"};

static int country_cmp(const void *key, const void *elem)
{
    return strcmp(key, elem);
}

int atrium_validate_country_code(const char *code, const char *field, struct atrium_errinfo *e)
{
    const char *f = atrium_rules_field(field);
    if (!code || !*code)
        return atrium_err(e, ATRIUM_EINVAL, f, "%s is required.", f);
    if (strlen(code) != 2 ||
        !bsearch(code, country_codes, sizeof(country_codes) / sizeof(country_codes[0]),
                 sizeof(country_codes[0]), country_cmp))
        return atrium_err(e, ATRIUM_EINVAL, f,
                          "%s must be an ISO 3166-1 alpha-2 code in capital letters, such as US "
                          "or FR.",
                          f);
    return 0;
}

/* RFC 5322 atext: the characters allowed in a dot-atom local part. */
static bool is_atext(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

static bool has_double_dot(const char *s, size_t len)
{
    for (size_t i = 1; i < len; i++)
        if (s[i] == '.' && s[i - 1] == '.')
            return true;
    return false;
}

static int email_local_check(const char *s, size_t len, const char *f, struct atrium_errinfo *e)
{
    if (len == 0 || len > 64)
        return atrium_err(e, ATRIUM_EINVAL, f, "%s must have 1 to 64 characters before the '@'.",
                          f);
    for (size_t i = 0; i < len; i++)
        if (!is_atext(s[i]) && s[i] != '.')
            return atrium_err(e, ATRIUM_EINVAL, f,
                              "%s contains a character that is not allowed in an e-mail "
                              "address before the '@'.",
                              f);
    if (s[0] == '.' || s[len - 1] == '.' || has_double_dot(s, len))
        return atrium_err(e, ATRIUM_EINVAL, f,
                          "%s must not start or end with '.', or contain '..', before the '@'.", f);
    return 0;
}

int atrium_validate_email(const char *email, const char *field, struct atrium_errinfo *e)
{
    const char *f = atrium_rules_field(field);
    if (!email || !*email)
        return atrium_err(e, ATRIUM_EINVAL, f, "%s is required.", f);
    size_t len = strlen(email);
    if (len > ATRIUM_EMAIL_MAX)
        return atrium_err(e, ATRIUM_EINVAL, f, "%s must be at most %d characters long.", f,
                          ATRIUM_EMAIL_MAX);
    const char *at = strchr(email, '@');
    if (!at || strchr(at + 1, '@'))
        return atrium_err(e, ATRIUM_EINVAL, f, "%s must be an e-mail address with exactly one '@'.",
                          f);
    int rc = email_local_check(email, (size_t)(at - email), f, e);
    if (rc < 0)
        return rc;
    const char *why = atrium_rules_dns_problem(at + 1, strlen(at + 1));
    if (why)
        return atrium_err(e, ATRIUM_EINVAL, f,
                          "%s must have a valid domain name after the '@': %s.", f, why);
    return 0;
}

int atrium_validate_display_name(const char *name, const char *field, struct atrium_errinfo *e)
{
    return atrium_rules_text(name, ATRIUM_DISPLAY_NAME_MAX, field, e);
}

int atrium_validate_domain_name(const char *name, const char *field, struct atrium_errinfo *e)
{
    const char *f = atrium_rules_field(field);
    if (!name || !*name)
        return atrium_err(e, ATRIUM_EINVAL, f, "%s is required.", f);
    const char *why = atrium_rules_dns_problem(name, strlen(name));
    if (why)
        return atrium_err(e, ATRIUM_EINVAL, f, "%s must be a valid domain name: %s.", f, why);
    return 0;
}
