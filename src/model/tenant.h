/* SPDX-License-Identifier: MIT */
/*
 * The tenant (Entra's "organization") and its domains: typed structs and the
 * validation rules of their fields. Pure: no I/O.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "core/rand.h"

struct atrium_errinfo;

#define ATRIUM_PREFIX_MAX 27 /* domainPrefix: 1..27 of [a-z0-9] */
#define ATRIUM_DISPLAY_NAME_MAX 256
#define ATRIUM_DOMAIN_NAME_MAX 253
#define ATRIUM_EMAIL_MAX 254
#define ATRIUM_DEFAULT_DOMAIN_SUFFIX "atrium.localhost"

struct atrium_tenant {
    char id[ATRIUM_UUID_LEN + 1];
    char *display_name;
    char country[3];      /* ISO 3166-1 alpha-2, uppercase */
    char *contact_email;  /* technical notification mail */
    char *initial_domain; /* "<prefix>.<suffix>", lowercase */
    int64_t created;      /* Unix seconds */
};

struct atrium_domain {
    char tenant_id[ATRIUM_UUID_LEN + 1];
    char *name; /* lowercase */
    bool is_initial;
    bool is_default;
    bool is_verified;
    char *verification_code; /* "MS=ms12345678" style, NULL when not applicable */
    int64_t created;
};

/* Free the members (not the struct itself); safe on a zeroed struct. */
void atrium_tenant_release(struct atrium_tenant *t);
void atrium_domain_release(struct atrium_domain *d);

/* Rules, each returning 0 or ATRIUM_EINVAL with errinfo naming `field`. */
int atrium_validate_domain_prefix(const char *prefix, const char *field, struct atrium_errinfo *e);
int atrium_validate_country_code(const char *code, const char *field, struct atrium_errinfo *e);
int atrium_validate_email(const char *email, const char *field, struct atrium_errinfo *e);
int atrium_validate_display_name(const char *name, const char *field, struct atrium_errinfo *e);
/* A DNS name: labels of [a-z0-9-] (any case), not starting/ending with '-', 2+ labels. */
int atrium_validate_domain_name(const char *name, const char *field, struct atrium_errinfo *e);
