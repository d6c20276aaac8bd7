/* SPDX-License-Identifier: MIT */
/*
 * Rules shared by the model validators (tenant.c, user.c, password_policy.c):
 * free text in UTF-8 and DNS names. Internal to model/; other layers call the
 * atrium_validate_* functions instead.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct atrium_errinfo;

/* The field name to put in a message: field, or "value" when NULL. */
const char *atrium_rules_field(const char *field);

/*
 * Count the code points of s into *ret_count. ATRIUM_EINVAL when s is not
 * valid UTF-8 or contains a control character (C0, DEL, C1).
 */
int atrium_rules_utf8_count(const char *s, size_t *ret_count);

/*
 * Free text such as a display name: required, clean UTF-8, 1..max code
 * points, not only white space. ATRIUM_EINVAL naming field otherwise.
 */
int atrium_rules_text(const char *s, size_t max, const char *field, struct atrium_errinfo *e);

/*
 * Check name[0..len) as a DNS name (see atrium_validate_domain_name). NULL
 * when valid, else a phrase saying which rule failed, to put in a message.
 */
const char *atrium_rules_dns_problem(const char *name, size_t len);
