/* SPDX-License-Identifier: MIT */
/*
 * Bearer values of the sign-in services (session cookies, authorization
 * codes, device codes): opaque values that carry their tenant (opaque.c,
 * 256 random bits), so a value presented on /organizations or /common can
 * be routed, stored only as atrium_token_hash.
 */
#include "oauth/authn_internal.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/secret.h"
#include "oauth/oauth_priv.h"

_Static_assert(ATRIUM_TOKEN_HASH_LEN <= ATRIUM_HASH_TEXT_MAX, "hash text too small");
_Static_assert(ATRIUM_OAUTH_VALUE_LEN == ATRIUM_OAUTH_OPAQUE_LEN, "one length for values");

char *atrium_oauth_value_new(const char *tenant_id, char hash[ATRIUM_HASH_TEXT_MAX + 1])
{
    char *value = atrium_oauth_opaque_new(tenant_id);
    atrium_token_hash(value, strlen(value), hash);
    return value;
}

void atrium_oauth_value_free(char *value)
{
    if (!value)
        return;
    explicit_bzero(value, strlen(value));
    free(value);
}

bool atrium_oauth_value_hash(const char *value, char hash[ATRIUM_HASH_TEXT_MAX + 1])
{
    hash[0] = '\0';
    if (!value || strnlen(value, ATRIUM_OAUTH_VALUE_LEN + 1) != ATRIUM_OAUTH_VALUE_LEN)
        return false;
    atrium_token_hash(value, ATRIUM_OAUTH_VALUE_LEN, hash);
    return true;
}
