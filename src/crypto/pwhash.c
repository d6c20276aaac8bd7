/* SPDX-License-Identifier: MIT */
/*
 * Argon2id password hashing with libargon2 behind a bounded admission gate;
 * see pwhash.h. PHC strings are parsed here before libargon2 sees them, so a
 * malformed or absurdly expensive stored hash is refused (ATRIUM_EINVAL)
 * without running, and needs_rehash can compare parameters.
 */
#include "crypto/pwhash.h"

#include <argon2.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "crypto/pwhash_gate.h"
#include "model/password_policy.h"

#define SALT_LEN 16
#define HASH_LEN 32
/* Bounds on parameters, ours and those read from a PHC string. */
#define MEMORY_MAX_KIB (1024u * 1024u) /* 1 GiB */
#define ITERATIONS_MAX 64u
#define PARALLELISM_MAX 64u
#define PHC_SALT_MIN 8
#define PHC_SALT_MAX 64
#define PHC_HASH_MIN 4
#define PHC_HASH_MAX 64

struct atrium_pwhasher {
    struct atrium_pwhash_params params;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    unsigned running;
    unsigned waiting;
};

/* Argon2id parameters decoded from a PHC string. */
struct phc_params {
    uint32_t version, memory_kib, iterations, parallelism;
    size_t salt_len, hash_len; /* decoded bytes */
};

static bool cost_ok(uint32_t m, uint32_t t, uint32_t p)
{
    return p >= 1 && p <= PARALLELISM_MAX && t >= 1 && t <= ITERATIONS_MAX && m >= 8 * p &&
           m <= MEMORY_MAX_KIB;
}

int atrium_pwhasher_new(const struct atrium_pwhash_params *params, struct atrium_pwhasher **ret)
{
    static const struct atrium_pwhash_params defaults = ATRIUM_PWHASH_PARAMS_DEFAULT;
    const struct atrium_pwhash_params *p = params ? params : &defaults;
    if (!cost_ok(p->memory_kib, p->iterations, p->parallelism))
        return ATRIUM_EINVAL;
    struct atrium_pwhasher *h = xcalloc(1, sizeof(*h));
    h->params = *p;
    if (h->params.max_concurrent == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        h->params.max_concurrent = cpus > 0 ? (unsigned)cpus : 1;
    }
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->cond, NULL);
    *ret = h;
    return 0;
}

void atrium_pwhasher_free(struct atrium_pwhasher *h)
{
    if (!h)
        return;
    pthread_cond_destroy(&h->cond);
    pthread_mutex_destroy(&h->lock);
    xfree(h);
}

int atrium_pwhash_gate_enter(struct atrium_pwhasher *h)
{
    pthread_mutex_lock(&h->lock);
    if (h->running >= h->params.max_concurrent) {
        if (h->waiting >= h->params.max_waiting) {
            pthread_mutex_unlock(&h->lock);
            return ATRIUM_EBUSY;
        }
        h->waiting++;
        while (h->running >= h->params.max_concurrent)
            pthread_cond_wait(&h->cond, &h->lock);
        h->waiting--;
    }
    h->running++;
    pthread_mutex_unlock(&h->lock);
    return 0;
}

void atrium_pwhash_gate_leave(struct atrium_pwhasher *h)
{
    pthread_mutex_lock(&h->lock);
    h->running--;
    pthread_cond_signal(&h->cond);
    pthread_mutex_unlock(&h->lock);
}

void atrium_pwhash_gate_stats(struct atrium_pwhasher *h, unsigned *ret_running,
                              unsigned *ret_waiting)
{
    pthread_mutex_lock(&h->lock);
    if (ret_running)
        *ret_running = h->running;
    if (ret_waiting)
        *ret_waiting = h->waiting;
    pthread_mutex_unlock(&h->lock);
}

/* The password's length, or ATRIUM_EINVAL when NULL or over the byte cap. */
static int password_len(const char *password, size_t *ret)
{
    if (!password)
        return ATRIUM_EINVAL;
    size_t n = strnlen(password, ATRIUM_PASSWORD_BYTES_MAX + 1);
    if (n > ATRIUM_PASSWORD_BYTES_MAX)
        return ATRIUM_EINVAL;
    *ret = n;
    return 0;
}

int atrium_pwhash_hash(struct atrium_pwhasher *h, const char *password, char **ret_phc)
{
    size_t pwlen;
    if (password_len(password, &pwlen) < 0)
        return ATRIUM_EINVAL;
    const struct atrium_pwhash_params *p = &h->params;
    unsigned char salt[SALT_LEN];
    atrium_random_bytes(salt, sizeof(salt));
    size_t enclen = argon2_encodedlen(p->iterations, p->memory_kib, p->parallelism, SALT_LEN,
                                      HASH_LEN, Argon2_id);
    char *phc = xmalloc(enclen);
    int rc = atrium_pwhash_gate_enter(h);
    if (rc < 0) {
        xfree(phc);
        return rc;
    }
    int ar = argon2id_hash_encoded(p->iterations, p->memory_kib, p->parallelism, password, pwlen,
                                   salt, SALT_LEN, HASH_LEN, phc, enclen);
    atrium_pwhash_gate_leave(h);
    if (ar != ARGON2_OK) {
        xfree(phc);
        return ATRIUM_ECRYPTO;
    }
    *ret_phc = phc;
    return 0;
}

/* Consume lit at *s. */
static bool eat(const char **s, const char *lit)
{
    size_t n = strlen(lit);
    if (strncmp(*s, lit, n) != 0)
        return false;
    *s += n;
    return true;
}

/* A decimal without sign or leading zero that fits 32 bits. */
static bool eat_u32(const char **s, uint32_t *ret)
{
    const char *p = *s;
    uint64_t v = 0;
    if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
        return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > UINT32_MAX)
            return false;
    }
    *ret = (uint32_t)v;
    *s = p;
    return true;
}

/* Unpadded standard base64 up to the next '$' or the end; its decoded size. */
static bool eat_b64(const char **s, size_t *ret_len)
{
    const char *p = *s;
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
           *p == '+' || *p == '/')
        p++;
    size_t n = (size_t)(p - *s);
    if (n == 0 || n % 4 == 1)
        return false;
    *ret_len = n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0);
    *s = p;
    return true;
}

/* "$argon2id$v=19$m=M,t=T,p=P$SALT$HASH", strictly. */
static int phc_parse(const char *phc, struct phc_params *ret)
{
    const char *s = phc;
    struct phc_params r = {0};
    if (!eat(&s, "$argon2id$v=") || !eat_u32(&s, &r.version) || !eat(&s, "$m=") ||
        !eat_u32(&s, &r.memory_kib) || !eat(&s, ",t=") || !eat_u32(&s, &r.iterations) ||
        !eat(&s, ",p=") || !eat_u32(&s, &r.parallelism) || !eat(&s, "$") ||
        !eat_b64(&s, &r.salt_len) || !eat(&s, "$") || !eat_b64(&s, &r.hash_len) || *s != '\0')
        return ATRIUM_EINVAL;
    if (r.version != ARGON2_VERSION_13 && r.version != ARGON2_VERSION_10)
        return ATRIUM_EINVAL;
    if (!cost_ok(r.memory_kib, r.iterations, r.parallelism))
        return ATRIUM_EINVAL;
    if (r.salt_len < PHC_SALT_MIN || r.salt_len > PHC_SALT_MAX || r.hash_len < PHC_HASH_MIN ||
        r.hash_len > PHC_HASH_MAX)
        return ATRIUM_EINVAL;
    *ret = r;
    return 0;
}

int atrium_pwhash_verify(struct atrium_pwhasher *h, const char *phc, const char *password,
                         bool *ret_match, bool *ret_needs_rehash)
{
    struct phc_params pp;
    size_t pwlen;
    *ret_match = false;
    if (!phc || phc_parse(phc, &pp) < 0 || password_len(password, &pwlen) < 0)
        return ATRIUM_EINVAL;
    int rc = atrium_pwhash_gate_enter(h);
    if (rc < 0)
        return rc;
    /* libargon2 recomputes and compares in constant time (argon2_compare). */
    int ar = argon2id_verify(phc, password, pwlen);
    atrium_pwhash_gate_leave(h);
    if (ar == ARGON2_MEMORY_ALLOCATION_ERROR || ar == ARGON2_THREAD_FAIL)
        return ATRIUM_ECRYPTO;
    if (ar != ARGON2_OK && ar != ARGON2_VERIFY_MISMATCH)
        return ATRIUM_EINVAL;
    *ret_match = ar == ARGON2_OK;
    if (ret_needs_rehash) {
        const struct atrium_pwhash_params *p = &h->params;
        *ret_needs_rehash = pp.version != ARGON2_VERSION_13 || pp.memory_kib != p->memory_kib ||
                            pp.iterations != p->iterations || pp.parallelism != p->parallelism ||
                            pp.salt_len != SALT_LEN || pp.hash_len != HASH_LEN;
    }
    return 0;
}
