/* SPDX-License-Identifier: MIT */
/* Wall clock with a test offset, monotonic clock, ISO 8601; see clock.h. */
#include "core/clock.h"

#include <stdatomic.h>
#include <time.h>

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

void atrium_clock_set_offset(int64_t delta)
{
    atomic_store(&clock_offset, delta);
}
