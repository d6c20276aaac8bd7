/* SPDX-License-Identifier: MIT */
/* JSON-lines logger on stderr; see log.h. */
#include "core/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"

static enum atrium_log_level min_level = ATRIUM_LOG_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void atrium_log_set_level(enum atrium_log_level level)
{
    min_level = level;
}

int atrium_log_level_parse(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, level_names[i]) == 0)
            return i;
    return -1;
}

static void timestamp(char out[32])
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 32 - n, ".%03dZ", (int)(tv.tv_usec / 1000));
}

void atrium_log_fields(enum atrium_log_level level, json_t *fields)
{
    if (level < min_level || !fields) {
        json_decref(fields);
        return;
    }
    char ts[32];
    timestamp(ts);
    json_t *line = json_pack("{s:s, s:s}", "ts", ts, "level", level_names[level]);
    json_object_update(line, fields);
    json_decref(fields);
    char *text = json_dumps(line, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(line);
    if (!text)
        return;
    /* One write(2) per line (stderr is unbuffered: fputs + fputc were two). */
    size_t n = strlen(text);
    char *line_nl = xrealloc(text, n + 2);
    line_nl[n] = '\n';
    pthread_mutex_lock(&log_lock);
    for (size_t off = 0; off < n + 1;) {
        ssize_t w = write(STDERR_FILENO, line_nl + off, n + 1 - off);
        if (w <= 0 && errno != EINTR)
            break;
        off += w > 0 ? (size_t)w : 0;
    }
    pthread_mutex_unlock(&log_lock);
    free(line_nl);
}

void atrium_log(enum atrium_log_level level, const char *fmt, ...)
{
    if (level < min_level)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    atrium_log_fields(level, json_pack("{s:s}", "msg", msg));
}
