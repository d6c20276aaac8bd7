/* SPDX-License-Identifier: MIT */
/*
 * Time. All "now" readings go through atrium_now(), which a test build can
 * offset (atrium_clock_set_offset) to move time forward without sleeping.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define ATRIUM_ISO8601_LEN 20 /* "2024-01-02T03:04:05Z" without the NUL */

/* Seconds since the Unix epoch, plus the test offset. */
int64_t atrium_now(void);
/* Monotonic milliseconds, for durations. */
int64_t atrium_monotonic_ms(void);
/* Format t (Unix seconds, UTC) as ISO 8601 "YYYY-MM-DDTHH:MM:SSZ". */
void atrium_iso8601(int64_t t, char out[ATRIUM_ISO8601_LEN + 1]);
/*
 * Parse "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" (RFC 3339; the
 * fraction is dropped) into Unix seconds. -1 (ATRIUM_EINVAL) when malformed
 * or out of range (years 1970-9999).
 */
int atrium_iso8601_parse(const char *s, int64_t *ret);
/* Shift atrium_now() by delta seconds (tests only). */
void atrium_clock_set_offset(int64_t delta);
