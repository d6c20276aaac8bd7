/* SPDX-License-Identifier: MIT */
/*
 * Strict JSON input helpers over jansson: parse an object rejecting duplicate
 * keys, refuse unknown members, and read typed members with a length limit.
 * Every failure fills errinfo with the offending field's path and the reason.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct atrium_errinfo;

/* Parse data[0..len) as a JSON object. Caller owns *ret. */
int atrium_json_parse_object(const char *data, size_t len, json_t **ret, struct atrium_errinfo *e);

/*
 * Fail with ATRIUM_EINVAL when obj has a member not in allowed (NULL-terminated).
 * prefix is prepended to field names in messages ("admin." for nested objects).
 */
int atrium_json_reject_unknown(const json_t *obj, const char *const *allowed, const char *prefix,
                               struct atrium_errinfo *e);

/*
 * Read member key of obj as a string of at most max_len bytes of clean UTF-8.
 * Missing or null: *ret = NULL, and ATRIUM_EINVAL when required. Borrowed
 * pointer, valid while obj lives.
 */
int atrium_json_get_string(const json_t *obj, const char *key, bool required, size_t max_len,
                           const char *prefix, const char **ret, struct atrium_errinfo *e);

/* Read member key as a boolean; missing leaves *ret unchanged. */
int atrium_json_get_bool(const json_t *obj, const char *key, const char *prefix, bool *ret,
                         struct atrium_errinfo *e);

/* Read member key as an object; missing: *ret = NULL (ATRIUM_EINVAL when required). Borrowed. */
int atrium_json_get_object(const json_t *obj, const char *key, bool required, const char *prefix,
                           json_t **ret, struct atrium_errinfo *e);
