/* SPDX-License-Identifier: MIT */
/*
 * Parallel password hashing for the bulk import: worker threads take the
 * next password by an atomic index and hash it through the shared hasher,
 * whose gate admits one hash per core, so a batch costs about
 * (rows / cores) hash times. The calling thread reports progress while it
 * waits. See user_import.h.
 */
#include "cli/user_import.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "crypto/pwhash.h"

#define MAX_THREADS 256
#define PROGRESS_NS 100000000L /* 100 ms between progress calls */

struct pool {
    struct atrium_pwhasher *hasher;
    const char *const *passwords;
    char **hashes;
    size_t n;
    atomic_size_t next; /* the next index to take */
    atomic_size_t done; /* hashes finished (or failed) */
    atomic_int first_error;
};

static void *worker(void *arg)
{
    struct pool *p = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&p->next, 1);
        if (i >= p->n)
            break;
        char *hash = NULL;
        int r = atrium_pwhash_hash(p->hasher, p->passwords[i], &hash);
        if (r < 0) {
            int none = 0;
            atomic_compare_exchange_strong(&p->first_error, &none, r);
            hash = NULL;
        }
        p->hashes[i] = hash;
        atomic_fetch_add(&p->done, 1);
    }
    return NULL;
}

/* Wait for the workers, calling progress about every 100 ms. */
static void wait_progress(struct pool *p, atrium_import_progress_fn progress, void *ctx)
{
    const struct timespec tick = {0, PROGRESS_NS};
    while (progress && atomic_load(&p->done) < p->n) {
        progress(ctx, atomic_load(&p->done));
        nanosleep(&tick, NULL);
    }
    if (progress)
        progress(ctx, atomic_load(&p->done));
}

int atrium_import_hash_all(struct atrium_pwhasher *h, unsigned threads,
                           const char *const *passwords, char **hashes, size_t n,
                           atrium_import_progress_fn progress, void *ctx)
{
    struct pool p = {.hasher = h, .passwords = passwords, .hashes = hashes, .n = n};
    atomic_init(&p.next, 0);
    atomic_init(&p.done, 0);
    atomic_init(&p.first_error, 0);
    if (n == 0)
        return 0;
    size_t count = threads == 0 ? 1 : threads;
    if (count > MAX_THREADS)
        count = MAX_THREADS;
    if (count > n)
        count = n;
    pthread_t *ids = xcalloc(count, sizeof(*ids));
    size_t started = 0;
    while (started < count && pthread_create(&ids[started], NULL, worker, &p) == 0)
        started++;
    if (started == 0)
        worker(&p); /* no thread could start: hash here, one at a time */
    else
        wait_progress(&p, progress, ctx);
    for (size_t i = 0; i < started; i++)
        pthread_join(ids[i], NULL);
    xfree(ids);
    return atomic_load(&p.first_error);
}
