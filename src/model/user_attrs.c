/* SPDX-License-Identifier: MIT */
/* The optional profile properties of a user and their rules; see user_attrs.h. */
#include "model/user_attrs.h"

#include <string.h>

#include "core/err.h"
#include "model/rules.h"
#include "model/tenant.h"

const struct atrium_user_attr_def atrium_user_attrs[ATRIUM_USER_ATTR__MAX] = {
    [ATRIUM_USER_ATTR_MAIL_NICKNAME] = {"mailNickname", 64, ATRIUM_USER_RULE_MAIL_NICKNAME},
    [ATRIUM_USER_ATTR_MOBILE_PHONE] = {"mobilePhone", ATRIUM_USER_PHONE_MAX, ATRIUM_USER_RULE_TEXT},
    [ATRIUM_USER_ATTR_OFFICE_LOCATION] = {"officeLocation", 128, ATRIUM_USER_RULE_TEXT},
    [ATRIUM_USER_ATTR_PREFERRED_LANGUAGE] = {"preferredLanguage", 16, ATRIUM_USER_RULE_LANGUAGE},
    [ATRIUM_USER_ATTR_DEPARTMENT] = {"department", 64, ATRIUM_USER_RULE_TEXT},
    [ATRIUM_USER_ATTR_USAGE_LOCATION] = {"usageLocation", 2, ATRIUM_USER_RULE_COUNTRY_CODE},
    [ATRIUM_USER_ATTR_COMPANY_NAME] = {"companyName", 64, ATRIUM_USER_RULE_TEXT},
    [ATRIUM_USER_ATTR_EMPLOYEE_ID] = {"employeeId", 16, ATRIUM_USER_RULE_TEXT},
    [ATRIUM_USER_ATTR_CITY] = {"city", 128, ATRIUM_USER_RULE_TEXT},
    [ATRIUM_USER_ATTR_COUNTRY] = {"country", 128, ATRIUM_USER_RULE_TEXT},
    [ATRIUM_USER_ATTR_STATE] = {"state", 128, ATRIUM_USER_RULE_TEXT},
    [ATRIUM_USER_ATTR_STREET_ADDRESS] = {"streetAddress", 1024, ATRIUM_USER_RULE_TEXT},
    [ATRIUM_USER_ATTR_POSTAL_CODE] = {"postalCode", 40, ATRIUM_USER_RULE_TEXT},
    [ATRIUM_USER_ATTR_USER_TYPE] = {"userType", 16, ATRIUM_USER_RULE_USER_TYPE},
};

int atrium_validate_mail_nickname(const char *value, const char *field, struct atrium_errinfo *e)
{
    const char *f = atrium_rules_field(field);
    size_t n = value ? strlen(value) : 0;
    if (n == 0 || n > 64)
        return atrium_err(e, ATRIUM_EINVAL, f, "%s must be 1 to 64 characters long.", f);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)value[i];
        if (c <= 0x20 || c >= 0x7f || strchr("@()\\[]\";:<>,", c))
            return atrium_err(e, ATRIUM_EINVAL, f,
                              "%s may contain only ASCII letters, digits and punctuation other "
                              "than @ ( ) \\ [ ] \" ; : < > , and no spaces.",
                              f);
    }
    return 0;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

/* "ll" or "lll", then "-" and 2..8 letters or digits, repeated. */
static int language_check(const char *v, const char *f, struct atrium_errinfo *e)
{
    size_t i = 0;
    while (is_alpha(v[i]))
        i++;
    bool ok = i == 2 || i == 3;
    while (ok && v[i] == '-') {
        size_t start = ++i;
        while (is_alnum(v[i]))
            i++;
        ok = i - start >= 2 && i - start <= 8;
    }
    if (!ok || v[i])
        return atrium_err(e, ATRIUM_EINVAL, f,
                          "%s must be an ISO 639-1 language code such as en or en-US.", f);
    return 0;
}

int atrium_user_attr_validate(enum atrium_user_attr a, const char *value, struct atrium_errinfo *e)
{
    const struct atrium_user_attr_def *d = &atrium_user_attrs[a];
    int r = atrium_rules_text(value, d->max_len, d->name, e);
    if (r < 0)
        return r;
    switch (d->rule) {
    case ATRIUM_USER_RULE_MAIL_NICKNAME:
        return atrium_validate_mail_nickname(value, d->name, e);
    case ATRIUM_USER_RULE_LANGUAGE:
        return language_check(value, d->name, e);
    case ATRIUM_USER_RULE_COUNTRY_CODE:
        return atrium_validate_country_code(value, d->name, e);
    case ATRIUM_USER_RULE_USER_TYPE:
        if (strcmp(value, ATRIUM_USER_TYPE_MEMBER) != 0 &&
            strcmp(value, ATRIUM_USER_TYPE_GUEST) != 0)
            return atrium_err(e, ATRIUM_EINVAL, d->name, "%s must be 'Member' or 'Guest'.",
                              d->name);
        return 0;
    case ATRIUM_USER_RULE_TEXT:
        break;
    }
    return 0;
}
