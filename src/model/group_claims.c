/* SPDX-License-Identifier: MIT */
/* Parsing an application's groupMembershipClaims; see group_claims.h. */
#include "model/group_claims.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"

#define CLAIMS_VALUE_MAX 128

static const struct {
    const char *name;
    unsigned bit;
} names[] = {
    {"None", ATRIUM_GROUP_CLAIMS_NONE},
    {"SecurityGroup", ATRIUM_GROUP_CLAIMS_SECURITY},
    {"DirectoryRole", ATRIUM_GROUP_CLAIMS_ROLES},
    {"ApplicationGroup", ATRIUM_GROUP_CLAIMS_APPLICATION},
    {"All", ATRIUM_GROUP_CLAIMS_ALL},
};

/* Add the bit of the name in [p, p + n) (trimmed) to *bits; EINVAL when unknown. */
static int one_name(const char *p, size_t n, unsigned *bits)
{
    while (n && *p == ' ') {
        p++;
        n--;
    }
    while (n && p[n - 1] == ' ')
        n--;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i].name) == n && strncasecmp(names[i].name, p, n) == 0) {
            *bits |= names[i].bit;
            return 0;
        }
    return ATRIUM_EINVAL;
}

int atrium_group_claims_parse(const char *value, unsigned *ret)
{
    unsigned bits = 0;
    *ret = 0;
    if (!value)
        return 0;
    if (strlen(value) > CLAIMS_VALUE_MAX)
        return ATRIUM_EINVAL;
    for (const char *p = value;;) {
        size_t n = strcspn(p, ",");
        if (one_name(p, n, &bits) < 0)
            return ATRIUM_EINVAL;
        if (!p[n])
            break;
        p += n + 1;
    }
    *ret = bits;
    return 0;
}
