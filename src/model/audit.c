/* SPDX-License-Identifier: MIT */
/*
 * Audit log records: building one from an initiator and an event (cleaned,
 * bounded, secret values redacted, targets as Graph JSON) and the release
 * functions; see audit.h.
 */
#include "model/audit.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"

void atrium_directory_audit_release(struct atrium_directory_audit *a)
{
    if (!a)
        return;
    xfree(a->category);
    xfree(a->activity);
    xfree(a->operation_type);
    xfree(a->result_reason);
    xfree(a->correlation_id);
    xfree(a->initiator_upn);
    xfree(a->initiator_name);
    xfree(a->initiator_ip);
    xfree(a->targets);
    xfree(a->details);
    memset(a, 0, sizeof(*a));
}

void atrium_audit_filter_release(struct atrium_audit_filter *f)
{
    if (!f)
        return;
    xfree(f->category);
    xfree(f->activity);
    xfree(f->initiator_user_id);
    xfree(f->initiator_app_id);
    xfree(f->correlation_id);
    memset(f, 0, sizeof(*f));
}

void atrium_signin_filter_release(struct atrium_signin_filter *f)
{
    if (!f)
        return;
    xfree(f->user_id);
    xfree(f->user_principal_name);
    xfree(f->app_id);
    memset(f, 0, sizeof(*f));
}

/* A copy of s of at most max bytes, cut on a character boundary, with
 * control characters and invalid UTF-8 replaced by '?'. NULL for NULL. */
static char *clean(const char *s, size_t max)
{
    if (!s)
        return NULL;
    size_t in_len = strnlen(s, max + 8);
    char *out = xmalloc(in_len + 1);
    size_t n = 0;
    const char *p = s;
    while (*p) {
        uint32_t cp = 0;
        size_t len = atrium_str_utf8_next(p, &cp);
        bool bad = len == 0 || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
        size_t out_len = bad ? 1 : len;
        if (n + out_len > max || n + out_len > in_len)
            break;
        if (bad)
            out[n] = '?';
        else
            memcpy(out + n, p, len);
        n += out_len;
        p += bad ? 1 : len;
    }
    out[n] = '\0';
    return out;
}

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* Is name a property whose values must never be recorded? */
static bool secret_name(const char *name)
{
    static const char *const exact[] = {"secretText", "passwordProfile", "keyValue", NULL};
    for (const char *const *x = exact; *x; x++)
        if (strcasecmp(name, *x) == 0)
            return true;
    return ends_with_ci(name, "password") || ends_with_ci(name, "secret");
}

/* Entra's value text: "[\"v\"]" (a JSON array of one string), or null. */
static json_t *value_json(const char *v)
{
    if (!v)
        return json_null();
    AUTO_FREE char *c = clean(v, ATRIUM_AUDIT_VALUE_MAX);
    json_t *arr = json_pack("[s]", c);
    char *text = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
    json_decref(arr);
    json_t *out = text ? json_string(text) : json_null();
    free(text);
    return out ? out : json_null();
}

/* A cleaned string member, or null. */
static json_t *text_json(const char *v, size_t max)
{
    AUTO_FREE char *c = clean(v, max);
    json_t *out = c ? json_string(c) : NULL;
    return out ? out : json_null();
}

static json_t *changes_json(const struct atrium_audit_target *t, bool with_values)
{
    json_t *arr = json_array();
    size_t n =
        t->change_count < ATRIUM_AUDIT_CHANGES_MAX ? t->change_count : ATRIUM_AUDIT_CHANGES_MAX;
    for (size_t i = 0; t->changes && i < n; i++) {
        const struct atrium_audit_change *c = &t->changes[i];
        if (!c->name)
            continue;
        bool keep = with_values && !secret_name(c->name);
        json_array_append_new(arr,
                              json_pack("{s:o, s:o, s:o}", "displayName",
                                        text_json(c->name, ATRIUM_AUDIT_TEXT_MAX), "oldValue",
                                        keep ? value_json(c->old_value) : json_null(), "newValue",
                                        keep ? value_json(c->new_value) : json_null()));
    }
    return arr;
}

/* targetResources as compact JSON text (heap). */
static char *targets_text(const struct atrium_audit_event *ev, bool with_values)
{
    json_t *arr = json_array();
    size_t n =
        ev->target_count < ATRIUM_AUDIT_TARGETS_MAX ? ev->target_count : ATRIUM_AUDIT_TARGETS_MAX;
    for (size_t i = 0; ev->targets && i < n; i++) {
        const struct atrium_audit_target *t = &ev->targets[i];
        json_array_append_new(
            arr,
            json_pack("{s:o, s:o, s:o, s:o, s:n, s:o}", "id",
                      text_json(t->id, ATRIUM_AUDIT_TEXT_MAX), "displayName",
                      text_json(t->display_name, ATRIUM_AUDIT_TEXT_MAX), "type",
                      text_json(t->type ? t->type : "Other", ATRIUM_AUDIT_TEXT_MAX),
                      "userPrincipalName", text_json(t->user_principal_name, ATRIUM_AUDIT_TEXT_MAX),
                      "groupType", "modifiedProperties", changes_json(t, with_values)));
    }
    char *text = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    if (!text)
        abort(); /* only out of memory gets here, like xmalloc */
    return text;
}

/* additionalDetails as compact JSON text (heap). */
static char *details_text(const struct atrium_audit_event *ev, bool truncated)
{
    json_t *arr = json_array();
    size_t n =
        ev->detail_count < ATRIUM_AUDIT_DETAILS_MAX ? ev->detail_count : ATRIUM_AUDIT_DETAILS_MAX;
    for (size_t i = 0; ev->details && i < n; i++) {
        const struct atrium_audit_detail *d = &ev->details[i];
        if (d->key && !secret_name(d->key))
            json_array_append_new(arr, json_pack("{s:o, s:o}", "key",
                                                 text_json(d->key, ATRIUM_AUDIT_TEXT_MAX), "value",
                                                 text_json(d->value, ATRIUM_AUDIT_TEXT_MAX)));
    }
    if (truncated)
        json_array_append_new(
            arr, json_pack("{s:s, s:s}", "key", "Truncated", "value", "modifiedProperties values"));
    char *text = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    if (!text)
        abort();
    return text;
}

/* Copy a GUID-sized id into out ("" when absent or too long). */
static void copy_id(char out[ATRIUM_UUID_LEN + 1], const char *id)
{
    size_t n = id ? strnlen(id, ATRIUM_UUID_LEN + 1) : 0;
    if (n > ATRIUM_UUID_LEN)
        n = 0;
    memcpy(out, id ? id : "", n);
    out[n] = '\0';
}

static void build_initiator(const struct atrium_audit_actor *actor,
                            struct atrium_directory_audit *a)
{
    a->initiator = actor->kind;
    if (actor->kind != ATRIUM_AUDIT_BY_CLI)
        copy_id(a->initiator_id, actor->id);
    if (actor->kind == ATRIUM_AUDIT_BY_APP)
        copy_id(a->initiator_app_id, actor->app_id);
    if (actor->kind == ATRIUM_AUDIT_BY_USER)
        a->initiator_upn = clean(actor->user_principal_name, ATRIUM_AUDIT_TEXT_MAX);
    a->initiator_name =
        clean(actor->kind == ATRIUM_AUDIT_BY_CLI && !actor->display_name ? ATRIUM_AUDIT_CLI_NAME
                                                                         : actor->display_name,
              ATRIUM_AUDIT_TEXT_MAX);
    a->initiator_ip = clean(actor->ip_address, ATRIUM_AUDIT_TEXT_MAX);
}

int atrium_directory_audit_build(const char *tenant_id, const struct atrium_audit_actor *actor,
                                 const struct atrium_audit_event *ev, int64_t now,
                                 struct atrium_directory_audit *ret)
{
    if (!tenant_id || !*tenant_id || strlen(tenant_id) > ATRIUM_UUID_LEN || !actor || !ev ||
        !ev->category || !ev->activity || !ev->operation_type ||
        actor->kind < ATRIUM_AUDIT_BY_USER || actor->kind > ATRIUM_AUDIT_BY_CLI)
        return ATRIUM_EINVAL;
    struct atrium_directory_audit a = {.activity_time = now, .success = !ev->failure};
    atrium_uuid_v4(a.id);
    copy_id(a.tenant_id, tenant_id);
    a.category = clean(ev->category, ATRIUM_AUDIT_TEXT_MAX);
    a.activity = clean(ev->activity, ATRIUM_AUDIT_TEXT_MAX);
    a.operation_type = clean(ev->operation_type, ATRIUM_AUDIT_TEXT_MAX);
    a.result_reason = clean(ev->result_reason, ATRIUM_AUDIT_TEXT_MAX);
    if (actor->correlation_id && *actor->correlation_id) {
        a.correlation_id = clean(actor->correlation_id, ATRIUM_AUDIT_CORRELATION_MAX);
    } else {
        a.correlation_id = xmalloc(ATRIUM_UUID_LEN + 1);
        atrium_uuid_v4(a.correlation_id);
    }
    build_initiator(actor, &a);
    char *targets = targets_text(ev, true);
    bool truncated = strlen(targets) > ATRIUM_AUDIT_JSON_MAX;
    if (truncated) {
        free(targets);
        targets = targets_text(ev, false);
    }
    a.targets = xstrdup(targets);
    free(targets);
    char *details = details_text(ev, truncated);
    a.details = xstrdup(details);
    free(details);
    *ret = a;
    return 0;
}
