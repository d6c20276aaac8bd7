/* SPDX-License-Identifier: MIT */
/* Strict JSON input helpers; see json.h. */
#include "core/json.h"

#include <string.h>

#include "core/err.h"
#include "core/str.h"

int atrium_json_parse_object(const char *data, size_t len, json_t **ret, struct atrium_errinfo *e)
{
    json_error_t jerr;
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (!root)
        return atrium_err(e, ATRIUM_EINVAL, "", "Malformed JSON at line %d, column %d: %s",
                          jerr.line, jerr.column, jerr.text);
    if (!json_is_object(root)) {
        json_decref(root);
        return atrium_err(e, ATRIUM_EINVAL, "", "The request body must be a JSON object.");
    }
    *ret = root;
    return 0;
}

int atrium_json_reject_unknown(const json_t *obj, const char *const *allowed, const char *prefix,
                               struct atrium_errinfo *e)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value)
    {
        bool known = false;
        for (const char *const *a = allowed; *a && !known; a++)
            known = strcmp(*a, key) == 0;
        if (!known) {
            char field[ATRIUM_ERR_FIELD_MAX];
            snprintf(field, sizeof(field), "%s%s", prefix, key);
            return atrium_err(e, ATRIUM_EINVAL, field, "Unknown property '%s'.", field);
        }
    }
    return 0;
}

int atrium_json_get_string(const json_t *obj, const char *key, bool required, size_t max_len,
                           const char *prefix, const char **ret, struct atrium_errinfo *e)
{
    char field[ATRIUM_ERR_FIELD_MAX];
    snprintf(field, sizeof(field), "%s%s", prefix, key);
    json_t *v = json_object_get(obj, key);
    *ret = NULL;
    if (!v || json_is_null(v)) {
        if (required)
            return atrium_err(e, ATRIUM_EINVAL, field, "Property '%s' is required.", field);
        return 0;
    }
    if (!json_is_string(v))
        return atrium_err(e, ATRIUM_EINVAL, field, "Property '%s' must be a string.", field);
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (strlen(s) != n)
        return atrium_err(e, ATRIUM_EINVAL, field, "Property '%s' contains a NUL character.",
                          field);
    if (n > max_len)
        return atrium_err(e, ATRIUM_EINVAL, field,
                          "Property '%s' is too long (%zu characters at most).", field, max_len);
    if (!atrium_str_is_clean_utf8(s))
        return atrium_err(e, ATRIUM_EINVAL, field, "Property '%s' contains control characters.",
                          field);
    *ret = s;
    return 0;
}

int atrium_json_get_bool(const json_t *obj, const char *key, const char *prefix, bool *ret,
                         struct atrium_errinfo *e)
{
    char field[ATRIUM_ERR_FIELD_MAX];
    snprintf(field, sizeof(field), "%s%s", prefix, key);
    json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (!json_is_boolean(v))
        return atrium_err(e, ATRIUM_EINVAL, field, "Property '%s' must be true or false.", field);
    *ret = json_is_true(v);
    return 0;
}

int atrium_json_get_object(const json_t *obj, const char *key, bool required, const char *prefix,
                           json_t **ret, struct atrium_errinfo *e)
{
    char field[ATRIUM_ERR_FIELD_MAX];
    snprintf(field, sizeof(field), "%s%s", prefix, key);
    json_t *v = json_object_get(obj, key);
    *ret = NULL;
    if (!v || json_is_null(v)) {
        if (required)
            return atrium_err(e, ATRIUM_EINVAL, field, "Property '%s' is required.", field);
        return 0;
    }
    if (!json_is_object(v))
        return atrium_err(e, ATRIUM_EINVAL, field, "Property '%s' must be an object.", field);
    *ret = v;
    return 0;
}
