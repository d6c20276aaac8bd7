/* SPDX-License-Identifier: MIT */
/*
 * Device authorization (oauth.h "Device authorization", RFC 8628 as Entra
 * does it): the device gets a device code (256 random bits, stored hashed)
 * and shows a user code; the user enters it on the deviceauth page, signed
 * in, and approves or denies; token.c answers the device's polling.
 *
 * User codes are 8 characters of a 32-letter alphabet without 0/O/1/I
 * (40 bits), shown as "XXXX-XXXX"; what the user types is normalised (case,
 * spaces, dashes). The deviceauth page must rate-limit look-ups. Only an
 * enabled user of the code's tenant may approve (access_denied otherwise);
 * a code of another tenant, decided, expired or mistyped is not found, all
 * with the same answer.
 *
 * A specific tenant is required: on /organizations and /common the answer
 * is invalid_request (AADSTS50059), because the code must be bound to the
 * tenant whose users may approve it. Only public clients may start the flow
 * (a confidential one gets invalid_client AADSTS7000218, as Entra asks for
 * its credential). The response has no verification_uri_complete, as Entra.
 */
#include "oauth/oauth.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "oauth/authn_internal.h"
#include "oauth/oauth_priv.h"

#define USER_CODE_ALPHABET "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
#define USER_CODE_CHARS 8
#define USER_CODE_TYPED_MAX 64 /* longer input is not a code */
#define USER_CODE_ATTEMPTS 8   /* retries on a (rare) clash with a live code */
#define DEVICE_SCOPE_MAX 4096
#define MISSING_PARAM "The request body must contain the following parameter: '%s'."

_Static_assert(sizeof(USER_CODE_ALPHABET) - 1 == 32, "one random byte picks a letter evenly");
_Static_assert(ATRIUM_USER_CODE_LEN == USER_CODE_CHARS + 1, "XXXX-XXXX");
_Static_assert(ATRIUM_USER_CODE_LEN < sizeof(((struct atrium_device_code *)0)->user_code),
               "the user code fits the record");

void atrium_oauth_user_code_new(char out[ATRIUM_USER_CODE_LEN + 1])
{
    unsigned char raw[USER_CODE_CHARS];
    atrium_random_bytes(raw, sizeof(raw));
    size_t n = 0;
    for (size_t i = 0; i < USER_CODE_CHARS; i++) {
        if (i == USER_CODE_CHARS / 2)
            out[n++] = '-';
        out[n++] = USER_CODE_ALPHABET[raw[i] & 31];
    }
    out[n] = '\0';
}

bool atrium_oauth_user_code_normalise(const char *typed, char out[ATRIUM_USER_CODE_LEN + 1])
{
    char chars[USER_CODE_CHARS];
    size_t k = 0;
    if (!typed || strnlen(typed, USER_CODE_TYPED_MAX + 1) > USER_CODE_TYPED_MAX)
        return false;
    for (const char *p = typed; *p; p++) {
        char c = *p;
        if (c == ' ' || c == '\t' || c == '-')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (k == USER_CODE_CHARS || !strchr(USER_CODE_ALPHABET, c))
            return false;
        chars[k++] = c;
    }
    if (k != USER_CODE_CHARS)
        return false;
    memcpy(out, chars, USER_CODE_CHARS / 2);
    out[USER_CODE_CHARS / 2] = '-';
    memcpy(out + USER_CODE_CHARS / 2 + 1, chars + USER_CODE_CHARS / 2, USER_CODE_CHARS / 2);
    out[USER_CODE_CHARS + 1] = '\0';
    return true;
}

static int code_not_found(struct atrium_oauth_error *e)
{
    return atrium_oauth_fail(e, ATRIUM_ENOTFOUND, "invalid_request", 0, 400,
                             "That code didn't work. Check the code and try again.");
}

/* The tenant of the request: a specific one (not organizations/common). */
static int device_tenant(struct atrium_store *s, const char *segment, struct atrium_tenant *ret,
                         struct atrium_oauth_error *e)
{
    bool multi = false;
    int rc = atrium_oauth_tenant(s, segment, ret, &multi, e);
    if (rc < 0) {
        if (e && e->aadsts == 90002)
            e->error = "invalid_request"; /* a token-style endpoint, not discovery */
        return rc;
    }
    if (multi)
        return atrium_oauth_fail(e, ATRIUM_EINVAL, "invalid_request", 50059, 400,
                                 "The device code flow needs a specific tenant: use "
                                 "/{tenant}/oauth2/v2.0/devicecode with the tenant ID or a "
                                 "verified domain instead of /%s.",
                                 segment);
    return 0;
}

/* Insert d with a fresh user code, retrying on a clash with a live one. */
static int insert_with_user_code(struct atrium_store *s, struct atrium_device_code *d)
{
    int rc = ATRIUM_ECONFLICT;
    for (int i = 0; i < USER_CODE_ATTEMPTS && rc == ATRIUM_ECONFLICT; i++) {
        atrium_oauth_user_code_new(d->user_code);
        rc = s->oauth->device_insert(s, d);
    }
    return rc;
}

/* The response object of /devicecode. */
static json_t *start_response(const struct atrium_oauth *o, const char *tenant_id,
                              const char *device_code, const char *user_code)
{
    const char *base = o->cfg.public_url ? o->cfg.public_url : "";
    char *uri = xasprintf("%s/%s/oauth2/v2.0/deviceauth", base, tenant_id);
    char *message = xasprintf("To sign in, use a web browser to open the page %s and enter the "
                              "code %s to authenticate.",
                              uri, user_code);
    json_t *r = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s}", "device_code", device_code, "user_code",
                          user_code, "verification_uri", uri, "expires_in",
                          (json_int_t)o->cfg.device_code_lifetime, "interval",
                          (json_int_t)o->cfg.device_poll_interval, "message", message);
    free(uri);
    free(message);
    return r;
}

/* Check the client and scope of a /devicecode request. */
static int check_client(struct atrium_store *s, const char *tenant_id, const char *client_id,
                        const char *scope, struct atrium_oauth_client *c,
                        struct atrium_oauth_error *e)
{
    if (!client_id || !*client_id)
        return atrium_oauth_fail_missing(e, "client_id");
    if (!scope || !*scope)
        return atrium_oauth_fail_missing(e, "scope");
    if (strnlen(scope, DEVICE_SCOPE_MAX + 1) > DEVICE_SCOPE_MAX)
        return atrium_oauth_fail(e, ATRIUM_EINVAL, "invalid_scope", 70011, 400,
                                 "The provided value for the input parameter 'scope' is not "
                                 "valid: it is too long.");
    int rc = atrium_oauth_client_find(s, tenant_id, client_id, c, e);
    if (rc < 0)
        return rc;
    if (!c->is_public)
        return atrium_oauth_fail(e, ATRIUM_EAUTH, "invalid_client", 7000218, 401, MISSING_PARAM,
                                 "client_assertion' or 'client_secret");
    return 0;
}

int atrium_oauth_device_start(struct atrium_store *s, const struct atrium_oauth *o,
                              const char *tenant_segment, const char *client_id, const char *scope,
                              json_t **ret, struct atrium_oauth_error *e)
{
    *ret = NULL;
    if (!s->oauth)
        return atrium_oauth_fail(e, ATRIUM_EINTERNAL, "server_error", 0, 500,
                                 "The device code service is not available.");
    struct atrium_tenant t = {0};
    int rc = device_tenant(s, tenant_segment, &t, e);
    if (rc < 0) {
        atrium_tenant_release(&t);
        return rc;
    }
    struct atrium_oauth_client c = {0};
    rc = check_client(s, t.id, client_id, scope, &c, e);
    if (rc == 0) {
        struct atrium_device_code d = {
            .scope = (char *)scope, .status = ATRIUM_DEVICE_PENDING, .created = atrium_now()};
        d.expires = d.created + o->cfg.device_code_lifetime;
        memcpy(d.tenant_id, t.id, sizeof(d.tenant_id));
        memcpy(d.client_id, c.app_id, sizeof(d.client_id));
        char *value = atrium_oauth_value_new(t.id, d.device_code_hash);
        rc = insert_with_user_code(s, &d);
        if (rc < 0)
            rc = atrium_oauth_fail_store(e, rc);
        else
            *ret = start_response(o, t.id, value, d.user_code);
        atrium_oauth_value_free(value);
    }
    atrium_oauth_client_release(&c);
    atrium_tenant_release(&t);
    return rc;
}

int atrium_oauth_device_lookup(struct atrium_store *s, const char *tenant_id, const char *user_code,
                               struct atrium_device_code *ret, struct atrium_oauth_error *e)
{
    char code[ATRIUM_USER_CODE_LEN + 1];
    memset(ret, 0, sizeof(*ret));
    if (!s->oauth)
        return atrium_oauth_fail(e, ATRIUM_EINTERNAL, "server_error", 0, 500,
                                 "The device code service is not available.");
    if (!tenant_id || !atrium_oauth_user_code_normalise(user_code, code))
        return code_not_found(e);
    int rc = s->oauth->device_get_by_user_code(s, tenant_id, code, atrium_now(), ret);
    if (rc == 0 && ret->status != ATRIUM_DEVICE_PENDING)
        rc = ATRIUM_ENOTFOUND;
    if (rc < 0) {
        atrium_device_code_release(ret);
        memset(ret, 0, sizeof(*ret));
        return rc == ATRIUM_ENOTFOUND ? code_not_found(e) : atrium_oauth_fail_store(e, rc);
    }
    return 0;
}

/* The approving user belongs to the code's tenant and is enabled. */
static int approver_check(struct atrium_store *s, const char *tenant_id, const char *user_id,
                          struct atrium_oauth_error *e)
{
    struct atrium_user u = {0};
    int rc = s->ops->user_get(s, tenant_id, user_id, &u);
    bool enabled = rc == 0 && u.account_enabled;
    atrium_user_release(&u);
    if (rc < 0 && rc != ATRIUM_ENOTFOUND)
        return atrium_oauth_fail_store(e, rc);
    if (!enabled)
        return atrium_oauth_fail(e, ATRIUM_EFORBIDDEN, "access_denied", 0, 403,
                                 "The signed-in user cannot approve codes of this tenant.");
    return 0;
}

int atrium_oauth_device_decide(struct atrium_store *s, const char *tenant_id, const char *user_code,
                               bool approve, const char *user_id, int64_t auth_time,
                               struct atrium_oauth_error *e)
{
    char code[ATRIUM_USER_CODE_LEN + 1];
    if (!s->oauth)
        return atrium_oauth_fail(e, ATRIUM_EINTERNAL, "server_error", 0, 500,
                                 "The device code service is not available.");
    if (approve && (!user_id || !*user_id))
        return atrium_oauth_fail(e, ATRIUM_EINTERNAL, "server_error", 0, 500,
                                 "Approving a code needs the signed-in user.");
    if (!tenant_id || !atrium_oauth_user_code_normalise(user_code, code))
        return code_not_found(e);
    int rc = approve ? approver_check(s, tenant_id, user_id, e) : 0;
    if (rc < 0)
        return rc;
    rc = s->oauth->device_decide(s, tenant_id, code, atrium_now(), approve, user_id ? user_id : "",
                                 auth_time);
    if (rc == ATRIUM_ENOTFOUND)
        return code_not_found(e);
    if (rc < 0)
        return atrium_oauth_fail_store(e, rc);
    return 0;
}
