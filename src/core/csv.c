/* SPDX-License-Identifier: MIT */
/* Bounded RFC 4180 CSV reading and writing; see csv.h. */
#include "core/csv.h"

#include <stdbool.h>
#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"

struct atrium_csv_reader {
    FILE *in;
    size_t max_bytes, max_fields;
    char *data; /* the record's fields, each NUL-terminated */
    size_t len;
    size_t *starts; /* offset of each field in data */
    char **fields;
    size_t count;
    size_t line;           /* physical line of the next character */
    bool bom_done;         /* the start of the input was checked for a BOM */
    unsigned char back[3]; /* bytes read ahead and given back (last in, first out) */
    size_t nback;
    int err; /* sticky error, 0 while fine */
    struct atrium_errinfo saved;
};

/* Outcome of reading one field. */
enum field_end { END_FIELD, END_RECORD };

struct atrium_csv_reader *atrium_csv_reader_new(FILE *in, const struct atrium_csv_limits *limits)
{
    struct atrium_csv_reader *r = xcalloc(1, sizeof(*r));
    r->in = in;
    r->max_bytes = limits && limits->max_record_bytes ? limits->max_record_bytes
                                                      : ATRIUM_CSV_RECORD_MAX_DEFAULT;
    r->max_fields =
        limits && limits->max_fields ? limits->max_fields : ATRIUM_CSV_FIELDS_MAX_DEFAULT;
    /* Each field adds one NUL to the record bytes. */
    r->data = xmalloc(r->max_bytes + r->max_fields + 1);
    r->starts = xcalloc(r->max_fields, sizeof(*r->starts));
    r->fields = xcalloc(r->max_fields, sizeof(*r->fields));
    r->line = 1;
    return r;
}

void atrium_csv_reader_free(struct atrium_csv_reader *r)
{
    if (!r)
        return;
    xfree(r->data);
    xfree(r->starts);
    xfree(r->fields);
    xfree(r);
}

/* Record a sticky error for line and return it. */
static int fail(struct atrium_csv_reader *r, int code, size_t line, const char *what,
                struct atrium_errinfo *e)
{
    r->err = atrium_err(&r->saved, code, "csv", "Line %zu: %s.", line, what);
    if (e)
        *e = r->saved;
    return r->err;
}

/* The next input byte, or EOF. */
static int next(struct atrium_csv_reader *r)
{
    if (r->nback > 0)
        return r->back[--r->nback];
    return getc(r->in);
}

/* Append one content byte; ETOOBIG past the record limit. */
static int put(struct atrium_csv_reader *r, int c)
{
    if (r->len - r->count >= r->max_bytes) /* content bytes, not counting the NULs */
        return ATRIUM_ETOOBIG;
    r->data[r->len++] = (char)c;
    return 0;
}

static void skip_bom(struct atrium_csv_reader *r)
{
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    unsigned char got[3];
    size_t n = 0;
    int c;
    r->bom_done = true;
    while (n < 3 && (c = getc(r->in)) != EOF) {
        got[n++] = (unsigned char)c;
        if (got[n - 1] != bom[n - 1])
            break;
    }
    if (n == 3 && memcmp(got, bom, 3) == 0)
        return;
    while (n > 0) /* not a BOM: give the bytes back, first one read last out */
        r->back[r->nback++] = got[--n];
}

/* After a CR outside quotes: CRLF ends the record, a bare CR is an error. */
static int after_cr(struct atrium_csv_reader *r, struct atrium_errinfo *e)
{
    int c = next(r);
    if (c != '\n')
        return fail(r, ATRIUM_EINVAL, r->line, "a carriage return must be followed by a line feed",
                    e);
    r->line++;
    return 0;
}

/* The rest of a quoted field (after its opening quote) and what follows the closing quote. */
static int quoted_field(struct atrium_csv_reader *r, size_t rec_line, enum field_end *end,
                        struct atrium_errinfo *e)
{
    for (;;) {
        int c = next(r);
        if (c == EOF)
            return fail(r, ATRIUM_EINVAL, rec_line, "a quoted field is not closed", e);
        if (c == '\0')
            return fail(r, ATRIUM_EINVAL, r->line, "NUL byte in the input", e);
        if (c == '"') {
            c = next(r);
            if (c != '"') {
                if (c == ',') {
                    *end = END_FIELD;
                    return 0;
                }
                *end = END_RECORD;
                if (c == '\n')
                    r->line++;
                else if (c == '\r')
                    return after_cr(r, e);
                else if (c != EOF)
                    return fail(r, ATRIUM_EINVAL, r->line,
                                "text after the closing quote of a field", e);
                return 0;
            }
        }
        if (c == '\n')
            r->line++;
        if (put(r, c) < 0)
            return fail(r, ATRIUM_ETOOBIG, rec_line, "the record is too long", e);
    }
}

static int unquoted_field(struct atrium_csv_reader *r, int c, size_t rec_line, enum field_end *end,
                          struct atrium_errinfo *e)
{
    for (;; c = next(r)) {
        switch (c) {
        case ',':
            *end = END_FIELD;
            return 0;
        case '\n':
            r->line++;
            /* fall through */
        case EOF:
            *end = END_RECORD;
            return 0;
        case '\r':
            *end = END_RECORD;
            return after_cr(r, e);
        case '"':
            return fail(r, ATRIUM_EINVAL, r->line, "a quote inside an unquoted field", e);
        case '\0':
            return fail(r, ATRIUM_EINVAL, r->line, "NUL byte in the input", e);
        default:
            if (put(r, c) < 0)
                return fail(r, ATRIUM_ETOOBIG, rec_line, "the record is too long", e);
        }
    }
}

/* Parse one record whose first character is c (not EOF, not a line end). */
static int parse_record(struct atrium_csv_reader *r, int c, size_t rec_line,
                        struct atrium_errinfo *e)
{
    enum field_end end = END_FIELD;
    r->len = r->count = 0;
    while (end == END_FIELD) {
        if (r->count >= r->max_fields)
            return fail(r, ATRIUM_ETOOBIG, rec_line, "the record has too many fields", e);
        r->starts[r->count] = r->len;
        int rc =
            c == '"' ? quoted_field(r, rec_line, &end, e) : unquoted_field(r, c, rec_line, &end, e);
        if (rc < 0)
            return rc;
        r->data[r->len++] = '\0';
        r->count++;
        if (end == END_FIELD)
            c = next(r);
    }
    return 0;
}

int atrium_csv_read(struct atrium_csv_reader *r, struct atrium_csv_record *ret,
                    struct atrium_errinfo *e)
{
    if (r->err) {
        if (e)
            *e = r->saved;
        return r->err;
    }
    if (!r->bom_done)
        skip_bom(r);
    int c;
    for (;;) {
        c = next(r);
        if (c == EOF)
            return ferror(r->in) ? fail(r, ATRIUM_EIO, r->line, "the input cannot be read", e) : 0;
        if (c == '\n') {
            r->line++; /* an empty line */
            continue;
        }
        if (c == '\r') {
            int rc = after_cr(r, e);
            if (rc < 0)
                return rc;
            continue;
        }
        break;
    }
    size_t rec_line = r->line;
    int rc = parse_record(r, c, rec_line, e);
    if (rc < 0)
        return rc;
    if (ferror(r->in))
        return fail(r, ATRIUM_EIO, r->line, "the input cannot be read", e);
    for (size_t i = 0; i < r->count; i++)
        r->fields[i] = r->data + r->starts[i];
    ret->fields = r->fields;
    ret->count = r->count;
    ret->line = rec_line;
    return 1;
}

int atrium_csv_write_field(FILE *out, const char *value)
{
    const char *v = value ? value : "";
    size_t n = strlen(v);
    bool quote = strpbrk(v, ",\"\r\n") != NULL || (n > 0 && (v[0] == ' ' || v[n - 1] == ' '));
    if (!quote)
        return fwrite(v, 1, n, out) == n ? 0 : ATRIUM_EIO;
    if (putc('"', out) == EOF)
        return ATRIUM_EIO;
    for (const char *p = v; *p; p++) {
        if (*p == '"' && putc('"', out) == EOF)
            return ATRIUM_EIO;
        if (putc(*p, out) == EOF)
            return ATRIUM_EIO;
    }
    return putc('"', out) == EOF ? ATRIUM_EIO : 0;
}

int atrium_csv_write_record(FILE *out, const char *const *fields, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (i > 0 && putc(',', out) == EOF)
            return ATRIUM_EIO;
        if (atrium_csv_write_field(out, fields[i]) < 0)
            return ATRIUM_EIO;
    }
    return fputs("\r\n", out) == EOF ? ATRIUM_EIO : 0;
}
