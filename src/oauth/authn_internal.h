/* SPDX-License-Identifier: MIT */
/*
 * Private to the sign-in services of src/oauth/ (authn.c, lockout.c,
 * lockout_counters.c, signin_log.c, password_change.c, session.c, code.c,
 * device.c, secret_value.c): smart lockout arithmetic and counters, the
 * sign-in log writer, random bearer values and the credential check shared
 * by sign-in and password change. Not for http/.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/oauth_records.h"
#include "model/user.h"

struct atrium_authn_request;
struct atrium_oauth;
struct atrium_oauth_config;
struct atrium_oauth_error;
struct atrium_secret_hasher;
struct atrium_store;

/* --- Bearer values (secret_value.c) ------------------------------------------ */

/* Opaque values carrying their tenant (oauth_priv.h ATRIUM_OAUTH_OPAQUE_LEN). */
#define ATRIUM_OAUTH_VALUE_LEN 64

/*
 * A fresh random value (cookie, code, device code) for tenant_id (a GUID),
 * and its stored form, atrium_token_hash(value), plus NUL into hash. The
 * value is a heap string: release it with atrium_oauth_value_free.
 */
char *atrium_oauth_value_new(const char *tenant_id, char hash[ATRIUM_HASH_TEXT_MAX + 1]);
/* Wipe and free a value; NULL is fine. */
void atrium_oauth_value_free(char *value);
/*
 * The stored form of a presented value into hash; false (and hash "") when
 * the value is NULL or not of the length we issue, so it cannot match.
 */
bool atrium_oauth_value_hash(const char *value, char hash[ATRIUM_HASH_TEXT_MAX + 1]);

/* --- Smart lockout (lockout.c) --------------------------------------------- */

/*
 * Wrong passwords are remembered as short keyed tags: the first
 * ATRIUM_LOCKOUT_TAG_LEN characters of an HMAC (the server's secret hasher)
 * over the tenant, the user and SHA-256 of the password. The last
 * ATRIUM_LOCKOUT_RECENT distinct tags are kept, newest first, joined with
 * '.', in atrium_lockout.last_bad_hash; a wrong password whose tag is among
 * them does not count again (as Entra, which tracks the last three).
 */
#define ATRIUM_LOCKOUT_TAG_LEN 20 /* 120 bits of base64url */
#define ATRIUM_LOCKOUT_RECENT 3
#define ATRIUM_LOCKOUT_DURATION_MAX 86400   /* one day */
#define ATRIUM_LOCKOUT_WINDOW_DEFAULT 86400 /* when cfg.lockout_window is not positive */

/*
 * A name that is no user of the tenant has counters too and locks exactly
 * like an account, or lockouts would tell which accounts exist. They are
 * kept under the name's key: an HMAC (the server's secret hasher) over the
 * tenant and SHA-256 of the name folded to ASCII lower case as the UPN
 * look-up folds it, in base64url. The typed name (people type passwords
 * there) is never stored. Its wrong passwords are tagged with
 * atrium_oauth_lockout_tag(tenant, key, password).
 */
#define ATRIUM_LOCKOUT_NAME_KEY_LEN 43

/* The keyed tag of a wrong password into out. ECRYPTO/EINTERNAL when hashing fails. */
int atrium_oauth_lockout_tag(const struct atrium_secret_hasher *h, const char *tenant_id,
                             const char *user_id, const char *password,
                             char out[ATRIUM_LOCKOUT_TAG_LEN + 1]);
/* The key of an unknown name (trimmed, as looked up) into out. ECRYPTO/EINTERNAL as above. */
int atrium_oauth_lockout_name_key(const struct atrium_secret_hasher *h, const char *tenant_id,
                                  const char *name, char out[ATRIUM_LOCKOUT_NAME_KEY_LEN + 1]);
/* True while l forbids password checks at now. */
bool atrium_oauth_lockout_is_locked(const struct atrium_lockout *l, int64_t now);
/*
 * The observation window: counters that are not locked and whose last
 * failure is at least this old are forgotten (cfg->lockout_window, or the
 * default when not positive).
 */
int64_t atrium_oauth_lockout_window(const struct atrium_oauth_config *cfg);
/*
 * True when l is forgotten at now (see the window). Accounts and unknown
 * names forget alike: the store may purge an unknown name's stale row, so an
 * account must not remember longer, or the difference would tell them apart.
 */
bool atrium_oauth_lockout_is_stale(const struct atrium_lockout *l,
                                   const struct atrium_oauth_config *cfg, int64_t now);
/* How long the lockout number lockout_count (0 for the first) lasts: base doubled, capped. */
int64_t atrium_oauth_lockout_duration(const struct atrium_oauth_config *cfg, int lockout_count);
/*
 * Count a wrong password with tag at now, starting from zero when l is
 * stale. False (l unchanged) when tag is one of the recent wrong
 * passwords. Reaching the threshold locks the account for
 * atrium_oauth_lockout_duration(lockout_count), then bumps
 * lockout_count; the failure count is kept, so after the lockout ends the
 * next new wrong password locks again at once, for twice as long (Entra).
 * A threshold <= 0 never locks.
 */
bool atrium_oauth_lockout_count_failure(struct atrium_lockout *l,
                                        const struct atrium_oauth_config *cfg,
                                        const char tag[ATRIUM_LOCKOUT_TAG_LEN + 1], int64_t now);
/* After a right password: forget failures, tags and lockouts. False when there was nothing. */
bool atrium_oauth_lockout_clear(struct atrium_lockout *l);

/* --- Lockout counters in the store (lockout_counters.c) --------------------- */

/* Whose counters a sign-in attempt uses: a user's, or an unknown name's. */
struct atrium_lockout_subject {
    const char *tenant_id;
    const char *user_id;                            /* a user of the tenant; NULL: unknown name */
    char name_key[ATRIUM_LOCKOUT_NAME_KEY_LEN + 1]; /* the unknown name's key */
};

/* The id that keys the subject's wrong-password tags: the user id or the name key. */
const char *atrium_oauth_lockout_subject_id(const struct atrium_lockout_subject *who);
/* Read the subject's counters into *ret (zeros when it has none). */
int atrium_oauth_lockout_load(struct atrium_store *s, const struct atrium_lockout_subject *who,
                              struct atrium_lockout *ret);
/*
 * Write the subject's counters l (its ids are set here). An unknown name's
 * write also purges a bounded batch of names whose counters are stale at now
 * (store_oauth.h name_lockout_put), so a spray of random names cannot grow
 * the table without bound.
 */
int atrium_oauth_lockout_save(struct atrium_store *s, const struct atrium_oauth_config *cfg,
                              const struct atrium_lockout_subject *who, struct atrium_lockout *l,
                              int64_t now);

/* --- Device user codes (device.c) ----------------------------------------- */

#define ATRIUM_USER_CODE_LEN 9 /* "XXXX-XXXX" */

/* A fresh user code: 8 characters of A-Z and 2-9 without I and O, as "XXXX-XXXX". */
void atrium_oauth_user_code_new(char out[ATRIUM_USER_CODE_LEN + 1]);
/*
 * The canonical form "XXXX-XXXX" of a typed user code (case folded, spaces
 * and dashes ignored) into out; false when it is not 8 characters of the
 * alphabet.
 */
bool atrium_oauth_user_code_normalise(const char *typed, char out[ATRIUM_USER_CODE_LEN + 1]);

/* --- Sign-in log (signin_log.c) -------------------------------------------- */

/* Bounds of the client-supplied text copied into an event (bytes). */
#define ATRIUM_SIGNIN_UPN_MAX 256
#define ATRIUM_SIGNIN_TEXT_MAX 256

/*
 * Insert one sign-in event for req: user_id NULL or "" when unknown,
 * error_code 0 for success (then reason NULL), else the AADSTS number the
 * client got and a readable reason for administrators. The typed UPN and
 * other client text are cleaned (invalid UTF-8 and control characters become
 * '?') and truncated. The password is never read.
 */
int atrium_oauth_signin_record(struct atrium_store *s, const struct atrium_authn_request *req,
                               const char *user_id, int error_code, const char *reason,
                               int64_t now);

/* --- Credential check (authn.c) -------------------------------------------- */

/*
 * atrium_oauth_authenticate with one difference when for_change is true: a
 * user with forceChangePasswordNextSignIn passes (0, *ret_user filled) and
 * no success event is recorded, because atrium_oauth_change_password records
 * the outcome of the change. ret_user may be NULL.
 */
int atrium_oauth_authn_check(struct atrium_store *s, const struct atrium_oauth *o,
                             const struct atrium_authn_request *req, bool for_change,
                             struct atrium_user *ret_user, struct atrium_oauth_error *e);
