/* SPDX-License-Identifier: MIT */
/* The keyring: active and still-published signing keys, and the JWKS; see keyring.h. */
#define _GNU_SOURCE /* pthread_rwlockattr_setkind_np */
#include "crypto/keyring.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "crypto/keyring_internal.h"

struct atrium_keyring {
    pthread_rwlock_t lock;
    struct atrium_signing_key **keys;
    size_t n;
    size_t cap;
    struct atrium_signing_key *active; /* one of keys, or NULL */
    uint64_t generation;
};

struct atrium_keyring *atrium_keyring_new(void)
{
    struct atrium_keyring *kr = xcalloc(1, sizeof(*kr));
    pthread_rwlockattr_t attr;

    /* Rotation must not starve behind a steady stream of signers. */
    if (pthread_rwlockattr_init(&attr) != 0 ||
        pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP) != 0 ||
        pthread_rwlock_init(&kr->lock, &attr) != 0)
        abort();
    pthread_rwlockattr_destroy(&attr);
    return kr;
}

struct atrium_keyring *atrium_keyring_free(struct atrium_keyring *kr)
{
    if (!kr)
        return NULL;
    for (size_t i = 0; i < kr->n; i++)
        atrium_signing_key_free(kr->keys[i]);
    xfree(kr->keys);
    pthread_rwlock_destroy(&kr->lock);
    return xfree(kr);
}

void atrium_keyring_rdlock(struct atrium_keyring *kr)
{
    if (pthread_rwlock_rdlock(&kr->lock) != 0)
        abort();
}

void atrium_keyring_unlock(struct atrium_keyring *kr)
{
    pthread_rwlock_unlock(&kr->lock);
}

static void wrlock(struct atrium_keyring *kr)
{
    if (pthread_rwlock_wrlock(&kr->lock) != 0)
        abort();
}

/* Index of kid, or -1. Lock held. */
static ssize_t find_index(const struct atrium_keyring *kr, const char *kid)
{
    for (size_t i = 0; i < kr->n; i++) {
        if (strcmp(kr->keys[i]->kid, kid) == 0)
            return (ssize_t)i;
    }
    return -1;
}

const struct atrium_signing_key *atrium_keyring_active_locked(struct atrium_keyring *kr,
                                                              int64_t now)
{
    if (kr->active && atrium_signing_key_usable(kr->active, now))
        return kr->active;
    return NULL;
}

const struct atrium_signing_key *atrium_keyring_find_locked(struct atrium_keyring *kr,
                                                            const char *kid, int64_t now)
{
    ssize_t i = find_index(kr, kid);
    if (i < 0 || !atrium_signing_key_usable(kr->keys[i], now))
        return NULL;
    return kr->keys[i];
}

/* Append key (consumed). Write lock held. */
static int add_locked(struct atrium_keyring *kr, struct atrium_signing_key *key, bool make_active)
{
    if (find_index(kr, key->kid) >= 0) {
        atrium_signing_key_free(key);
        return ATRIUM_ECONFLICT;
    }
    if (kr->n == kr->cap) {
        kr->cap = kr->cap ? kr->cap * 2 : 4;
        kr->keys = xrealloc(kr->keys, kr->cap * sizeof(*kr->keys));
    }
    kr->keys[kr->n++] = key;
    if (make_active)
        kr->active = key;
    kr->generation++;
    return 0;
}

int atrium_keyring_add(struct atrium_keyring *kr, struct atrium_signing_key *key, bool make_active)
{
    wrlock(kr);
    int r = add_locked(kr, key, make_active);
    atrium_keyring_unlock(kr);
    return r;
}

int atrium_keyring_rotate(struct atrium_keyring *kr, struct atrium_signing_key *key,
                          int64_t grace_seconds)
{
    int64_t end = atrium_now() + grace_seconds;

    wrlock(kr);
    struct atrium_signing_key *old = kr->active;
    int r = add_locked(kr, key, true);
    if (r == 0 && old && (old->not_after == 0 || old->not_after > end))
        old->not_after = end;
    atrium_keyring_unlock(kr);
    return r;
}

/* Find a non-active key for retire/remove. Write lock held. */
static int find_inactive(const struct atrium_keyring *kr, const char *kid, size_t *ret)
{
    ssize_t i = find_index(kr, kid);
    if (i < 0)
        return ATRIUM_ENOTFOUND;
    if (kr->keys[i] == kr->active)
        return ATRIUM_EINVAL;
    *ret = (size_t)i;
    return 0;
}

int atrium_keyring_retire(struct atrium_keyring *kr, const char *kid, int64_t not_after)
{
    size_t i = 0;

    wrlock(kr);
    int r = find_inactive(kr, kid, &i);
    if (r == 0) {
        kr->keys[i]->not_after = not_after;
        kr->generation++;
    }
    atrium_keyring_unlock(kr);
    return r;
}

/* Drop keys[i]. Write lock held. */
static void remove_at(struct atrium_keyring *kr, size_t i)
{
    atrium_signing_key_free(kr->keys[i]);
    memmove(&kr->keys[i], &kr->keys[i + 1], (kr->n - i - 1) * sizeof(*kr->keys));
    kr->n--;
    kr->generation++;
}

int atrium_keyring_remove(struct atrium_keyring *kr, const char *kid)
{
    size_t i = 0;

    wrlock(kr);
    int r = find_inactive(kr, kid, &i);
    if (r == 0)
        remove_at(kr, i);
    atrium_keyring_unlock(kr);
    return r;
}

size_t atrium_keyring_prune(struct atrium_keyring *kr, int64_t now)
{
    size_t removed = 0;

    wrlock(kr);
    for (size_t i = kr->n; i-- > 0;) {
        if (kr->keys[i] != kr->active && !atrium_signing_key_usable(kr->keys[i], now)) {
            remove_at(kr, i);
            removed++;
        }
    }
    atrium_keyring_unlock(kr);
    return removed;
}

int atrium_keyring_activate(struct atrium_keyring *kr, const char *kid)
{
    wrlock(kr);
    ssize_t i = find_index(kr, kid);
    if (i >= 0 && kr->keys[i] != kr->active) {
        kr->active = kr->keys[i];
        kr->active->not_after = 0;
        kr->generation++;
    }
    atrium_keyring_unlock(kr);
    return i >= 0 ? 0 : ATRIUM_ENOTFOUND;
}

void atrium_keyring_list(struct atrium_keyring *kr, struct atrium_keyring_entry **ret,
                         size_t *ret_count)
{
    atrium_keyring_rdlock(kr);
    struct atrium_keyring_entry *v = kr->n ? xcalloc(kr->n, sizeof(*v)) : NULL;
    for (size_t i = 0; i < kr->n; i++) {
        memcpy(v[i].kid, kr->keys[i]->kid, sizeof(v[i].kid));
        v[i].not_after = kr->keys[i]->not_after;
        v[i].active = kr->keys[i] == kr->active;
    }
    *ret_count = kr->n;
    atrium_keyring_unlock(kr);
    *ret = v;
}

int atrium_keyring_active_kid(struct atrium_keyring *kr, char **ret)
{
    atrium_keyring_rdlock(kr);
    char *kid = kr->active ? xstrdup(kr->active->kid) : NULL;
    atrium_keyring_unlock(kr);
    if (!kid)
        return ATRIUM_ENOTFOUND;
    *ret = kid;
    return 0;
}

size_t atrium_keyring_count(struct atrium_keyring *kr)
{
    atrium_keyring_rdlock(kr);
    size_t n = kr->n;
    atrium_keyring_unlock(kr);
    return n;
}

uint64_t atrium_keyring_generation(struct atrium_keyring *kr)
{
    atrium_keyring_rdlock(kr);
    uint64_t g = kr->generation;
    atrium_keyring_unlock(kr);
    return g;
}

int atrium_keyring_jwks(struct atrium_keyring *kr, const char *issuer, json_t **ret)
{
    int64_t now = atrium_now();
    json_t *keys = json_array();

    atrium_keyring_rdlock(kr);
    if (kr->active && atrium_signing_key_usable(kr->active, now))
        json_array_append_new(keys, atrium_signing_key_public_jwk(kr->active, issuer));
    for (size_t i = 0; i < kr->n; i++) {
        if (kr->keys[i] != kr->active && atrium_signing_key_usable(kr->keys[i], now))
            json_array_append_new(keys, atrium_signing_key_public_jwk(kr->keys[i], issuer));
    }
    atrium_keyring_unlock(kr);
    *ret = json_pack("{s:o}", "keys", keys);
    return *ret ? 0 : ATRIUM_EINTERNAL;
}
