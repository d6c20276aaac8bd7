/* SPDX-License-Identifier: MIT */
/* Bounded per-client token buckets; see ratelimit.h. */
#include "http/ratelimit.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"

#define WAYS 8             /* slots per set */
#define UNITS_PER_TOKEN 60 /* one token = 60 units; a second refills per_minute units */

struct bucket {
    bool used;
    char key[ATRIUM_RATELIMIT_KEY_MAX];
    uint32_t units;  /* available, at most capacity */
    int64_t updated; /* atrium_now() of the last refill */
};

struct atrium_ratelimit {
    pthread_mutex_t lock;
    unsigned per_minute;
    uint64_t capacity; /* per_minute * UNITS_PER_TOKEN */
    uint64_t seed;
    size_t nsets;
    struct bucket *slots; /* nsets * WAYS */
};

struct atrium_ratelimit *atrium_ratelimit_new(unsigned per_minute, size_t slots)
{
    struct atrium_ratelimit *rl = xcalloc(1, sizeof(*rl));
    pthread_mutex_init(&rl->lock, NULL);
    rl->per_minute = per_minute ? per_minute : 1;
    rl->capacity = (uint64_t)rl->per_minute * UNITS_PER_TOKEN;
    atrium_random_bytes(&rl->seed, sizeof(rl->seed));
    rl->nsets = (slots + WAYS - 1) / WAYS;
    if (rl->nsets == 0)
        rl->nsets = 1;
    rl->slots = xcalloc(rl->nsets * WAYS, sizeof(*rl->slots));
    return rl;
}

void atrium_ratelimit_free(struct atrium_ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->lock);
    free(rl->slots);
    free(rl);
}

/* Seeded FNV-1a, so a client cannot aim its keys at one set. */
static uint64_t key_hash(uint64_t seed, const char *key)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ seed;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    return h ^ (h >> 29);
}

/* The bucket for key in its set: existing, free, or the least recently used. */
static struct bucket *find_bucket(struct atrium_ratelimit *rl, const char *key, bool *ret_new)
{
    struct bucket *set = &rl->slots[(key_hash(rl->seed, key) % rl->nsets) * WAYS];
    for (size_t i = 0; i < WAYS; i++) {
        if (set[i].used && strcmp(set[i].key, key) == 0) {
            *ret_new = false;
            return &set[i];
        }
    }
    struct bucket *victim = &set[0];
    for (size_t i = 0; i < WAYS; i++) {
        if (!set[i].used) {
            victim = &set[i];
            break;
        }
        if (set[i].updated < victim->updated)
            victim = &set[i];
    }
    *ret_new = true;
    return victim;
}

static void refill(struct atrium_ratelimit *rl, struct bucket *b, int64_t now)
{
    if (now <= b->updated)
        return; /* the wall clock went back: no refill, and no debt either */
    uint64_t add = (uint64_t)(now - b->updated) * rl->per_minute;
    uint64_t units = add >= rl->capacity ? rl->capacity : b->units + add;
    b->units = (uint32_t)(units > rl->capacity ? rl->capacity : units);
    b->updated = now;
}

int atrium_ratelimit_take(struct atrium_ratelimit *rl, const char *key, unsigned *ret_retry_after)
{
    int64_t now = atrium_now();
    int r = 0;
    pthread_mutex_lock(&rl->lock);
    bool fresh;
    struct bucket *b = find_bucket(rl, key, &fresh);
    if (fresh) {
        b->used = true;
        snprintf(b->key, sizeof(b->key), "%s", key);
        b->units = (uint32_t)rl->capacity;
        b->updated = now;
    }
    refill(rl, b, now);
    if (b->units >= UNITS_PER_TOKEN) {
        b->units -= UNITS_PER_TOKEN;
    } else {
        unsigned missing = UNITS_PER_TOKEN - b->units;
        if (ret_retry_after)
            *ret_retry_after = (missing + rl->per_minute - 1) / rl->per_minute;
        r = ATRIUM_ERATE;
    }
    pthread_mutex_unlock(&rl->lock);
    return r;
}

size_t atrium_ratelimit_slots(const struct atrium_ratelimit *rl)
{
    return rl->nsets * WAYS;
}

size_t atrium_ratelimit_used(struct atrium_ratelimit *rl)
{
    size_t n = 0;
    pthread_mutex_lock(&rl->lock);
    for (size_t i = 0; i < rl->nsets * WAYS; i++)
        n += rl->slots[i].used;
    pthread_mutex_unlock(&rl->lock);
    return n;
}

void atrium_ratelimit_client_key(const char *ip, char out[ATRIUM_RATELIMIT_KEY_MAX])
{
    unsigned char a[16];
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (ip && inet_pton(AF_INET6, ip, a) == 1) {
        if (memcmp(a, mapped, sizeof(mapped)) == 0) {
            inet_ntop(AF_INET, a + 12, out, ATRIUM_RATELIMIT_KEY_MAX);
            return;
        }
        memset(a + 8, 0, 8);
        char text[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, a, text, sizeof(text));
        snprintf(out, ATRIUM_RATELIMIT_KEY_MAX, "%s/64", text);
        return;
    }
    snprintf(out, ATRIUM_RATELIMIT_KEY_MAX, "%s", ip ? ip : "");
}
