/* SPDX-License-Identifier: MIT */
/* A bounded, time-limited cache of rendered documents; see doc_cache.h. */
#include "http/doc_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/xalloc.h"

struct doc_entry {
    char key[ATRIUM_DOC_CACHE_KEY_MAX + 1]; /* "" when empty */
    char tenant[ATRIUM_UUID_LEN + 1];
    char *body;
    size_t len;
    int64_t expires;
};

struct atrium_doc_cache {
    pthread_mutex_t lock;
    int64_t ttl;
    size_t nslots;
    struct doc_entry slots[];
};

struct atrium_doc_cache *atrium_doc_cache_new(size_t slots, int64_t ttl)
{
    if (slots == 0)
        slots = 1;
    struct atrium_doc_cache *c = xcalloc(1, sizeof(*c) + slots * sizeof(c->slots[0]));
    pthread_mutex_init(&c->lock, NULL);
    c->ttl = ttl;
    c->nslots = slots;
    return c;
}

void atrium_doc_cache_free(struct atrium_doc_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nslots; i++)
        free(c->slots[i].body);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* FNV-1a. */
static size_t slot_of(const struct atrium_doc_cache *c, const char *key)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    return (size_t)(h % c->nslots);
}

static bool key_ok(const char *key)
{
    return key && *key && strnlen(key, ATRIUM_DOC_CACHE_KEY_MAX + 1) <= ATRIUM_DOC_CACHE_KEY_MAX;
}

bool atrium_doc_cache_get(struct atrium_doc_cache *c, const char *key, struct atrium_buf *out,
                          char ret_tenant[ATRIUM_UUID_LEN + 1])
{
    if (!c || !key_ok(key))
        return false;
    bool hit = false;
    int64_t now = atrium_now();
    pthread_mutex_lock(&c->lock);
    struct doc_entry *e = &c->slots[slot_of(c, key)];
    if (e->body && e->expires > now && strcmp(e->key, key) == 0) {
        atrium_buf_reset(out);
        hit = atrium_buf_append(out, e->body, e->len) == 0;
        memcpy(ret_tenant, e->tenant, sizeof(e->tenant));
    }
    pthread_mutex_unlock(&c->lock);
    return hit;
}

void atrium_doc_cache_put(struct atrium_doc_cache *c, const char *key, const char *body, size_t len,
                          const char *tenant_id)
{
    if (!c || !key_ok(key) || len > ATRIUM_DOC_CACHE_BODY_MAX)
        return;
    char *copy = xstrndup(body, len);
    size_t tlen = tenant_id ? strnlen(tenant_id, ATRIUM_UUID_LEN) : 0;
    pthread_mutex_lock(&c->lock);
    struct doc_entry *e = &c->slots[slot_of(c, key)];
    char *old = e->body;
    memcpy(e->key, key, strlen(key) + 1);
    memcpy(e->tenant, tenant_id ? tenant_id : "", tlen);
    e->tenant[tlen] = '\0';
    e->body = copy;
    e->len = len;
    e->expires = atrium_now() + c->ttl;
    pthread_mutex_unlock(&c->lock);
    free(old);
}
