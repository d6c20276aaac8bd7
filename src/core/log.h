/* SPDX-License-Identifier: MIT */
/*
 * Structured logging: one JSON object per line on stderr. Only edge code
 * (http/, app/, cli/) logs at warn or above; never pass a secret to it.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

enum atrium_log_level {
    ATRIUM_LOG_DEBUG,
    ATRIUM_LOG_INFO,
    ATRIUM_LOG_WARN,
    ATRIUM_LOG_ERROR,
};

/* Lines below this level are dropped. Default: info. */
void atrium_log_set_level(enum atrium_log_level level);
/* Parse "debug"/"info"/"warn"/"error"; -1 when unknown. */
int atrium_log_level_parse(const char *name);
/* Log a message line: {"ts","level","msg"}. */
void atrium_log(enum atrium_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Log an object; "ts" and "level" are added. Consumes fields. */
void atrium_log_fields(enum atrium_log_level level, json_t *fields);

/* The access-log line of one request. */
struct atrium_log_request {
    const char *method;
    const char *path; /* without the query string */
    unsigned status;
    int64_t duration_ms;
    const char *request_id;
    const char *remote;
    const char *tenant; /* NULL or "": omitted */
    int terminated;     /* < 0: omitted */
};

/* Log one request at info level: the same JSON fields as atrium_log_fields
 * would write, formatted straight into a stack buffer (no JSON tree: this
 * runs once per request). Over-long values are cut, never overflowed. */
void atrium_log_request(const struct atrium_log_request *r);

/* Buffer request lines per thread (like nginx's "access_log buffer="): they
 * reach stderr in whole lines when a thread's buffer is full, when its oldest
 * line is ATRIUM_LOG_FLUSH_MS old, or at atrium_log_flush(), which the owner
 * of the setting (atrium serve) calls at least that often and at exit.
 * Other lines are always written at once. Off by default. */
#define ATRIUM_LOG_FLUSH_MS 250
void atrium_log_set_buffered(bool on);
/* Write every buffered line; safe from any thread. */
void atrium_log_flush(void);
/* Flush, then free the buffers (at exit, when no request thread runs). */
void atrium_log_buffers_free(void);
