/* SPDX-License-Identifier: MIT */
/*
 * Structured logging: one JSON object per line on stderr. Only edge code
 * (http/, app/, cli/) logs at warn or above; never pass a secret to it.
 */
#pragma once

#include <jansson.h>

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
