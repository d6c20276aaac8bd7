/* SPDX-License-Identifier: MIT */
/*
 * A growable vector of heap strings (a multi-valued property such as
 * businessPhones or otherMails). Embedded: init by zeroing, release frees
 * every item and the array.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct atrium_strv {
    char **items; /* each a heap string; NULL when count is 0 */
    size_t count;
};

/* Free the items and the array; leaves v empty. NULL is fine. */
void atrium_strv_release(struct atrium_strv *v);
/* Append a copy of s. */
void atrium_strv_push(struct atrium_strv *v, const char *s);
/* Replace *dst by a deep copy of src (dst released first). */
void atrium_strv_copy(struct atrium_strv *dst, const struct atrium_strv *src);
/* Is s in v, compared ASCII case-insensitively? */
bool atrium_strv_contains_ci(const struct atrium_strv *v, const char *s);
