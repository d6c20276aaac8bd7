/* SPDX-License-Identifier: MIT */
/*
 * Micro-benchmark of the hot crypto paths, for capacity planning: RS256
 * token signing (atrium_jwt_sign) and verification (atrium_jwt_verify) with
 * a fresh RSA-2048 signing key, and Argon2id password hashing at the default
 * cost (m=19456 KiB, t=2, p=1) through atrium_pwhash_hash. Each figure is a
 * rate over about two seconds, with 1 and 2 threads hammering the same
 * keyring or hasher, and the same count per CPU-second the threads used
 * (less sensitive to other load on the machine). Build it without
 * sanitizers (Release) for real numbers.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "core/clock.h"
#include "core/xalloc.h"
#include "crypto/jwt.h"
#include "crypto/keyring.h"
#include "crypto/pwhash.h"

#define RUN_MS 2000
#define MAX_THREADS 2

/* A claims set shaped like an access token of ours. */
static json_t *sample_claims(void)
{
    json_t *claims = json_pack(
        "{s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:s,s:s,s:s,s:[s,s]}", "aud",
        "api://00000000-0000-0000-0000-000000000001", "iss",
        "https://login.example.test/11111111-1111-1111-1111-111111111111/v2.0", "sub",
        "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", "oid",
        "22222222-2222-2222-2222-222222222222", "iat", (json_int_t)atrium_now(), "nbf",
        (json_int_t)atrium_now(), "exp", (json_int_t)(atrium_now() + 3600), "tid",
        "11111111-1111-1111-1111-111111111111", "azp", "33333333-3333-3333-3333-333333333333",
        "scp", "User.Read", "roles", "Reader", "Writer");
    if (!claims)
        abort();
    return claims;
}

struct bench {
    const char *name;
    bool (*op)(struct bench *b); /* one operation; false on failure */
    struct atrium_keyring *kr;
    const json_t *claims;
    const char *token;
    struct atrium_pwhasher *hasher;
};

struct worker {
    struct bench *b;
    int64_t deadline_ms;
    uint64_t ops;
    double cpu_s; /* CPU time the thread used */
    bool failed;
};

static double thread_cpu_seconds(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        abort();
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool op_sign(struct bench *b)
{
    char *token = NULL;
    bool ok = atrium_jwt_sign(b->kr, b->claims, &token) == 0;
    xfree(token);
    return ok;
}

static bool op_verify(struct bench *b)
{
    json_t *claims = NULL;
    bool ok = atrium_jwt_verify(b->kr, b->token, ATRIUM_JWT_MAX_LEN, &claims, NULL) == 0;
    json_decref(claims);
    return ok;
}

static bool op_pwhash(struct bench *b)
{
    char *phc = NULL;
    bool ok = atrium_pwhash_hash(b->hasher, "correct horse battery staple", &phc) == 0;
    xfree(phc);
    return ok;
}

static void *worker_run(void *arg)
{
    struct worker *w = arg;
    double cpu0 = thread_cpu_seconds();
    while (atrium_monotonic_ms() < w->deadline_ms) {
        if (!w->b->op(w->b)) {
            w->failed = true;
            break;
        }
        w->ops++;
    }
    w->cpu_s = thread_cpu_seconds() - cpu0;
    return NULL;
}

/* Run b->op on nthreads threads for about RUN_MS and print the total rate. */
static int measure(struct bench *b, int nthreads)
{
    pthread_t threads[MAX_THREADS];
    struct worker workers[MAX_THREADS];
    int64_t start = atrium_monotonic_ms();
    uint64_t ops = 0;
    double cpu_s = 0;
    bool failed = false;

    for (int i = 0; i < nthreads; i++) {
        workers[i] = (struct worker){.b = b, .deadline_ms = start + RUN_MS};
        if (pthread_create(&threads[i], NULL, worker_run, &workers[i]) != 0)
            abort();
    }
    for (int i = 0; i < nthreads; i++) {
        pthread_join(threads[i], NULL);
        ops += workers[i].ops;
        cpu_s += workers[i].cpu_s;
        failed |= workers[i].failed;
    }
    int64_t elapsed = atrium_monotonic_ms() - start;
    if (failed) {
        fprintf(stderr, "bench_crypto: %s failed\n", b->name);
        return 1;
    }
    printf("%-26s %d thread%s %10.1f /s  (%llu in %lld ms; %.1f per CPU-second)\n", b->name,
           nthreads, nthreads == 1 ? " " : "s",
           elapsed > 0 ? (double)ops * 1000.0 / (double)elapsed : 0.0, (unsigned long long)ops,
           (long long)elapsed, cpu_s > 0 ? (double)ops / cpu_s : 0.0);
    fflush(stdout);
    return 0;
}

int main(void)
{
    struct atrium_keyring *kr = atrium_keyring_new();
    struct atrium_signing_key *key = NULL;
    json_t *claims = sample_claims();
    char *token = NULL;
    int failures = 0;

    if (atrium_signing_key_generate(&key) < 0 || atrium_keyring_add(kr, key, true) < 0 ||
        atrium_jwt_sign(kr, claims, &token) < 0) {
        fprintf(stderr, "bench_crypto: cannot set up a signing key\n");
        return 1;
    }
    printf("RS256 with RSA-%d, token of %zu bytes\n", ATRIUM_SIGNING_KEY_BITS, strlen(token));

    struct bench sign = {.name = "atrium_jwt_sign", .op = op_sign, .kr = kr, .claims = claims};
    struct bench verify = {.name = "atrium_jwt_verify", .op = op_verify, .kr = kr, .token = token};
    for (int n = 1; n <= MAX_THREADS; n++)
        failures += measure(&sign, n);
    for (int n = 1; n <= MAX_THREADS; n++)
        failures += measure(&verify, n);

    struct atrium_pwhash_params params = ATRIUM_PWHASH_PARAMS_DEFAULT;
    params.memory_kib = 19456;
    params.iterations = 2;
    params.parallelism = 1;
    params.max_concurrent = MAX_THREADS; /* the gate must not be what we measure */
    struct bench pwhash = {.name = "Argon2id m=19456 t=2 p=1", .op = op_pwhash};
    if (atrium_pwhasher_new(&params, &pwhash.hasher) < 0) {
        fprintf(stderr, "bench_crypto: cannot create the password hasher\n");
        return 1;
    }
    for (int n = 1; n <= MAX_THREADS; n++)
        failures += measure(&pwhash, n);

    atrium_pwhasher_free(pwhash.hasher);
    xfree(token);
    json_decref(claims);
    atrium_keyring_free(kr);
    return failures ? 1 : 0;
}
