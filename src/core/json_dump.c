/* SPDX-License-Identifier: MIT */
/* Compact JSON output identical to jansson's; see json_dump.h. */
#include "core/json_dump.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"

#define DUMP_DEPTH_MAX 2048 /* documents are built by this program; a bound all the same */

/* Bytes that go out as they are: printable ASCII but '"' and '\\', and every
 * byte of a multi-byte UTF-8 sequence (checked once per string). */
static bool plain(unsigned char c)
{
    return c >= 0x20 && c != '"' && c != '\\';
}

/* Well-formed UTF-8 (U+0000 allowed, as in jansson's strings, which are
 * NUL-terminated whatever their length). ASCII runs are cheap. */
static bool utf8_valid(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        size_t n = (unsigned char)s[i] < 0x80 ? 1 : atrium_str_utf8_next(s + i, NULL);
        if (n == 0 || n > len - i)
            return false;
        i += n;
    }
    return true;
}

static int put_escape(struct atrium_buf *b, unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF";
    char seq[6] = {'\\', 0, 0, 0, 0, 0};
    size_t n = 2;
    switch (c) {
    case '"':
    case '\\':
        seq[1] = (char)c;
        break;
    case '\b':
        seq[1] = 'b';
        break;
    case '\f':
        seq[1] = 'f';
        break;
    case '\n':
        seq[1] = 'n';
        break;
    case '\r':
        seq[1] = 'r';
        break;
    case '\t':
        seq[1] = 't';
        break;
    default: /* other control characters, as jansson: \u00XX with upper-case hex */
        memcpy(seq + 1, "u00", 3);
        seq[4] = hex[c >> 4];
        seq[5] = hex[c & 15];
        n = 6;
    }
    return atrium_buf_append(b, seq, n);
}

static int put_string(struct atrium_buf *b, const char *s, size_t len)
{
    if (!utf8_valid(s, len))
        return ATRIUM_EINVAL; /* json_dumps fails on these too */
    int r = atrium_buf_append(b, "\"", 1);
    for (size_t i = 0; r == 0 && i < len;) {
        size_t run = 0;
        while (i + run < len && plain((unsigned char)s[i + run]))
            run++;
        if (run) {
            r = atrium_buf_append(b, s + i, run);
            i += run;
        } else {
            r = put_escape(b, (unsigned char)s[i++]);
        }
    }
    return r ? r : atrium_buf_append(b, "\"", 1);
}

static int put_integer(struct atrium_buf *b, json_int_t v)
{
    char text[ATRIUM_I64_TEXT_MAX];
    return atrium_buf_append(b, text, atrium_str_from_i64(v, text));
}

/* Reals are rare here: jansson formats them itself. */
static int put_real(struct atrium_buf *b, const json_t *v)
{
    char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!text)
        return ATRIUM_EINVAL;
    int r = atrium_buf_puts(b, text);
    free(text);
    return r;
}

static int dump(const json_t *v, struct atrium_buf *b, int depth);

static int put_object(const json_t *obj, struct atrium_buf *b, int depth)
{
    const char *key;
    json_t *value;
    bool first = true;
    int r = atrium_buf_append(b, "{", 1);
    json_object_foreach((json_t *)obj, key, value)
    {
        if (r == 0 && !first)
            r = atrium_buf_append(b, ",", 1);
        if (r == 0)
            r = put_string(b, key, strlen(key));
        if (r == 0)
            r = atrium_buf_append(b, ":", 1);
        if (r == 0)
            r = dump(value, b, depth + 1);
        if (r < 0)
            return r;
        first = false;
    }
    return r ? r : atrium_buf_append(b, "}", 1);
}

static int put_array(const json_t *arr, struct atrium_buf *b, int depth)
{
    int r = atrium_buf_append(b, "[", 1);
    for (size_t i = 0; r == 0 && i < json_array_size(arr); i++) {
        if (i)
            r = atrium_buf_append(b, ",", 1);
        if (r == 0)
            r = dump(json_array_get(arr, i), b, depth + 1);
    }
    return r ? r : atrium_buf_append(b, "]", 1);
}

static int dump(const json_t *v, struct atrium_buf *b, int depth)
{
    if (!v || depth > DUMP_DEPTH_MAX)
        return ATRIUM_EINVAL;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return put_object(v, b, depth);
    case JSON_ARRAY:
        return put_array(v, b, depth);
    case JSON_STRING:
        return put_string(b, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        return put_integer(b, json_integer_value(v));
    case JSON_REAL:
        return put_real(b, v);
    case JSON_TRUE:
        return atrium_buf_append(b, "true", 4);
    case JSON_FALSE:
        return atrium_buf_append(b, "false", 5);
    case JSON_NULL:
        return atrium_buf_append(b, "null", 4);
    }
    return ATRIUM_EINVAL;
}

int atrium_json_dump(const json_t *doc, struct atrium_buf *b)
{
    return dump(doc, b, 0);
}
