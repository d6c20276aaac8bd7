/* SPDX-License-Identifier: MIT */
/*
 * The bounded RFC 4180 reader and writer (core/csv.h): quoting, embedded
 * commas, quotes and newlines, CRLF and LF, the byte order mark, empty
 * lines, line numbers, every refusal (limits, stray quotes, bare CR, NUL,
 * unclosed quote), the sticky error, and a write/read round trip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/err.h"

struct reader {
    FILE *f;
    struct atrium_csv_reader *r;
};

static struct reader open_text(const char *text, size_t len, const struct atrium_csv_limits *lim)
{
    struct reader rd;
    rd.f = fmemopen((void *)text, len, "r");
    assert_non_null(rd.f);
    rd.r = atrium_csv_reader_new(rd.f, lim);
    return rd;
}

static void close_reader(struct reader *rd)
{
    atrium_csv_reader_free(rd->r);
    fclose(rd->f);
}

/* Read one record and check its fields (NULL-terminated list) and line. */
static void expect_record(struct reader *rd, size_t line, const char *const *fields)
{
    struct atrium_csv_record rec;
    struct atrium_errinfo e = {0};
    assert_int_equal(atrium_csv_read(rd->r, &rec, &e), 1);
    size_t n = 0;
    while (fields[n])
        n++;
    assert_int_equal(rec.count, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(rec.fields[i], fields[i]);
    assert_int_equal(rec.line, line);
}

static void expect_end(struct reader *rd)
{
    struct atrium_csv_record rec;
    assert_int_equal(atrium_csv_read(rd->r, &rec, NULL), 0);
}

/* The whole text fails with code, the message naming line. */
static void expect_error(const char *text, size_t len, int code, size_t line,
                         const struct atrium_csv_limits *lim)
{
    struct reader rd = open_text(text, len, lim);
    struct atrium_csv_record rec;
    struct atrium_errinfo e = {0};
    int r;
    while ((r = atrium_csv_read(rd.r, &rec, &e)) == 1)
        ;
    assert_int_equal(r, code);
    char want[32];
    snprintf(want, sizeof(want), "Line %zu:", line);
    assert_non_null(strstr(e.message, want));
    /* Sticky: the reader keeps answering the same error. */
    struct atrium_errinfo again = {0};
    assert_int_equal(atrium_csv_read(rd.r, &rec, &again), code);
    assert_string_equal(again.message, e.message);
    close_reader(&rd);
}

static void test_simple_lf_and_crlf(void **state)
{
    static const char text[] = "a,b,c\nd,,f\r\ng,h,i";
    struct reader rd = open_text(text, sizeof(text) - 1, NULL);
    expect_record(&rd, 1, (const char *const[]){"a", "b", "c", NULL});
    expect_record(&rd, 2, (const char *const[]){"d", "", "f", NULL});
    expect_record(&rd, 3, (const char *const[]){"g", "h", "i", NULL});
    expect_end(&rd);
    close_reader(&rd);
}

static void test_quotes(void **state)
{
    static const char text[] = "\"x, y\",\"say \"\"hi\"\"\",\"\"\r\n"
                               "\"multi\nline\r\nfield\",last\n"
                               "next,\"trailing\"\n";
    struct reader rd = open_text(text, sizeof(text) - 1, NULL);
    expect_record(&rd, 1, (const char *const[]){"x, y", "say \"hi\"", "", NULL});
    expect_record(&rd, 2, (const char *const[]){"multi\nline\r\nfield", "last", NULL});
    expect_record(&rd, 5, (const char *const[]){"next", "trailing", NULL});
    expect_end(&rd);
    close_reader(&rd);
}

static void test_bom_and_empty_lines(void **state)
{
    static const char text[] = "\xEF\xBB\xBFname,value\n\n\r\none,1\n\n";
    struct reader rd = open_text(text, sizeof(text) - 1, NULL);
    expect_record(&rd, 1, (const char *const[]){"name", "value", NULL});
    expect_record(&rd, 4, (const char *const[]){"one", "1", NULL});
    expect_end(&rd);
    close_reader(&rd);
    /* Not a BOM: the bytes stay. */
    static const char partial[] = "\xEF\xBBx,y\n";
    rd = open_text(partial, sizeof(partial) - 1, NULL);
    expect_record(&rd, 1, (const char *const[]){"\xEF\xBBx", "y", NULL});
    expect_end(&rd);
    close_reader(&rd);
    /* Empty input, and a BOM alone. */
    rd = open_text("", 0, NULL);
    expect_end(&rd);
    close_reader(&rd);
    rd = open_text("\xEF\xBB\xBF", 3, NULL);
    expect_end(&rd);
    close_reader(&rd);
}

static void test_trailing_comma_and_spaces(void **state)
{
    static const char text[] = " a ,b,\n";
    struct reader rd = open_text(text, sizeof(text) - 1, NULL);
    expect_record(&rd, 1, (const char *const[]){" a ", "b", "", NULL});
    expect_end(&rd);
    close_reader(&rd);
}

static void test_refusals(void **state)
{
    static const char open_quote[] = "a,b\n\"never closed,x\ny\n";
    expect_error(open_quote, sizeof(open_quote) - 1, ATRIUM_EINVAL, 2, NULL);
    static const char stray[] = "a,b\nc,d\"e\n";
    expect_error(stray, sizeof(stray) - 1, ATRIUM_EINVAL, 2, NULL);
    static const char after[] = "\"a\"b,c\n";
    expect_error(after, sizeof(after) - 1, ATRIUM_EINVAL, 1, NULL);
    static const char bare_cr[] = "a,b\rc\n";
    expect_error(bare_cr, sizeof(bare_cr) - 1, ATRIUM_EINVAL, 1, NULL);
    static const char nul[] = "a,b\nc\0d,e\n";
    expect_error(nul, sizeof(nul) - 1, ATRIUM_EINVAL, 2, NULL);
}

static void test_limits(void **state)
{
    const struct atrium_csv_limits lim = {.max_record_bytes = 8, .max_fields = 3};
    /* Exactly 8 content bytes and 3 fields pass. */
    static const char fits[] = "abc,def,gh\n";
    struct reader rd = open_text(fits, sizeof(fits) - 1, &lim);
    expect_record(&rd, 1, (const char *const[]){"abc", "def", "gh", NULL});
    expect_end(&rd);
    close_reader(&rd);
    static const char long_field[] = "ok\n123456789\n";
    expect_error(long_field, sizeof(long_field) - 1, ATRIUM_ETOOBIG, 2, &lim);
    static const char long_quoted[] = "\"1234\n56789\"\n";
    expect_error(long_quoted, sizeof(long_quoted) - 1, ATRIUM_ETOOBIG, 1, &lim);
    static const char many[] = "a,b,c,d\n";
    expect_error(many, sizeof(many) - 1, ATRIUM_ETOOBIG, 1, &lim);
}

static void test_write_round_trip(void **state)
{
    static const char *const fields[] = {"plain",    "with,comma", "say \"hi\"", "two\nlines",
                                         " padded ", "",           NULL};
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_int_equal(atrium_csv_write_record(out, (const char *const *)fields, 7), 0);
    assert_int_equal(atrium_csv_write_record(out, (const char *const *)fields, 1), 0);
    fclose(out);
    assert_string_equal(buf, "plain,\"with,comma\",\"say \"\"hi\"\"\",\"two\nlines\",\" padded "
                             "\",,\r\nplain\r\n");
    struct reader rd = open_text(buf, len, NULL);
    expect_record(&rd, 1,
                  (const char *const[]){"plain", "with,comma", "say \"hi\"", "two\nlines",
                                        " padded ", "", "", NULL});
    expect_record(&rd, 3, (const char *const[]){"plain", NULL});
    expect_end(&rd);
    close_reader(&rd);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_lf_and_crlf),
        cmocka_unit_test(test_quotes),
        cmocka_unit_test(test_bom_and_empty_lines),
        cmocka_unit_test(test_trailing_comma_and_spaces),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_write_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
