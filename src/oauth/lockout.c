/* SPDX-License-Identifier: MIT */
/*
 * Smart-lockout arithmetic (see authn_internal.h): keyed tags of wrong
 * passwords and keyed names of unknown users, the recent-tags list,
 * counting, growing lockout durations, forgetting idle counters. Pure apart
 * from the HMAC; lockout_counters.c reads and writes the counters.
 */
#include "oauth/authn_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "crypto/ctcmp.h"
#include "crypto/secret.h"
#include "oauth/oauth.h"

#define TAG_CONTEXT "atrium-lockout-v1"
#define NAME_CONTEXT "atrium-lockout-name-v1"
#define HMAC_PREFIX "hs1." /* atrium_client_secret_hash output */

_Static_assert(ATRIUM_LOCKOUT_RECENT *(ATRIUM_LOCKOUT_TAG_LEN + 1) - 1 <= ATRIUM_HASH_TEXT_MAX,
               "the recent tags must fit in last_bad_hash");

/* The first len characters of the HMAC of input (wiped afterwards) into out. */
static int keyed(const struct atrium_secret_hasher *h, char *input, char *out, size_t len)
{
    char *mac = NULL;
    int rc = atrium_client_secret_hash(h, input, &mac);
    explicit_bzero(input, strlen(input));
    free(input);
    if (rc < 0)
        return rc;
    size_t plen = strlen(HMAC_PREFIX);
    if (strncmp(mac, HMAC_PREFIX, plen) != 0 || strlen(mac) < plen + len) {
        free(mac);
        return ATRIUM_EINTERNAL;
    }
    memcpy(out, mac + plen, len);
    out[len] = '\0';
    free(mac);
    return 0;
}

int atrium_oauth_lockout_tag(const struct atrium_secret_hasher *h, const char *tenant_id,
                             const char *user_id, const char *password,
                             char out[ATRIUM_LOCKOUT_TAG_LEN + 1])
{
    char digest[ATRIUM_TOKEN_HASH_LEN + 1];
    out[0] = '\0';
    if (!h || !password)
        return ATRIUM_EINTERNAL;
    /* SHA-256 first: the HMAC input is bounded whatever the password's length. */
    atrium_token_hash(password, strlen(password), digest);
    char *input = xasprintf(TAG_CONTEXT ":%s:%s:%s", tenant_id, user_id, digest);
    explicit_bzero(digest, sizeof(digest));
    return keyed(h, input, out, ATRIUM_LOCKOUT_TAG_LEN);
}

int atrium_oauth_lockout_name_key(const struct atrium_secret_hasher *h, const char *tenant_id,
                                  const char *name, char out[ATRIUM_LOCKOUT_NAME_KEY_LEN + 1])
{
    char digest[ATRIUM_TOKEN_HASH_LEN + 1];
    out[0] = '\0';
    if (!h || !tenant_id || !name)
        return ATRIUM_EINTERNAL;
    /* Folded as the UPN look-up folds it (ASCII), so every spelling of one name is one key. */
    char *folded = atrium_str_lower(xstrdup(name));
    atrium_token_hash(folded, strlen(folded), digest);
    explicit_bzero(folded, strlen(folded));
    free(folded);
    char *input = xasprintf(NAME_CONTEXT ":%s:%s", tenant_id, digest);
    explicit_bzero(digest, sizeof(digest));
    return keyed(h, input, out, ATRIUM_LOCKOUT_NAME_KEY_LEN);
}

bool atrium_oauth_lockout_is_locked(const struct atrium_lockout *l, int64_t now)
{
    return l->locked_until > now;
}

int64_t atrium_oauth_lockout_window(const struct atrium_oauth_config *cfg)
{
    return cfg->lockout_window > 0 ? cfg->lockout_window : ATRIUM_LOCKOUT_WINDOW_DEFAULT;
}

bool atrium_oauth_lockout_is_stale(const struct atrium_lockout *l,
                                   const struct atrium_oauth_config *cfg, int64_t now)
{
    return !atrium_oauth_lockout_is_locked(l, now) &&
           now - l->last_failure >= atrium_oauth_lockout_window(cfg);
}

int64_t atrium_oauth_lockout_duration(const struct atrium_oauth_config *cfg, int lockout_count)
{
    int64_t d = cfg->lockout_duration > 0 ? cfg->lockout_duration : 1;
    if (d >= ATRIUM_LOCKOUT_DURATION_MAX)
        return ATRIUM_LOCKOUT_DURATION_MAX;
    for (int i = 0; i < lockout_count && d < ATRIUM_LOCKOUT_DURATION_MAX; i++)
        d *= 2;
    return d < ATRIUM_LOCKOUT_DURATION_MAX ? d : ATRIUM_LOCKOUT_DURATION_MAX;
}

/* tag is one of the recent tags in list ("t1.t2.t3"); every entry is compared. */
static bool recent_contains(const char *list, const char *tag)
{
    bool found = false;
    const char *p = list;
    while (*p) {
        const char *end = strchr(p, '.');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        found |= atrium_ct_equal(p, n, tag, ATRIUM_LOCKOUT_TAG_LEN);
        p += n;
        if (*p == '.')
            p++;
    }
    return found;
}

/* Put tag first in list, keeping at most ATRIUM_LOCKOUT_RECENT entries. */
static void recent_push(char list[ATRIUM_HASH_TEXT_MAX + 1], const char *tag)
{
    char next[ATRIUM_HASH_TEXT_MAX + 1];
    size_t len = ATRIUM_LOCKOUT_TAG_LEN;
    memcpy(next, tag, len);
    const char *p = list;
    for (int kept = 1; *p && kept < ATRIUM_LOCKOUT_RECENT; kept++) {
        const char *end = strchr(p, '.');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == ATRIUM_LOCKOUT_TAG_LEN && len + 1 + n <= ATRIUM_HASH_TEXT_MAX) {
            next[len++] = '.';
            memcpy(next + len, p, n);
            len += n;
        }
        p += n;
        if (*p == '.')
            p++;
    }
    next[len] = '\0';
    memcpy(list, next, len + 1);
}

bool atrium_oauth_lockout_count_failure(struct atrium_lockout *l,
                                        const struct atrium_oauth_config *cfg,
                                        const char tag[ATRIUM_LOCKOUT_TAG_LEN + 1], int64_t now)
{
    l->last_bad_hash[ATRIUM_HASH_TEXT_MAX] = '\0';
    if (atrium_oauth_lockout_is_stale(l, cfg, now))
        atrium_oauth_lockout_clear(l); /* idle for a whole window: a fresh start */
    if (recent_contains(l->last_bad_hash, tag))
        return false;
    recent_push(l->last_bad_hash, tag);
    if (l->failed_count < INT_MAX)
        l->failed_count++;
    l->last_failure = now;
    if (cfg->lockout_threshold > 0 && l->failed_count >= cfg->lockout_threshold) {
        l->locked_until = now + atrium_oauth_lockout_duration(cfg, l->lockout_count);
        if (l->lockout_count < INT_MAX)
            l->lockout_count++;
    }
    return true;
}

bool atrium_oauth_lockout_clear(struct atrium_lockout *l)
{
    bool had = l->failed_count != 0 || l->lockout_count != 0 || l->locked_until != 0 ||
               l->last_bad_hash[0] != '\0';
    l->failed_count = 0;
    l->lockout_count = 0;
    l->locked_until = 0;
    l->last_bad_hash[0] = '\0';
    return had;
}
