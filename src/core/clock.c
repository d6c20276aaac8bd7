/* SPDX-License-Identifier: MIT */
/* Wall clock with a test offset, monotonic clock, ISO 8601; see clock.h. */
#include "core/clock.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "core/err.h"

static _Atomic int64_t clock_offset;

int64_t atrium_now(void)
{
    return (int64_t)time(NULL) + atomic_load(&clock_offset);
}

int64_t atrium_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void atrium_iso8601(int64_t t, char out[ATRIUM_ISO8601_LEN + 1])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, ATRIUM_ISO8601_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The decimal number of n digits at s, or -1 when one is not a digit. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* "Z", "+HH:MM" or "-HH:MM" (the whole rest of s) into seconds east of UTC. */
static bool zone_offset(const char *s, long *ret)
{
    if ((s[0] == 'Z' || s[0] == 'z') && s[1] == '\0') {
        *ret = 0;
        return true;
    }
    if ((s[0] != '+' && s[0] != '-') || strlen(s) != 6 || s[3] != ':')
        return false;
    int h = digits(s + 1, 2), m = digits(s + 4, 2);
    if (h < 0 || h > 23 || m < 0 || m > 59)
        return false;
    *ret = (s[0] == '-' ? -1L : 1L) * (h * 3600L + m * 60L);
    return true;
}

int atrium_iso8601_parse(const char *s, int64_t *ret)
{
    if (!s || strnlen(s, 20) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
        s[13] != ':' || s[16] != ':')
        return ATRIUM_EINVAL;
    int year = digits(s, 4), mon = digits(s + 5, 2), day = digits(s + 8, 2);
    int h = digits(s + 11, 2), mi = digits(s + 14, 2), sec = digits(s + 17, 2);
    if (year < 1970 || mon < 1 || mon > 12 || day < 1 || day > 31 || h < 0 || h > 23 || mi < 0 ||
        mi > 59 || sec < 0 || sec > 59)
        return ATRIUM_EINVAL;
    const char *p = s + 19;
    if (*p == '.') {
        size_t n = strspn(p + 1, "0123456789");
        if (n == 0 || n > 9)
            return ATRIUM_EINVAL;
        p += 1 + n;
    }
    long offset = 0;
    if (!zone_offset(p, &offset))
        return ATRIUM_EINVAL;
    struct tm tm = {.tm_year = year - 1900,
                    .tm_mon = mon - 1,
                    .tm_mday = day,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = sec};
    time_t t = timegm(&tm);
    if (t == (time_t)-1 || tm.tm_mday != day) /* normalised: 31 February and the like */
        return ATRIUM_EINVAL;
    *ret = (int64_t)t - offset;
    return 0;
}

void atrium_clock_set_offset(int64_t delta)
{
    atomic_store(&clock_offset, delta);
}
