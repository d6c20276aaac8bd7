/* SPDX-License-Identifier: MIT */
/*
 * Client secrets of applications: addPassword (a fresh secret shown once,
 * stored only as its keyed hash, at most ATRIUM_APP_PASSWORDS_MAX per app)
 * and removePassword. See apps.h.
 */
#include "graph/apps.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "graph/apps_priv.h"
#include "graph/audit.h"
#include "graph/authz.h"

#define PASSWORD_NAME_MAX 256
#define MAX_LIFETIME (100LL * 366 * 86400) /* a hundred years */

/* Two digits at s into [lo, hi]; -1 otherwise. */
static int two_digits(const char *s, int lo, int hi)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    int v = (s[0] - '0') * 10 + (s[1] - '0');
    return v >= lo && v <= hi ? v : -1;
}

/* Offset "Z", "+HH:MM" or "-HH:MM" at s into seconds east of UTC; false when malformed. */
static bool parse_offset(const char *s, long *ret)
{
    if (s[0] == 'Z' && s[1] == '\0') {
        *ret = 0;
        return true;
    }
    if ((s[0] != '+' && s[0] != '-') || s[3] != ':' || s[6] != '\0')
        return false;
    int h = two_digits(s + 1, 0, 23), m = two_digits(s + 4, 0, 59);
    if (h < 0 || m < 0)
        return false;
    *ret = (s[0] == '-' ? -1L : 1L) * (h * 3600L + m * 60L);
    return true;
}

/* "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM)" (ISO 8601 / RFC 3339) to Unix seconds. */
static int parse_time(const char *s, int64_t *ret)
{
    int64_t year = 0;
    char ybuf[5];
    if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
        s[13] != ':' || s[16] != ':')
        return ATRIUM_EINVAL;
    memcpy(ybuf, s, 4);
    ybuf[4] = '\0';
    struct tm tm = {0};
    int mon = two_digits(s + 5, 1, 12), day = two_digits(s + 8, 1, 31);
    int h = two_digits(s + 11, 0, 23), mi = two_digits(s + 14, 0, 59);
    int sec = two_digits(s + 17, 0, 59);
    if (atrium_str_to_i64(ybuf, 1970, 9999, &year) < 0 || mon < 0 || day < 0 || h < 0 || mi < 0 ||
        sec < 0)
        return ATRIUM_EINVAL;
    const char *p = s + 19;
    if (*p == '.') {
        size_t digits = strspn(p + 1, "0123456789");
        if (digits == 0 || digits > 9)
            return ATRIUM_EINVAL;
        p += 1 + digits;
    }
    long offset = 0;
    if (!parse_offset(p, &offset))
        return ATRIUM_EINVAL;
    tm.tm_year = (int)year - 1900;
    tm.tm_mon = mon - 1;
    tm.tm_mday = day;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    time_t t = timegm(&tm);
    if (t == (time_t)-1 || tm.tm_mday != day) /* normalised: 31 February and the like */
        return ATRIUM_EINVAL;
    *ret = (int64_t)t - offset;
    return 0;
}

static int time_member(const json_t *obj, const char *key, int64_t *ret, struct atrium_errinfo *e)
{
    char field[ATRIUM_ERR_FIELD_MAX];
    snprintf(field, sizeof(field), "passwordCredential.%s", key);
    const char *v = NULL;
    int r = atrium_json_get_string(obj, key, false, 64, "passwordCredential.", &v, e);
    if (r < 0 || !v)
        return r;
    if (parse_time(v, ret) < 0)
        return atrium_err(e, ATRIUM_EINVAL, field,
                          "Property '%s' must be an ISO 8601 date and time such as "
                          "2030-01-31T00:00:00Z.",
                          field);
    return 0;
}

/* The passwordCredential of an addPassword body: name and validity window. */
static int password_request(const json_t *body, struct atrium_app_password *p,
                            struct atrium_errinfo *e)
{
    static const char *const top[] = {"passwordCredential", NULL};
    static const char *const members[] = {"displayName", "endDateTime", "startDateTime", NULL};
    json_t *pc = NULL;
    const char *name = NULL;
    int64_t now = atrium_now();
    int r = atrium_json_reject_unknown(body, top, "", e);
    if (r == 0)
        r = atrium_json_get_object(body, "passwordCredential", false, "", &pc, e);
    if (r == 0 && pc)
        r = atrium_json_reject_unknown(pc, members, "passwordCredential.", e);
    if (r == 0 && pc)
        r = atrium_json_get_string(pc, "displayName", false, PASSWORD_NAME_MAX,
                                   "passwordCredential.", &name, e);
    p->start = now;
    p->end = 0;
    if (r == 0 && pc)
        r = time_member(pc, "startDateTime", &p->start, e);
    if (r == 0 && pc)
        r = time_member(pc, "endDateTime", &p->end, e);
    if (r < 0)
        return r;
    if (!p->end)
        p->end = p->start + ATRIUM_APP_PASSWORD_DEFAULT_DAYS * 86400LL;
    if (p->end <= p->start || p->end <= now || p->end - now > MAX_LIFETIME)
        return atrium_err(e, ATRIUM_EINVAL, "passwordCredential.endDateTime",
                          "Property 'passwordCredential.endDateTime' must be in the future, after "
                          "startDateTime and within 100 years.");
    p->display_name = xstrdup(name);
    return 0;
}

/* "Update application – Certificates and secrets management": key metadata, never the secret. */
static int audit_secrets(struct atrium_store *s, const struct atrium_principal *who,
                         const struct atrium_application *a, const char *key_id, const char *name,
                         bool added, struct atrium_errinfo *e)
{
    AUTO_FREE char *key = xasprintf("[KeyIdentifier=%s,KeyType=Password,KeyUsage=Verify,"
                                    "DisplayName=%s]",
                                    key_id, name ? name : "");
    const struct atrium_audit_change changes[] = {
        {"KeyDescription", added ? NULL : key, added ? key : NULL}};
    const struct atrium_audit_target target = {.id = a->id,
                                               .display_name = a->display_name,
                                               .type = "Application",
                                               .changes = changes,
                                               .change_count = 1};
    return atrium_audit_one_by(s, a->tenant_id, who, ATRIUM_AUDIT_CAT_APP,
                               "Update application \u2013 Certificates and secrets management",
                               "Update", &target, e);
}

/* Count the app's secrets and insert p, under the write lock. */
static int insert_password(struct atrium_store *s, const struct atrium_principal *who,
                           const struct atrium_application *a, const char *tenant_id,
                           const struct atrium_app_password *p, struct atrium_errinfo *e)
{
    struct atrium_app_password_list l = {0};
    int r = atrium_store_begin(s);
    if (r < 0)
        return atrium_graph_store_fail(e, r);
    r = s->oauth->app_password_list(s, tenant_id, p->app_object_id, &l);
    if (r < 0)
        r = atrium_graph_store_fail(e, r);
    else if (l.count >= ATRIUM_APP_PASSWORDS_MAX)
        r = atrium_err(e, ATRIUM_EINVAL, "passwordCredential",
                       "The application already has %d password credentials; remove one first.",
                       ATRIUM_APP_PASSWORDS_MAX);
    atrium_app_password_list_release(&l);
    if (r == 0 && (r = s->oauth->app_password_insert(s, tenant_id, p)) < 0)
        r = atrium_graph_store_fail(e, r);
    if (r == 0)
        r = audit_secrets(s, who, a, p->key_id, p->display_name, true, e);
    return atrium_graph_txn_end(s, r, e);
}

int atrium_graph_app_add_password(struct atrium_store *s, const struct atrium_secret_hasher *h,
                                  const char *tenant_id, const struct atrium_principal *who,
                                  const char *id, const json_t *body,
                                  struct atrium_app_password *ret,
                                  char ret_secret[ATRIUM_CLIENT_SECRET_LEN + 1],
                                  struct atrium_errinfo *e)
{
    struct atrium_application a = {0};
    struct atrium_app_password p = {0};
    char secret[ATRIUM_CLIENT_SECRET_LEN + 1];
    char hint[ATRIUM_CLIENT_SECRET_HINT_LEN + 1];
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_apps_write, e);
    if (r == 0 && !h)
        r = atrium_err(e, ATRIUM_EINTERNAL, "", "Client secrets are not configured.");
    if (r == 0)
        r = atrium_graph_app_load(s, tenant_id, id, &a, e);
    if (r == 0)
        r = password_request(body, &p, e);
    if (r == 0) {
        atrium_client_secret_generate(secret);
        atrium_client_secret_hint(secret, hint);
        if (atrium_client_secret_hash(h, secret, &p.secret_hash) < 0)
            r = atrium_err(e, ATRIUM_ECRYPTO, "", "The secret could not be hashed.");
    }
    if (r == 0) {
        atrium_uuid_v4(p.key_id);
        memcpy(p.app_object_id, a.id, sizeof(p.app_object_id));
        p.hint = xstrdup(hint);
        r = insert_password(s, who, &a, tenant_id, &p, e);
    }
    atrium_application_release(&a);
    if (r < 0) {
        atrium_app_password_release(&p);
        explicit_bzero(secret, sizeof(secret));
        return r;
    }
    memcpy(ret_secret, secret, sizeof(secret));
    explicit_bzero(secret, sizeof(secret));
    *ret = p;
    return 0;
}

int atrium_graph_app_remove_password(struct atrium_store *s, const char *tenant_id,
                                     const struct atrium_principal *who, const char *id,
                                     const json_t *body, struct atrium_errinfo *e)
{
    static const char *const allowed[] = {"keyId", NULL};
    struct atrium_application a = {0};
    const char *key_text = NULL;
    char key_id[ATRIUM_UUID_LEN + 1];
    int r = atrium_authz_require(who, tenant_id, &atrium_authz_apps_write, e);
    if (r == 0)
        r = atrium_graph_app_load(s, tenant_id, id, &a, e);
    if (r == 0)
        r = atrium_json_reject_unknown(body, allowed, "", e);
    if (r == 0)
        r = atrium_json_get_string(body, "keyId", true, ATRIUM_UUID_LEN + 8, "", &key_text, e);
    if (r == 0)
        r = atrium_graph_id(key_text, "keyId", key_id, e);
    if (r == 0 && (r = atrium_store_begin(s)) < 0)
        r = atrium_graph_store_fail(e, r);
    else if (r == 0) {
        if ((r = s->oauth->app_password_delete(s, tenant_id, a.id, key_id)) < 0)
            r = r == ATRIUM_ENOTFOUND
                    ? atrium_err(e, r, "keyId", "No password credential with keyId '%s' exists.",
                                 key_id)
                    : atrium_graph_store_fail(e, r);
        if (r == 0)
            r = audit_secrets(s, who, &a, key_id, NULL, false, e);
        r = atrium_graph_txn_end(s, r, e);
    }
    atrium_application_release(&a);
    return r;
}
