/* SPDX-License-Identifier: MIT */
/* JSON-lines logger on stderr; see log.h. */
#include "core/log.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/str.h"
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

/* "2026-11-26T05:34:46.123Z": the seconds part is formatted once per second per thread. */
static void timestamp(char out[32])
{
    static _Thread_local time_t cached_sec = -1;
    static _Thread_local char cached[24];
    static _Thread_local size_t cached_len;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (now.tv_sec != cached_sec) {
        struct tm tm;
        gmtime_r(&now.tv_sec, &tm);
        cached_len = strftime(cached, sizeof(cached), "%Y-%m-%dT%H:%M:%S", &tm);
        cached_sec = now.tv_sec;
    }
    int ms = (int)(now.tv_nsec / 1000000);
    memcpy(out, cached, cached_len); /* at most 23 of the 32 bytes */
    char *o = out + cached_len;
    *o++ = '.';
    *o++ = (char)('0' + ms / 100);
    *o++ = (char)('0' + ms / 10 % 10);
    *o++ = (char)('0' + ms % 10);
    *o++ = 'Z';
    *o = '\0';
}

/* One line, newline included, in one write(2) when it fits a pipe's atomic
 * size (then no lock is needed: lines of two threads cannot interleave);
 * longer lines and partial writes finish under the lock. */
static void write_line(const char *line, size_t n)
{
    size_t off = 0;
    if (n <= PIPE_BUF) {
        ssize_t w;
        while ((w = write(STDERR_FILENO, line, n)) < 0 && errno == EINTR)
            ;
        if (w < 0 || (size_t)w == n)
            return;
        off = (size_t)w;
    }
    pthread_mutex_lock(&log_lock);
    while (off < n) {
        ssize_t w = write(STDERR_FILENO, line + off, n - off);
        if (w <= 0 && errno != EINTR)
            break;
        off += w > 0 ? (size_t)w : 0;
    }
    pthread_mutex_unlock(&log_lock);
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
    size_t n = strlen(text);
    char *line_nl = xrealloc(text, n + 2);
    line_nl[n] = '\n';
    write_line(line_nl, n + 1);
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

/* A bounded writer over a fixed buffer: appends are cut at the end, keeping
 * room for the closing "}\n". */
struct line {
    char buf[2048];
    size_t len;
};

static void put_raw(struct line *l, const char *s, size_t n)
{
    size_t room = sizeof(l->buf) - 2 - l->len;
    if (n > room)
        n = room;
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

static bool json_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}

/* A JSON string: quotes, backslashes, control and non-ASCII bytes escaped
 * (the output is ASCII, like JSON_ENSURE_ASCII); an escape is never cut.
 * Runs of plain bytes are copied at once. */
static void put_json_string(struct line *l, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    put_raw(l, "\"", 1);
    while (*p) {
        size_t run = 0;
        while (json_plain(p[run]))
            run++;
        if (run) {
            size_t room = sizeof(l->buf) - 3 - l->len; /* keep room for the closing quote */
            put_raw(l, (const char *)p, run < room ? run : room);
            if (run > room)
                break;
            p += run;
            continue;
        }
        char esc[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
        size_t n = (*p == '"' || *p == '\\') ? 2 : 6;
        if (n == 2)
            esc[1] = (char)*p;
        if (sizeof(l->buf) - 3 - l->len < n)
            break;
        put_raw(l, esc, n);
        p++;
    }
    put_raw(l, "\"", 1);
}

static void put_field_str(struct line *l, const char *key, const char *value)
{
    put_raw(l, ",\"", 2);
    put_raw(l, key, strlen(key));
    put_raw(l, "\":", 2);
    put_json_string(l, value);
}

static void put_field_int(struct line *l, const char *key, int64_t value)
{
    char text[ATRIUM_I64_TEXT_MAX];
    size_t n = atrium_str_from_i64(value, text);
    put_raw(l, ",\"", 2);
    put_raw(l, key, strlen(key));
    put_raw(l, "\":", 2);
    put_raw(l, text, n);
}

/* A thread's buffer of request lines; see atrium_log_set_buffered(). */
struct log_buffer {
    pthread_mutex_t lock;
    struct log_buffer *next;
    int64_t oldest_ms; /* monotonic time of the first buffered line */
    size_t len;
    char data[16u << 10];
};

static atomic_bool buffered;
static pthread_mutex_t buffers_lock = PTHREAD_MUTEX_INITIALIZER;
static struct log_buffer *buffers;
static _Thread_local struct log_buffer *own_buffer;

void atrium_log_set_buffered(bool on)
{
    atomic_store(&buffered, on);
    if (!on)
        atrium_log_flush();
}

static int64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct log_buffer *thread_buffer(void)
{
    if (!own_buffer) {
        own_buffer = xcalloc(1, sizeof(*own_buffer));
        pthread_mutex_init(&own_buffer->lock, NULL);
        pthread_mutex_lock(&buffers_lock);
        own_buffer->next = buffers;
        buffers = own_buffer;
        pthread_mutex_unlock(&buffers_lock);
    }
    return own_buffer;
}

/* Caller holds b->lock. Whole lines only, in one write(2) per buffer. */
static void buffer_flush_locked(struct log_buffer *b)
{
    if (b->len)
        write_line(b->data, b->len); /* whole lines; over PIPE_BUF under the lock */
    b->len = 0;
}

static void emit_line(const char *line, size_t n)
{
    if (!atomic_load(&buffered)) {
        write_line(line, n);
        return;
    }
    struct log_buffer *b = thread_buffer();
    int64_t now = monotonic_ms();
    pthread_mutex_lock(&b->lock);
    if (b->len + n > sizeof(b->data) || (b->len && now - b->oldest_ms >= ATRIUM_LOG_FLUSH_MS))
        buffer_flush_locked(b);
    if (b->len == 0)
        b->oldest_ms = now;
    memcpy(b->data + b->len, line, n); /* n < sizeof(b->data): lines are bounded */
    b->len += n;
    pthread_mutex_unlock(&b->lock);
}

void atrium_log_flush(void)
{
    pthread_mutex_lock(&buffers_lock);
    for (struct log_buffer *b = buffers; b; b = b->next) {
        pthread_mutex_lock(&b->lock);
        buffer_flush_locked(b);
        pthread_mutex_unlock(&b->lock);
    }
    pthread_mutex_unlock(&buffers_lock);
}

void atrium_log_buffers_free(void)
{
    atomic_store(&buffered, false);
    atrium_log_flush();
    pthread_mutex_lock(&buffers_lock);
    while (buffers) {
        struct log_buffer *b = buffers;
        buffers = b->next;
        pthread_mutex_destroy(&b->lock);
        free(b);
    }
    pthread_mutex_unlock(&buffers_lock);
    own_buffer = NULL; /* the calling thread's; the others have exited */
}

void atrium_log_request(const struct atrium_log_request *r)
{
    if (ATRIUM_LOG_INFO < min_level)
        return;
    struct line l = {.len = 0};
    char ts[32];
    timestamp(ts);
    put_raw(&l, "{\"ts\":", 6);
    put_json_string(&l, ts);
    put_field_str(&l, "level", level_names[ATRIUM_LOG_INFO]);
    put_field_str(&l, "msg", "request");
    put_field_str(&l, "method", r->method);
    put_field_str(&l, "path", r->path);
    put_field_int(&l, "status", r->status);
    put_field_int(&l, "duration_ms", r->duration_ms);
    put_field_str(&l, "request_id", r->request_id);
    put_field_str(&l, "remote", r->remote);
    if (r->tenant && r->tenant[0])
        put_field_str(&l, "tenant", r->tenant);
    if (r->terminated >= 0)
        put_field_int(&l, "terminated", r->terminated);
    l.buf[l.len++] = '}'; /* put_raw always leaves these two bytes */
    l.buf[l.len++] = '\n';
    emit_line(l.buf, l.len);
}
