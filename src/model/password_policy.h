/* SPDX-License-Identifier: MIT */
/*
 * The per-tenant password policy: length bounds (no truncation), and refusal
 * of passwords that contain the tenant name, the user name, or a banned word.
 */
#pragma once

#include <stddef.h>

struct atrium_errinfo;

struct atrium_password_policy {
    size_t min_length; /* in characters (UTF-8 code points); default 8 */
    size_t max_length; /* default 256 */
};

#define ATRIUM_PASSWORD_POLICY_DEFAULT                                                             \
    {                                                                                              \
        .min_length = 8, .max_length = 256                                                         \
    }
#define ATRIUM_PASSWORD_BYTES_MAX 1024 /* hard cap on bytes read, whatever the policy */

/*
 * Check password against policy. tenant_name and user_name (either may be
 * NULL) must not appear in it, case-insensitively, when they are 3+ chars.
 * On failure, ATRIUM_EINVAL and a message saying which rule failed.
 */
int atrium_password_check(const struct atrium_password_policy *policy, const char *password,
                          const char *tenant_name, const char *user_name, const char *field,
                          struct atrium_errinfo *e);
