/* SPDX-License-Identifier: MIT */
/* Unit tests for the logger (core/log.c): the request line and its buffering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"

/* stderr goes to a temporary file for the duration of a test. */
static int saved_stderr = -1;
static FILE *capture;

static int capture_start(void **state)
{
    (void)state;
    capture = tmpfile();
    assert_non_null(capture);
    saved_stderr = dup(STDERR_FILENO);
    assert_true(dup2(fileno(capture), STDERR_FILENO) >= 0);
    return 0;
}

static int capture_stop(void **state)
{
    (void)state;
    atrium_log_buffers_free();
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    fclose(capture);
    return 0;
}

/* Everything written so far, as a heap string. */
static char *captured(void)
{
    off_t n = lseek(fileno(capture), 0, SEEK_END);
    assert_true(n >= 0);
    char *text = calloc(1, (size_t)n + 1);
    assert_int_equal(pread(fileno(capture), text, (size_t)n, 0), (ssize_t)n);
    return text;
}

static json_t *only_line(const char *text)
{
    const char *nl = strchr(text, '\n');
    assert_non_null(nl);
    assert_int_equal(nl[1], '\0');
    json_error_t err;
    json_t *line = json_loadb(text, (size_t)(nl - text), 0, &err);
    if (!line)
        fail_msg("not JSON (%s): %s", err.text, text);
    return line;
}

static void test_request_line_fields(void **state)
{
    (void)state;
    struct atrium_log_request r = {
        .method = "GET",
        .path = "/a\"b\\c\x01\xff",
        .status = 404,
        .duration_ms = 12,
        .request_id = "rid",
        .remote = "127.0.0.1",
        .tenant = "tid",
        .terminated = 3,
    };
    atrium_log_request(&r);
    char *text = captured();
    json_t *line = only_line(text);
    assert_string_equal(json_string_value(json_object_get(line, "msg")), "request");
    assert_string_equal(json_string_value(json_object_get(line, "level")), "info");
    assert_string_equal(json_string_value(json_object_get(line, "path")), "/a\"b\\c\x01\xc3\xbf");
    assert_int_equal(json_integer_value(json_object_get(line, "status")), 404);
    assert_int_equal(json_integer_value(json_object_get(line, "duration_ms")), 12);
    assert_string_equal(json_string_value(json_object_get(line, "tenant")), "tid");
    assert_int_equal(json_integer_value(json_object_get(line, "terminated")), 3);
    assert_int_equal(strlen(json_string_value(json_object_get(line, "ts"))), 24);
    json_decref(line);
    free(text);
}

static void test_request_line_omits_and_cuts(void **state)
{
    (void)state;
    char *huge = malloc(10000);
    memset(huge, '"', 9999);
    huge[9999] = '\0';
    struct atrium_log_request r = {.method = "GET", .path = huge, .terminated = -1};
    atrium_log_request(&r);
    char *text = captured();
    json_t *line = only_line(text); /* still one valid JSON line */
    assert_null(json_object_get(line, "tenant"));
    assert_null(json_object_get(line, "terminated"));
    assert_true(strlen(json_string_value(json_object_get(line, "path"))) < 2048);
    json_decref(line);
    free(text);
    free(huge);
}

static void test_buffered_lines_wait_for_flush(void **state)
{
    (void)state;
    struct atrium_log_request r = {.method = "GET", .path = "/x", .status = 200, .terminated = -1};
    atrium_log_set_buffered(true);
    atrium_log_request(&r);
    atrium_log_request(&r);
    char *text = captured();
    assert_string_equal(text, ""); /* held in this thread's buffer */
    free(text);
    atrium_log(ATRIUM_LOG_WARN, "direct"); /* other lines are not held */
    text = captured();
    assert_non_null(strstr(text, "direct"));
    free(text);
    atrium_log_flush();
    text = captured();
    size_t lines = 0;
    for (const char *p = text; (p = strchr(p, '\n')); p++)
        lines++;
    assert_int_equal(lines, 3);
    free(text);
}

static void test_buffer_full_flushes_whole_lines(void **state)
{
    (void)state;
    struct atrium_log_request r = {.method = "GET", .path = "/y", .status = 200, .terminated = -1};
    atrium_log_set_buffered(true);
    for (int i = 0; i < 1000; i++) /* far more than one buffer */
        atrium_log_request(&r);
    char *text = captured();
    size_t len = strlen(text);
    assert_true(len > 0);
    assert_int_equal(text[len - 1], '\n'); /* only whole lines reach the output */
    free(text);
    atrium_log_set_buffered(false); /* turning it off writes the rest */
    text = captured();
    size_t lines = 0;
    for (const char *p = text; (p = strchr(p, '\n')); p++)
        lines++;
    assert_int_equal(lines, 1000);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_request_line_fields, capture_start, capture_stop),
        cmocka_unit_test_setup_teardown(test_request_line_omits_and_cuts, capture_start,
                                        capture_stop),
        cmocka_unit_test_setup_teardown(test_buffered_lines_wait_for_flush, capture_start,
                                        capture_stop),
        cmocka_unit_test_setup_teardown(test_buffer_full_flushes_whole_lines, capture_start,
                                        capture_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
