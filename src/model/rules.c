/* SPDX-License-Identifier: MIT */
/* Text and DNS name rules shared by the model validators; see rules.h. */
#include "model/rules.h"

#include <stdint.h>
#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "model/tenant.h"

const char *atrium_rules_field(const char *field)
{
    return field && *field ? field : "value";
}

int atrium_rules_utf8_count(const char *s, size_t *ret_count)
{
    size_t count = 0;
    while (*s) {
        uint32_t cp;
        size_t n = atrium_str_utf8_next(s, &cp);
        if (n == 0 || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
            return ATRIUM_EINVAL;
        s += n;
        count++;
    }
    *ret_count = count;
    return 0;
}

/* Unicode white space (Zs and the BOM) that alone would make a blank name. */
static bool is_space_cp(uint32_t cp)
{
    return cp == 0x20 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) ||
           cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

static bool is_blank(const char *s)
{
    while (*s) {
        uint32_t cp = 0;
        size_t n = atrium_str_utf8_next(s, &cp);
        if (n == 0 || !is_space_cp(cp))
            return false;
        s += n;
    }
    return true;
}

int atrium_rules_text(const char *s, size_t max, const char *field, struct atrium_errinfo *e)
{
    const char *f = atrium_rules_field(field);
    if (!s)
        return atrium_err(e, ATRIUM_EINVAL, f, "%s is required.", f);
    size_t count;
    if (atrium_rules_utf8_count(s, &count) < 0)
        return atrium_err(e, ATRIUM_EINVAL, f,
                          "%s must be valid UTF-8 text without control characters.", f);
    if (count == 0 || is_blank(s))
        return atrium_err(e, ATRIUM_EINVAL, f, "%s must not be empty or only spaces.", f);
    if (count > max)
        return atrium_err(e, ATRIUM_EINVAL, f, "%s must be at most %zu characters long.", f, max);
    return 0;
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* One label, name[0..len): NULL when valid. */
static const char *label_problem(const char *label, size_t len)
{
    if (len == 0 || len > 63)
        return "each label between dots must be 1 to 63 characters long";
    for (size_t i = 0; i < len; i++)
        if (!is_alnum(label[i]) && label[i] != '-')
            return "labels may contain only letters, digits and hyphens";
    if (label[0] == '-' || label[len - 1] == '-')
        return "labels must not start or end with a hyphen";
    return NULL;
}

const char *atrium_rules_dns_problem(const char *name, size_t len)
{
    if (len == 0)
        return "it is empty";
    if (len > ATRIUM_DOMAIN_NAME_MAX)
        return "it must be at most 253 characters long";
    size_t labels = 0, start = 0;
    bool tld_digits = true;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && name[i] != '.')
            continue;
        const char *why = label_problem(name + start, i - start);
        if (why)
            return why;
        labels++;
        tld_digits = true;
        for (size_t j = start; j < i; j++)
            tld_digits = tld_digits && name[j] >= '0' && name[j] <= '9';
        start = i + 1;
    }
    if (labels < 2)
        return "it must have at least two labels separated by dots, such as contoso.com";
    if (tld_digits)
        return "the last label must not be all digits";
    return NULL;
}
