/* SPDX-License-Identifier: MIT */
/*
 * Backend-independent part of the store: URI dispatch, close, the list
 * release functions, and the per-thread connection pool.
 *
 * Pool design. Each thread's handle lives in a slot: the thread points to
 * it through a pthread key, the pool keeps every slot in a registry under
 * its mutex. A slot has its own mutex and two flags, thread_gone and
 * pool_gone; the thread-exit destructor and atrium_store_pool_free each
 * close the handle under the slot mutex (whoever comes first), and the one
 * that finds the other flag already set frees the slot. The destructor never
 * touches the pool itself, so it may run concurrently with pool_free (glibc
 * can call it just after pthread_key_delete). Slots of exited threads are
 * swept from the registry when a new thread joins the pool.
 *
 * Free the pool after the threads that used it have ended (MHD joins its
 * workers in MHD_stop_daemon), or from one of them. A thread still running
 * at pool_free gets its handle closed, but its small slot stays allocated:
 * with the key deleted its destructor never runs, and freeing the slot could
 * race a destructor already in flight.
 */
#include "store/store.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "store/store_backend.h"
#include "store/store_oauth.h"

/* Keep in sync with the scheme list of the "unsupported" message below. */
#define SQLITE_SCHEME "sqlite:"

/*
 * Length of a URI scheme ("postgres" in "postgres://..."), or 0 when s does
 * not start with one (a bare path). RFC 3986: ALPHA *( ALPHA / DIGIT / + - . ) ":".
 */
static size_t scheme_len(const char *s)
{
    size_t n = 0;
    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return 0;
    while (s[n] && s[n] != ':' && s[n] != '/') {
        char c = s[n];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '+' || c == '-' || c == '.';
        if (!ok)
            return 0;
        n++;
    }
    return s[n] == ':' ? n : 0;
}

/* Pick the backend for uri; *ret_path is borrowed from uri. */
static int parse_uri(const char *uri, const char **ret_path, struct atrium_errinfo *e)
{
    if (!uri || !*uri)
        return atrium_err(e, ATRIUM_EINVAL, "store", "the store URI is empty");
    if (atrium_str_starts_with(uri, SQLITE_SCHEME)) {
        *ret_path = uri + strlen(SQLITE_SCHEME);
    } else {
        size_t n = scheme_len(uri);
        if (n > 0)
            /* Name only the scheme: the rest may carry a password. */
            return atrium_err(e, ATRIUM_EINVAL, "store",
                              "unsupported store URI scheme \"%.*s\" (use sqlite:PATH, "
                              "sqlite::memory: or a file path)",
                              (int)(n > 32 ? 32 : n), uri);
        *ret_path = uri;
    }
    if (!**ret_path)
        return atrium_err(e, ATRIUM_EINVAL, "store", "the store URI has an empty path");
    return 0;
}

int atrium_store_open(const char *uri, struct atrium_store **ret, struct atrium_errinfo *e)
{
    const char *path = NULL;
    struct atrium_store *s = NULL;
    int r = parse_uri(uri, &path, e);
    if (r < 0)
        return r;
    r = atrium_store_sqlite_open(path, &s, e);
    if (r < 0)
        return r;
    if (s->ops->version != ATRIUM_STORE_OPS_VERSION || !s->oauth ||
        s->oauth->version != ATRIUM_STORE_OAUTH_OPS_VERSION) {
        s->ops->close(s);
        return atrium_err(e, ATRIUM_EINTERNAL, "store", "store backend ops version mismatch");
    }
    *ret = s;
    return 0;
}

void atrium_store_close(struct atrium_store *s)
{
    if (s)
        s->ops->close(s);
}

void atrium_tenant_list_release(struct atrium_tenant_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        atrium_tenant_release(&l->items[i]);
    xfree(l->items);
    memset(l, 0, sizeof(*l));
}

void atrium_domain_list_release(struct atrium_domain_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        atrium_domain_release(&l->items[i]);
    xfree(l->items);
    memset(l, 0, sizeof(*l));
}

void atrium_user_list_release(struct atrium_user_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        atrium_user_release(&l->items[i]);
    xfree(l->items);
    memset(l, 0, sizeof(*l));
}

void atrium_user_page_release(struct atrium_user_page *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->count; i++)
        atrium_user_release(&p->items[i]);
    xfree(p->items);
    atrium_qcursor_release(&p->next);
    memset(p, 0, sizeof(*p));
}

void atrium_group_list_release(struct atrium_group_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        atrium_group_release(&l->items[i]);
    xfree(l->items);
    memset(l, 0, sizeof(*l));
}

void atrium_role_assignment_list_release(struct atrium_role_assignment_list *l)
{
    /* Role assignments have no heap members. */
    xfree(l->items);
    memset(l, 0, sizeof(*l));
}

void atrium_domain_usage_release(struct atrium_domain_usage *u)
{
    for (size_t i = 0; i < u->upn_count; i++)
        xfree(u->upns[i]);
    xfree(u->upns);
    memset(u, 0, sizeof(*u));
}

void atrium_directory_audit_list_release(struct atrium_directory_audit_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        atrium_directory_audit_release(&l->items[i]);
    xfree(l->items);
    memset(l, 0, sizeof(*l));
}

void atrium_member_ref_list_release(struct atrium_member_ref_list *l)
{
    /* Member references have no heap members. */
    xfree(l->items);
    memset(l, 0, sizeof(*l));
}

struct pool_slot {
    pthread_mutex_t lock;       /* guards store and the two flags */
    struct atrium_store *store; /* NULL once closed */
    bool thread_gone;           /* the thread's destructor has run */
    bool pool_gone;             /* atrium_store_pool_free has run */
    struct pool_slot *next;     /* registry link, guarded by the pool's lock */
};

struct atrium_store_pool {
    char *uri;
    pthread_key_t key;
    pthread_mutex_t lock; /* guards slots */
    struct pool_slot *slots;
};

static void slot_free(struct pool_slot *slot)
{
    pthread_mutex_destroy(&slot->lock);
    xfree(slot);
}

/* Close the slot's handle and set *flag; true when the slot is now free to release. */
static bool slot_retire(struct pool_slot *slot, bool *flag, const bool *other)
{
    pthread_mutex_lock(&slot->lock);
    atrium_store_close(slot->store);
    slot->store = NULL;
    *flag = true;
    bool done = *other;
    pthread_mutex_unlock(&slot->lock);
    return done;
}

/* pthread key destructor: the thread is exiting. Touches only the slot. */
static void slot_thread_exit(void *arg)
{
    struct pool_slot *slot = arg;
    if (slot_retire(slot, &slot->thread_gone, &slot->pool_gone))
        slot_free(slot);
}

int atrium_store_pool_new(const char *uri, struct atrium_store_pool **ret, struct atrium_errinfo *e)
{
    struct atrium_store *probe = NULL;

    /* Open once now, so a bad URI or an unwritable path fails at start-up. */
    int r = atrium_store_open(uri, &probe, e);
    if (r < 0)
        return r;
    atrium_store_close(probe);

    struct atrium_store_pool *p = xcalloc(1, sizeof(*p));
    if (pthread_key_create(&p->key, slot_thread_exit) != 0) {
        xfree(p);
        return atrium_err(e, ATRIUM_EINTERNAL, "store", "cannot create the pool's thread key");
    }
    pthread_mutex_init(&p->lock, NULL);
    p->uri = xstrdup(uri);
    *ret = p;
    return 0;
}

/* Drop the slots of exited threads from the registry. Caller holds p->lock. */
static void pool_sweep(struct atrium_store_pool *p)
{
    struct pool_slot **link = &p->slots;
    while (*link) {
        struct pool_slot *slot = *link;
        pthread_mutex_lock(&slot->lock);
        bool gone = slot->thread_gone;
        pthread_mutex_unlock(&slot->lock);
        if (gone) {
            *link = slot->next;
            slot_free(slot);
        } else {
            link = &slot->next;
        }
    }
}

struct atrium_store *atrium_store_pool_get(struct atrium_store_pool *p)
{
    struct pool_slot *slot = pthread_getspecific(p->key);
    if (slot)
        return slot->store;

    struct atrium_store *s = NULL;
    if (atrium_store_open(p->uri, &s, NULL) < 0)
        return NULL;
    slot = xcalloc(1, sizeof(*slot));
    pthread_mutex_init(&slot->lock, NULL);
    slot->store = s;

    pthread_mutex_lock(&p->lock);
    pool_sweep(p);
    slot->next = p->slots;
    p->slots = slot;
    if (pthread_setspecific(p->key, slot) != 0) {
        p->slots = slot->next;
        pthread_mutex_unlock(&p->lock);
        atrium_store_close(s);
        slot_free(slot);
        return NULL;
    }
    pthread_mutex_unlock(&p->lock);
    return s;
}

void atrium_store_pool_free(struct atrium_store_pool *p)
{
    if (!p)
        return;
    /* Our own slot is safe to free: this thread is not exiting, and the key goes away. */
    struct pool_slot *self = pthread_getspecific(p->key);
    pthread_setspecific(p->key, NULL);
    pthread_key_delete(p->key);

    pthread_mutex_lock(&p->lock);
    struct pool_slot *slot = p->slots;
    while (slot) {
        struct pool_slot *next = slot->next;
        /*
         * A thread still alive never runs its destructor now (the key is
         * deleted): its slot is left allocated, handle closed, rather than
         * risk a destructor already in flight touching freed memory.
         */
        if (slot_retire(slot, &slot->pool_gone, &slot->thread_gone) || slot == self)
            slot_free(slot);
        slot = next;
    }
    p->slots = NULL;
    pthread_mutex_unlock(&p->lock);
    pthread_mutex_destroy(&p->lock);
    xfree(p->uri);
    xfree(p);
}
