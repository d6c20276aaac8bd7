/* SPDX-License-Identifier: MIT */
/* Opaque values that carry their tenant (refresh tokens); see oauth_priv.h. */
#include "oauth/oauth_priv.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "crypto/b64url.h"

#define TENANT_BYTES 16
#define RANDOM_BYTES 32

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* GUID text (any case) to its 16 bytes in text order. */
static int guid_bytes(const char *guid, unsigned char out[TENANT_BYTES])
{
    size_t n = 0;
    if (!guid || !atrium_uuid_is_valid(guid))
        return ATRIUM_EINVAL;
    for (const char *p = guid; *p && n < TENANT_BYTES; p++) {
        if (*p == '-')
            continue;
        out[n++] = (unsigned char)(hex_value(p[0]) << 4 | hex_value(p[1]));
        p++;
    }
    return n == TENANT_BYTES ? 0 : ATRIUM_EINVAL;
}

char *atrium_oauth_opaque_new(const char *tenant_id)
{
    unsigned char raw[TENANT_BYTES + RANDOM_BYTES];
    char *out = xmalloc(ATRIUM_OAUTH_OPAQUE_LEN + 1);

    if (guid_bytes(tenant_id, raw) < 0)
        memset(raw, 0, TENANT_BYTES); /* cannot happen: tenant ids are GUIDs */
    atrium_random_bytes(raw + TENANT_BYTES, RANDOM_BYTES);
    atrium_b64url_encode(raw, sizeof(raw), out);
    return out;
}

int atrium_oauth_opaque_tenant(const char *value, char out[ATRIUM_UUID_LEN + 1])
{
    unsigned char raw[TENANT_BYTES + RANDOM_BYTES];
    size_t n = 0;

    if (!value || strnlen(value, ATRIUM_OAUTH_OPAQUE_LEN + 1) != ATRIUM_OAUTH_OPAQUE_LEN ||
        atrium_b64url_decode(value, ATRIUM_OAUTH_OPAQUE_LEN, raw, sizeof(raw), &n) < 0 ||
        n != sizeof(raw))
        return ATRIUM_EINVAL;
    const unsigned char *b = raw;
    snprintf(out, ATRIUM_UUID_LEN + 1,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
             b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
             b[15]);
    return 0;
}
