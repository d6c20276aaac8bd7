/* SPDX-License-Identifier: MIT */
/*
 * The body of POST /users and PATCH /users/{id}: each member checked
 * against its rule and applied to a struct atrium_user, with the set of
 * properties it changed; unknown and read-only members are refused naming
 * them. See users_priv.h.
 */
#include "graph/users_priv.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/json.h"
#include "core/xalloc.h"
#include "model/tenant.h"
#include "model/user.h"

#define PASSWORD_MAX 256

static const char *const base_names[ATRIUM_UF_ATTR0] = {
    [ATRIUM_UF_ACCOUNT_ENABLED] = "accountEnabled",
    [ATRIUM_UF_DISPLAY_NAME] = "displayName",
    [ATRIUM_UF_GIVEN_NAME] = "givenName",
    [ATRIUM_UF_SURNAME] = "surname",
    [ATRIUM_UF_MAIL] = "mail",
    [ATRIUM_UF_JOB_TITLE] = "jobTitle",
    [ATRIUM_UF_UPN] = "userPrincipalName",
    [ATRIUM_UF_PASSWORD_PROFILE] = "passwordProfile",
    [ATRIUM_UF_BUSINESS_PHONES] = "businessPhones",
    [ATRIUM_UF_OTHER_MAILS] = "otherMails",
};

static const char *const read_only[] = {
    "id",
    "createdDateTime",
    "deletedDateTime",
    "proxyAddresses",
    "creationType",
    "memberOf",
    "identities",
    "imAddresses",
    "externalUserState",
    "lastPasswordChangeDateTime",
    "onPremisesSyncEnabled",
    NULL,
};

const char *atrium_graph_user_field_name(enum atrium_user_field f)
{
    if (f < ATRIUM_UF_ATTR0)
        return base_names[f];
    return atrium_user_attrs[f - ATRIUM_UF_ATTR0].name;
}

static int bad(struct atrium_errinfo *e, const char *key, const char *what)
{
    return atrium_err(e, ATRIUM_EINVAL, key, "Invalid value for property '%s': %s.", key, what);
}

static void set_str(char **slot, const char *v)
{
    xfree(*slot);
    *slot = xstrdup(v);
}

/* An optional string (null clears it when nullable). */
static int opt_string(const json_t *v, const char *key, bool nullable, const char **ret,
                      struct atrium_errinfo *e)
{
    if (json_is_null(v) && nullable) {
        *ret = NULL;
        return 0;
    }
    if (!json_is_string(v))
        return bad(e, key, nullable ? "must be a string or null" : "must be a string");
    *ret = json_string_value(v);
    return 0;
}

static int password_profile(const json_t *v, struct atrium_user_changes *ch,
                            struct atrium_errinfo *e)
{
    static const char *const allowed[] = {"password", "forceChangePasswordNextSignIn",
                                          "forceChangePasswordNextSignInWithMfa", NULL};
    if (!json_is_object(v))
        return bad(e, "passwordProfile", "must be an object");
    int r = atrium_json_reject_unknown(v, allowed, "passwordProfile.", e);
    if (r == 0)
        r = atrium_json_get_string(v, "password", false, PASSWORD_MAX, "passwordProfile.",
                                   &ch->password, e);
    const json_t *force = json_object_get(v, "forceChangePasswordNextSignIn");
    const json_t *mfa = json_object_get(v, "forceChangePasswordNextSignInWithMfa");
    if (r == 0 && force && !json_is_boolean(force))
        r = bad(e, "passwordProfile.forceChangePasswordNextSignIn", "must be true or false");
    if (r == 0 && mfa && !json_is_false(mfa) && !json_is_null(mfa))
        r = atrium_err(e, ATRIUM_EINVAL, "passwordProfile.forceChangePasswordNextSignInWithMfa",
                       "Multi-factor registration is not supported: "
                       "forceChangePasswordNextSignInWithMfa must be false.");
    if (r == 0 && !ch->password && !force)
        r = bad(e, "passwordProfile", "must set password or forceChangePasswordNextSignIn");
    ch->has_force = force != NULL;
    ch->force = json_is_true(force);
    return r;
}

/* businessPhones (phone numbers) or otherMails (e-mail addresses): an array or null. */
static int string_list(const json_t *v, const char *key, size_t max, bool mails,
                       struct atrium_strv *ret, struct atrium_errinfo *e)
{
    if (!json_is_null(v) && !json_is_array(v))
        return bad(e, key, "must be an array of strings");
    if (json_array_size(v) > max)
        return atrium_err(e, ATRIUM_EINVAL, key, "Property '%s' may have at most %zu values.", key,
                          max);
    struct atrium_strv out = {0};
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item)
    {
        const char *s = json_string_value(item);
        int r = !s      ? bad(e, key, "must be an array of strings")
                : mails ? atrium_validate_email(s, key, e)
                        : atrium_validate_name_field(s, ATRIUM_USER_PHONE_MAX, key, e);
        if (r < 0) {
            atrium_strv_release(&out);
            return r;
        }
        atrium_strv_push(&out, s);
    }
    atrium_strv_release(ret);
    *ret = out;
    return 0;
}

static int apply_attr(struct atrium_user *u, enum atrium_user_attr a, const json_t *v,
                      struct atrium_errinfo *e)
{
    const char *key = atrium_user_attrs[a].name;
    bool nullable = a != ATRIUM_USER_ATTR_MAIL_NICKNAME && a != ATRIUM_USER_ATTR_USER_TYPE;
    const char *s = NULL;
    int r = opt_string(v, key, nullable, &s, e);
    if (r == 0 && s)
        r = atrium_user_attr_validate(a, s, e);
    if (r == 0)
        set_str(&u->attrs[a], s);
    return r;
}

/* givenName, surname, jobTitle, mail: nullable strings with their rules. */
static int apply_name(char **slot, const char *key, size_t max, bool mail, const json_t *v,
                      struct atrium_errinfo *e)
{
    const char *s = NULL;
    int r = opt_string(v, key, true, &s, e);
    if (r == 0 && s)
        r = mail ? atrium_validate_email(s, key, e) : atrium_validate_name_field(s, max, key, e);
    if (r == 0)
        set_str(slot, s);
    return r;
}

static int apply_field(struct atrium_user *u, enum atrium_user_field f, const json_t *v,
                       struct atrium_user_changes *ch, struct atrium_errinfo *e)
{
    const char *key = atrium_graph_user_field_name(f);
    const char *s = NULL;
    int r = 0;
    switch (f) {
    case ATRIUM_UF_ACCOUNT_ENABLED:
        if (!json_is_boolean(v))
            return bad(e, key, "must be true or false");
        u->account_enabled = json_is_true(v);
        return 0;
    case ATRIUM_UF_DISPLAY_NAME:
    case ATRIUM_UF_UPN:
        if ((r = opt_string(v, key, false, &s, e)) == 0)
            r = f == ATRIUM_UF_UPN ? atrium_validate_upn(s, key, e)
                                   : atrium_validate_display_name(s, key, e);
        if (r == 0)
            set_str(f == ATRIUM_UF_UPN ? &u->upn : &u->display_name, s);
        return r;
    case ATRIUM_UF_GIVEN_NAME:
        return apply_name(&u->given_name, key, ATRIUM_NAME_FIELD_MAX, false, v, e);
    case ATRIUM_UF_SURNAME:
        return apply_name(&u->surname, key, ATRIUM_NAME_FIELD_MAX, false, v, e);
    case ATRIUM_UF_JOB_TITLE:
        return apply_name(&u->job_title, key, ATRIUM_JOB_TITLE_MAX, false, v, e);
    case ATRIUM_UF_MAIL:
        return apply_name(&u->mail, key, ATRIUM_EMAIL_MAX, true, v, e);
    case ATRIUM_UF_PASSWORD_PROFILE:
        return password_profile(v, ch, e);
    case ATRIUM_UF_BUSINESS_PHONES:
        return string_list(v, key, ATRIUM_USER_BUSINESS_PHONES_MAX, false, &u->business_phones, e);
    case ATRIUM_UF_OTHER_MAILS:
        return string_list(v, key, ATRIUM_USER_OTHER_MAILS_MAX, true, &u->other_mails, e);
    default:
        return apply_attr(u, (enum atrium_user_attr)(f - ATRIUM_UF_ATTR0), v, e);
    }
}

static int apply_member(struct atrium_user *u, const char *key, const json_t *v,
                        struct atrium_user_changes *ch, struct atrium_errinfo *e)
{
    if (strcmp(key, "@odata.type") == 0) {
        const char *t = json_string_value(v);
        return t && strcmp(t, "#microsoft.graph.user") == 0
                   ? 0
                   : bad(e, key, "must be \"#microsoft.graph.user\"");
    }
    for (const char *const *r = read_only; *r; r++)
        if (strcmp(*r, key) == 0)
            return atrium_err(e, ATRIUM_EINVAL, key,
                              "Property '%s' is read-only and cannot be set.", key);
    for (int f = 0; f < ATRIUM_UF__MAX; f++) {
        if (strcmp(atrium_graph_user_field_name((enum atrium_user_field)f), key) != 0)
            continue;
        ch->mask |= ATRIUM_UF_BIT(f);
        return apply_field(u, (enum atrium_user_field)f, v, ch, e);
    }
    char field[ATRIUM_ERR_FIELD_MAX];
    snprintf(field, sizeof(field), "%s", key);
    return atrium_err(e, ATRIUM_EINVAL, field, "Unknown property '%s'.", field);
}

/* The properties Graph requires on create. */
static int required(const struct atrium_user_changes *ch, struct atrium_errinfo *e)
{
    static const enum atrium_user_field needed[] = {
        ATRIUM_UF_ACCOUNT_ENABLED, ATRIUM_UF_DISPLAY_NAME,
        ATRIUM_UF_ATTR0 + ATRIUM_USER_ATTR_MAIL_NICKNAME, ATRIUM_UF_PASSWORD_PROFILE,
        ATRIUM_UF_UPN};
    for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
        const char *key = atrium_graph_user_field_name(needed[i]);
        if (!(ch->mask & ATRIUM_UF_BIT(needed[i])))
            return atrium_err(e, ATRIUM_EINVAL, key, "Property '%s' is required.", key);
    }
    if (!ch->password)
        return atrium_err(e, ATRIUM_EINVAL, "passwordProfile.password",
                          "Property 'passwordProfile.password' is required.");
    return 0;
}

int atrium_graph_user_apply(struct atrium_user *u, const json_t *body, bool create,
                            struct atrium_user_changes *ret, struct atrium_errinfo *e)
{
    const char *key;
    json_t *v;
    memset(ret, 0, sizeof(*ret));
    if (!json_is_object(body))
        return atrium_err(e, ATRIUM_EINVAL, "", "The request body must be a JSON object.");
    json_object_foreach((json_t *)body, key, v)
    {
        int r = apply_member(u, key, v, ret, e);
        if (r < 0)
            return r;
    }
    return create ? required(ret, e) : 0;
}
