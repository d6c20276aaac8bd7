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
/* Base-10 text of v, NUL-terminated, into out; returns its length. No printf. */
#define ATRIUM_I64_TEXT_MAX 21 /* "-9223372036854775808" and the NUL */
size_t atrium_str_from_i64(int64_t v, char out[ATRIUM_I64_TEXT_MAX]);
/* Strict base-10 parse of a whole string into [min,max]; 0 or ATRIUM_EINVAL. */
int atrium_str_to_i64(const char *s, int64_t min, int64_t max, int64_t *ret);
/*
 * True when s is valid UTF-8 with no control characters: no C0 (U+0000-U+001F),
 * DEL (U+007F) or C1 (U+0080-U+009F) code point.
 */
bool atrium_str_is_clean_utf8(const char *s);
/*
 * Decode the UTF-8 sequence at s: its length in bytes (1-4), with its code
 * point in *ret_cp (may be NULL). 0 when the sequence is invalid: a stray
 * continuation byte, truncated, overlong, a surrogate or above U+10FFFF.
 * At the terminating NUL it returns 1 with code point 0.
 */
size_t atrium_str_utf8_next(const char *s, uint32_t *ret_cp);
