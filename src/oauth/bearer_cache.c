/* SPDX-License-Identifier: MIT */
/*
 * A bounded, thread-safe cache of verified access tokens: a fixed array of
 * entries, hash chains for look-up, and clock (second-chance) eviction that
 * prefers expired entries. One mutex guards everything; the hit path is a
 * hash, a short chain walk and a copy of the principal.
 */
#include "oauth/bearer_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "oauth/oauth.h"

struct bearer_entry {
    char key[ATRIUM_TOKEN_HASH_LEN + 1];
    int64_t exp;
    int64_t recheck_at;
    struct atrium_principal p;
    struct bearer_entry *next; /* hash chain */
    bool live;
    bool ref; /* used since the clock hand last passed */
};

struct atrium_bearer_cache {
    pthread_mutex_t lock;
    struct bearer_entry *entries;
    struct bearer_entry **buckets;
    size_t capacity, used, hand, nbuckets; /* nbuckets: a power of two */
};

static void copy_items(char **dst, size_t *dst_count, char *const *src, size_t count)
{
    size_t n = count < ATRIUM_PRINCIPAL_MAX_ITEMS ? count : ATRIUM_PRINCIPAL_MAX_ITEMS;
    for (size_t i = 0; i < n; i++)
        dst[i] = xstrdup(src[i]);
    *dst_count = n;
}

void atrium_principal_copy(struct atrium_principal *dst, const struct atrium_principal *src)
{
    *dst = *src;
    copy_items(dst->scopes, &dst->scope_count, src->scopes, src->scope_count);
    copy_items(dst->roles, &dst->role_count, src->roles, src->role_count);
    copy_items(dst->wids, &dst->wid_count, src->wids, src->wid_count);
}

struct atrium_bearer_cache *atrium_bearer_cache_new(size_t capacity)
{
    struct atrium_bearer_cache *c = xcalloc(1, sizeof(*c));
    if (capacity == 0)
        capacity = 1;
    c->capacity = capacity;
    c->nbuckets = 16;
    while (c->nbuckets < capacity * 2)
        c->nbuckets *= 2;
    c->entries = xcalloc(capacity, sizeof(*c->entries));
    c->buckets = xcalloc(c->nbuckets, sizeof(*c->buckets));
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

void atrium_bearer_cache_free(struct atrium_bearer_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->used; i++)
        atrium_principal_release(&c->entries[i].p);
    pthread_mutex_destroy(&c->lock);
    free(c->entries);
    free(c->buckets);
    free(c);
}

/* FNV-1a of the key; keys are uniformly random already. */
static size_t bucket_of(const struct atrium_bearer_cache *c, const char *key)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *key; key++)
        h = (h ^ (unsigned char)*key) * 1099511628211ULL;
    return (size_t)(h & (c->nbuckets - 1));
}

static struct bearer_entry *find(struct atrium_bearer_cache *c, const char *key)
{
    for (struct bearer_entry *e = c->buckets[bucket_of(c, key)]; e; e = e->next)
        if (strcmp(e->key, key) == 0)
            return e;
    return NULL;
}

static void unlink_entry(struct atrium_bearer_cache *c, struct bearer_entry *victim)
{
    for (struct bearer_entry **pp = &c->buckets[bucket_of(c, victim->key)]; *pp;
         pp = &(*pp)->next) {
        if (*pp == victim) {
            *pp = victim->next;
            break;
        }
    }
    atrium_principal_release(&victim->p);
    victim->live = false;
    victim->next = NULL;
}

/* A free entry: a never-used one, else the first expired or unreferenced under the hand. */
static struct bearer_entry *take_slot(struct atrium_bearer_cache *c, int64_t now)
{
    if (c->used < c->capacity)
        return &c->entries[c->used++];
    for (;;) {
        struct bearer_entry *e = &c->entries[c->hand];
        c->hand = (c->hand + 1) % c->capacity;
        if (!e->live)
            return e;
        if (e->exp <= now || !e->ref) {
            unlink_entry(c, e);
            return e;
        }
        e->ref = false;
    }
}

bool atrium_bearer_cache_get(struct atrium_bearer_cache *c, const char *key, int64_t now,
                             struct atrium_principal *ret, bool *ret_recheck)
{
    bool hit = false;
    pthread_mutex_lock(&c->lock);
    struct bearer_entry *e = find(c, key);
    if (e && e->exp <= now) {
        unlink_entry(c, e);
    } else if (e) {
        e->ref = true;
        *ret_recheck = now >= e->recheck_at;
        atrium_principal_copy(ret, &e->p);
        hit = true;
    }
    pthread_mutex_unlock(&c->lock);
    return hit;
}

void atrium_bearer_cache_put(struct atrium_bearer_cache *c, const char *key, int64_t now,
                             int64_t exp, int64_t recheck_at, const struct atrium_principal *p)
{
    pthread_mutex_lock(&c->lock);
    struct bearer_entry *e = find(c, key);
    if (e)
        unlink_entry(c, e);
    else
        e = take_slot(c, now);
    memcpy(e->key, key, sizeof(e->key));
    e->key[ATRIUM_TOKEN_HASH_LEN] = '\0';
    e->exp = exp;
    e->recheck_at = recheck_at;
    atrium_principal_copy(&e->p, p);
    e->live = true;
    e->ref = false;
    size_t b = bucket_of(c, e->key);
    e->next = c->buckets[b];
    c->buckets[b] = e;
    pthread_mutex_unlock(&c->lock);
}

void atrium_bearer_cache_rechecked(struct atrium_bearer_cache *c, const char *key,
                                   int64_t recheck_at)
{
    pthread_mutex_lock(&c->lock);
    struct bearer_entry *e = find(c, key);
    if (e)
        e->recheck_at = recheck_at;
    pthread_mutex_unlock(&c->lock);
}

void atrium_bearer_cache_remove(struct atrium_bearer_cache *c, const char *key)
{
    pthread_mutex_lock(&c->lock);
    struct bearer_entry *e = find(c, key);
    if (e)
        unlink_entry(c, e);
    pthread_mutex_unlock(&c->lock);
}
