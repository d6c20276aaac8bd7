/* SPDX-License-Identifier: MIT */
/* Small string helpers: ASCII case folding, comparisons, parsing numbers. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A non-owning slice. */
struct atrium_str {
    const char *ptr;
    size_t len;
};

/* Lowercase ASCII letters in place; returns s. */
char *atrium_str_lower(char *s);
/* ASCII case-insensitive equality of two NUL-terminated strings. */
bool atrium_str_ieq(const char *a, const char *b);
bool atrium_str_starts_with(const char *s, const char *prefix);
bool atrium_str_ends_with(const char *s, const char *suffix);
/* Strict base-10 parse of a whole string into [min,max]; 0 or ATRIUM_EINVAL. */
int atrium_str_to_i64(const char *s, int64_t min, int64_t max, int64_t *ret);
/* True when every byte is printable ASCII or valid UTF-8 with no control characters. */
bool atrium_str_is_clean_utf8(const char *s);
