/* SPDX-License-Identifier: MIT */
/*
 * User authentication by username and password (oauth.h "User
 * authentication"): look-up by UPN in the tenant, Argon2id verification
 * (a dummy one for unknown users, so timing does not reveal who exists),
 * smart lockout, account state, and one sign-in event per attempt.
 *
 * Order of checks, and why:
 *   1. locked (smart lockout): 50053 without evaluating the password and
 *      without touching the counters, so attempts cannot extend a lockout;
 *   2. unknown user: dummy hash, 50126 with the wrong-password text, and
 *      the failure counts against the name exactly as against an account
 *      (lockout_counters.c keeps it under a keyed hash of the name), so an
 *      unknown name locks after the same failures and answers the same
 *      50053 as an account: lockouts do not tell which accounts exist.
 *      Empty and over-long names (never a user's) are not counted;
 *   3. no password stored: 50056;
 *   4. the password: wrong is 50126 and counts (unless recently tried);
 *   5. only after a right password, the account state: disabled 50057,
 *      forceChangePasswordNextSignIn 50055. Entra reports 50057 whatever
 *      the password; we check the password first so that someone without it
 *      cannot learn that an account is disabled (it answers like any other
 *      wrong password). A right password also resets the lockout counters.
 * A saturated hasher gives ATRIUM_EBUSY (503) and records nothing: the
 * attempt was refused before it was evaluated, like a rate-limited request.
 */
#include "oauth/oauth.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "crypto/pwhash.h"
#include "model/password_policy.h"
#include "oauth/authn_internal.h"
#include "oauth/oauth_priv.h"

#define MSG_BAD_CREDENTIALS "Error validating credentials due to invalid username or password."
#define MSG_LOCKED                                                                                 \
    "The account is locked because the user tried to sign in too many times with an incorrect "    \
    "user ID or password."
#define MSG_DISABLED "The user account is disabled."
#define MSG_NO_PASSWORD                                                                            \
    "Invalid or null password: password does not exist in the directory for this user."
#define MSG_EXPIRED "The password is expired."
/* Longer usernames are not looked up: no UPN is that long. */
#define USERNAME_LOOKUP_MAX 512

/* One sign-in attempt in progress. */
struct attempt {
    struct atrium_store *s;
    const struct atrium_oauth *o;
    const struct atrium_authn_request *req;
    struct atrium_user user;           /* filled once found */
    struct atrium_lockout_subject who; /* whose counters: the user's or the name's */
    int64_t now;
    bool hand_out; /* success or 50055: the caller gets the user */
};

static int credentials_fail(struct atrium_oauth_error *e, int aadsts, const char *msg)
{
    return atrium_oauth_fail(e, ATRIUM_EAUTH, "invalid_grant", aadsts, 400, "%s", msg);
}

static bool password_too_long(const char *password)
{
    return strnlen(password, ATRIUM_PASSWORD_BYTES_MAX + 1) > ATRIUM_PASSWORD_BYTES_MAX;
}

/* The username without surrounding spaces into out; false when empty or too long. */
static bool trimmed_username(const char *username, char out[USERNAME_LOOKUP_MAX + 1])
{
    const char *p = username ? username : "";
    while (*p == ' ' || *p == '\t')
        p++;
    size_t n = strnlen(p, USERNAME_LOOKUP_MAX + 1);
    if (n > USERNAME_LOOKUP_MAX)
        return false;
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    memcpy(out, p, n);
    out[n] = '\0';
    return n > 0;
}

/*
 * Find the user by UPN: 0 with *ret_found and the lockout subject set (the
 * user, or the name's key; neither for a name that cannot be looked up);
 * a store or HMAC failure otherwise.
 */
static int lookup_user(struct attempt *a, bool *ret_found)
{
    char upn[USERNAME_LOOKUP_MAX + 1];
    *ret_found = false;
    a->who.tenant_id = a->req->tenant_id;
    if (!trimmed_username(a->req->username, upn))
        return 0;
    int rc = a->s->ops->user_get_by_upn(a->s, a->req->tenant_id, upn, &a->user);
    if (rc == 0) {
        *ret_found = true;
        a->who.user_id = a->user.id;
    } else if (rc == ATRIUM_ENOTFOUND) {
        atrium_user_release(&a->user);
        memset(&a->user, 0, sizeof(a->user));
        rc = atrium_oauth_lockout_name_key(a->o->secrets, a->req->tenant_id, upn, a->who.name_key);
    }
    explicit_bzero(upn, sizeof(upn));
    return rc;
}

/* Does the attempt have lockout counters (a user, or a name that could be looked up)? */
static bool has_counters(const struct attempt *a)
{
    return a->who.user_id || a->who.name_key[0];
}

/* Cost of a verification without a user: hash the attempt with the server's parameters. */
static int dummy_verify(const struct atrium_oauth *o, const char *password)
{
    if (password_too_long(password))
        return 0;
    char *phc = NULL;
    int rc = atrium_pwhash_hash(o->hasher, password, &phc);
    free(phc);
    return rc == ATRIUM_EBUSY ? rc : 0;
}

/* End a transaction: commit when rc is 0, else (or when commit fails) roll back. */
static int tx_end(struct atrium_store *s, int rc)
{
    if (rc == 0)
        rc = atrium_store_commit(s);
    if (rc < 0)
        atrium_store_rollback(s);
    return rc;
}

/* Record an attempt refused before or without counting, and fill e. */
static int refuse(struct attempt *a, int aadsts, const char *reason, const char *msg,
                  struct atrium_oauth_error *e)
{
    const char *uid = a->user.id[0] ? a->user.id : NULL;
    int rc = atrium_oauth_signin_record(a->s, a->req, uid, aadsts, reason, a->now);
    if (rc < 0)
        return atrium_oauth_fail_store(e, rc);
    return credentials_fail(e, aadsts, msg);
}

/* The administrators' reason for a wrong password event (user false: an unknown name). */
static const char *wrong_reason(bool user, bool locked_before, bool counted,
                                const struct atrium_lockout *l, int64_t now)
{
    if (!user) {
        if (locked_before)
            return "The user account does not exist in the tenant (the name was locked "
                   "meanwhile; not counted).";
        if (!counted)
            return "The user account does not exist in the tenant (repeats a recent attempt; "
                   "not counted).";
        if (atrium_oauth_lockout_is_locked(l, now))
            return "The user account does not exist in the tenant; the name is now locked.";
        return "The user account does not exist in the tenant.";
    }
    if (locked_before)
        return "Invalid password (the account was locked meanwhile; not counted).";
    if (!counted)
        return "Invalid password (repeats a recent attempt; not counted).";
    if (atrium_oauth_lockout_is_locked(l, now))
        return "Invalid password; the account is now locked.";
    return "Invalid password.";
}

/*
 * A wrong password, or any password for an unknown name: count it (once
 * per distinct password) against the subject and record it, atomically.
 */
static int wrong_password(struct attempt *a, struct atrium_oauth_error *e)
{
    char tag[ATRIUM_LOCKOUT_TAG_LEN + 1];
    int rc =
        atrium_oauth_lockout_tag(a->o->secrets, a->req->tenant_id,
                                 atrium_oauth_lockout_subject_id(&a->who), a->req->password, tag);
    if (rc < 0)
        return atrium_oauth_fail(e, rc, "server_error", 0, 500, "The sign-in failed.");
    rc = atrium_store_begin(a->s);
    if (rc < 0)
        return atrium_oauth_fail_store(e, rc);
    struct atrium_lockout l = {0};
    rc = atrium_oauth_lockout_load(a->s, &a->who, &l);
    /* Locked meanwhile by a parallel attempt: this one must not extend it. */
    bool locked_before = rc == 0 && atrium_oauth_lockout_is_locked(&l, a->now);
    bool counted = false;
    if (rc == 0 && !locked_before) {
        counted = atrium_oauth_lockout_count_failure(&l, &a->o->cfg, tag, a->now);
        if (counted)
            rc = atrium_oauth_lockout_save(a->s, &a->o->cfg, &a->who, &l, a->now);
    }
    const char *reason = wrong_reason(a->who.user_id != NULL, locked_before, counted, &l, a->now);
    if (rc == 0)
        rc = atrium_oauth_signin_record(a->s, a->req, a->who.user_id, 50126, reason, a->now);
    rc = tx_end(a->s, rc);
    if (rc < 0)
        return atrium_oauth_fail_store(e, rc);
    return credentials_fail(e, 50126, MSG_BAD_CREDENTIALS);
}

/* A locked subject: 50053 whatever the password, nothing hashed, nothing counted. */
static int check_locked(struct attempt *a, bool *ret_locked, struct atrium_oauth_error *e)
{
    struct atrium_lockout l = {0};
    *ret_locked = false;
    int rc = atrium_oauth_lockout_load(a->s, &a->who, &l);
    if (rc < 0)
        return atrium_oauth_fail_store(e, rc);
    if (!atrium_oauth_lockout_is_locked(&l, a->now))
        return 0;
    *ret_locked = true;
    return refuse(a, 50053, "The account is locked (smart lockout).", MSG_LOCKED, e);
}

/*
 * A right password: clear the lockout counters if set and record the outcome
 * (aadsts 0 for success), atomically. record false: nothing recorded.
 */
static int right_password(struct attempt *a, int aadsts, const char *reason, bool record)
{
    int rc = atrium_store_begin(a->s);
    if (rc < 0)
        return rc;
    struct atrium_lockout l = {0};
    rc = atrium_oauth_lockout_load(a->s, &a->who, &l);
    if (rc == 0 && atrium_oauth_lockout_clear(&l))
        rc = atrium_oauth_lockout_save(a->s, &a->o->cfg, &a->who, &l, a->now);
    if (rc == 0 && record)
        rc = atrium_oauth_signin_record(a->s, a->req, a->user.id, aadsts, reason, a->now);
    return tx_end(a->s, rc);
}

/* Verify the password of a found user; 0 with *ret_match, EBUSY, or another failure. */
static int verify(struct attempt *a, bool *ret_match)
{
    *ret_match = false;
    if (password_too_long(a->req->password))
        return 0;
    return atrium_pwhash_verify(a->o->hasher, a->user.password_hash, a->req->password, ret_match,
                                NULL);
}

/* Everything after the user is found. */
static int check_known(struct attempt *a, bool for_change, struct atrium_oauth_error *e)
{
    bool locked = false;
    int rc = check_locked(a, &locked, e);
    if (rc < 0 || locked)
        return rc;
    if (!a->user.password_hash)
        return refuse(a, 50056, "The user has no password.", MSG_NO_PASSWORD, e);
    bool match = false;
    rc = verify(a, &match);
    if (rc == ATRIUM_EBUSY)
        return atrium_oauth_fail_store(e, ATRIUM_EBUSY);
    if (rc < 0)
        return atrium_oauth_fail(e, rc == ATRIUM_EINVAL ? ATRIUM_EINTERNAL : rc, "server_error", 0,
                                 500, "The sign-in failed.");
    if (!match)
        return wrong_password(a, e);
    int aadsts = 0;
    const char *reason = NULL;
    if (!a->user.account_enabled) {
        aadsts = 50057;
        reason = "The user account is disabled.";
    } else if (a->user.force_change_password && !for_change) {
        aadsts = 50055;
        reason = "The password must be changed (forceChangePasswordNextSignIn).";
    }
    rc = right_password(a, aadsts, reason, !(for_change && aadsts == 0));
    if (rc < 0)
        return atrium_oauth_fail_store(e, rc);
    if (aadsts == 50057)
        return credentials_fail(e, aadsts, MSG_DISABLED);
    a->hand_out = true;
    if (aadsts == 50055) {
        rc = credentials_fail(e, aadsts, MSG_EXPIRED);
        if (e)
            e->suberror = "user_password_expired";
        return rc;
    }
    return 0;
}

/*
 * An unknown user: the same checks, cost, counting and answers as an
 * account with a wrong password (50053 once the name is locked).
 */
static int unknown_user(struct attempt *a, struct atrium_oauth_error *e)
{
    bool locked = false;
    int rc = has_counters(a) ? check_locked(a, &locked, e) : 0;
    if (rc < 0 || locked)
        return rc;
    if (dummy_verify(a->o, a->req->password) == ATRIUM_EBUSY)
        return atrium_oauth_fail_store(e, ATRIUM_EBUSY);
    if (has_counters(a))
        return wrong_password(a, e);
    return refuse(a, 50126, "The user account does not exist in the tenant.", MSG_BAD_CREDENTIALS,
                  e);
}

static int check_request(struct atrium_store *s, const struct atrium_oauth *o,
                         const struct atrium_authn_request *req, struct atrium_oauth_error *e)
{
    if (!s || !s->oauth || !o || !o->hasher || !o->secrets)
        return atrium_oauth_fail(e, ATRIUM_EINTERNAL, "server_error", 0, 500,
                                 "The sign-in service is not available.");
    if (!req || !req->tenant_id)
        return atrium_oauth_fail(e, ATRIUM_EINTERNAL, "server_error", 0, 500,
                                 "The sign-in request has no tenant.");
    if (!req->password)
        return atrium_oauth_fail(e, ATRIUM_EINVAL, "invalid_request", 900144, 400,
                                 "The request body must contain the following parameter: "
                                 "'password'.");
    return 0;
}

int atrium_oauth_authn_check(struct atrium_store *s, const struct atrium_oauth *o,
                             const struct atrium_authn_request *req, bool for_change,
                             struct atrium_user *ret_user, struct atrium_oauth_error *e)
{
    if (ret_user)
        memset(ret_user, 0, sizeof(*ret_user));
    int rc = check_request(s, o, req, e);
    if (rc < 0)
        return rc;
    struct attempt a = {.s = s, .o = o, .req = req, .now = atrium_now()};
    bool found = false;
    rc = lookup_user(&a, &found);
    if (rc < 0)
        rc = atrium_oauth_fail_store(e, rc);
    else if (!found)
        rc = unknown_user(&a, e);
    else
        rc = check_known(&a, for_change, e);
    if (ret_user && a.hand_out)
        *ret_user = a.user;
    else
        atrium_user_release(&a.user);
    return rc;
}

int atrium_oauth_authenticate(struct atrium_store *s, const struct atrium_oauth *o,
                              const struct atrium_authn_request *req, struct atrium_user *ret_user,
                              struct atrium_oauth_error *e)
{
    return atrium_oauth_authn_check(s, o, req, false, ret_user, e);
}
