/* SPDX-License-Identifier: MIT */
/* The directory user and the rules of its fields; see user.h. */
#include "model/user.h"

#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "model/rules.h"

void atrium_user_release(struct atrium_user *u)
{
    if (!u)
        return;
    xfree(u->upn);
    xfree(u->display_name);
    xfree(u->given_name);
    xfree(u->surname);
    xfree(u->mail);
    xfree(u->job_title);
    xfree(u->password_hash);
    for (size_t i = 0; i < ATRIUM_USER_ATTR__MAX; i++)
        xfree(u->attrs[i]);
    atrium_strv_release(&u->business_phones);
    atrium_strv_release(&u->other_mails);
    memset(u, 0, sizeof(*u));
}

static bool is_user_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-' || c == '\'';
}

/* s[0..len) as a UPN local part: NULL when valid, else what is wrong. */
static const char *user_name_problem(const char *s, size_t len)
{
    if (len == 0 || len > ATRIUM_USER_NAME_MAX)
        return "must be 1 to 64 characters long";
    for (size_t i = 0; i < len; i++)
        if (!is_user_name_char(s[i]))
            return "may contain only letters, digits and . _ - '";
    if (s[0] == '.' || s[len - 1] == '.')
        return "must not start or end with '.'";
    for (size_t i = 1; i < len; i++)
        if (s[i] == '.' && s[i - 1] == '.')
            return "must not contain '..'";
    return NULL;
}

int atrium_validate_user_name(const char *name, const char *field, struct atrium_errinfo *e)
{
    const char *f = atrium_rules_field(field);
    if (!name || !*name)
        return atrium_err(e, ATRIUM_EINVAL, f, "%s is required.", f);
    const char *why = user_name_problem(name, strlen(name));
    if (why)
        return atrium_err(e, ATRIUM_EINVAL, f, "%s %s.", f, why);
    return 0;
}

int atrium_validate_upn(const char *upn, const char *field, struct atrium_errinfo *e)
{
    const char *f = atrium_rules_field(field);
    if (!upn || !*upn)
        return atrium_err(e, ATRIUM_EINVAL, f, "%s is required.", f);
    size_t len = strlen(upn);
    if (len > ATRIUM_UPN_MAX)
        return atrium_err(e, ATRIUM_EINVAL, f, "%s must be at most %d characters long.", f,
                          ATRIUM_UPN_MAX);
    const char *at = strchr(upn, '@');
    if (!at || strchr(at + 1, '@'))
        return atrium_err(e, ATRIUM_EINVAL, f,
                          "%s must have the form name@domain, with exactly one '@'.", f);
    const char *why = user_name_problem(upn, (size_t)(at - upn));
    if (why)
        return atrium_err(e, ATRIUM_EINVAL, f, "The part of %s before the '@' %s.", f, why);
    why = atrium_rules_dns_problem(at + 1, strlen(at + 1));
    if (why)
        return atrium_err(e, ATRIUM_EINVAL, f,
                          "The part of %s after the '@' must be a valid domain name: %s.", f, why);
    return 0;
}

int atrium_validate_name_field(const char *value, size_t max, const char *field,
                               struct atrium_errinfo *e)
{
    if (!value)
        return 0;
    return atrium_rules_text(value, max, field, e);
}
