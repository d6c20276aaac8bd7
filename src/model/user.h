/* SPDX-License-Identifier: MIT */
/*
 * The directory user: typed struct and field rules (userPrincipalName,
 * mail nickname). Pure: no I/O.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "core/rand.h"
#include "core/strv.h"
#include "model/user_attrs.h"

struct atrium_errinfo;

#define ATRIUM_USER_NAME_MAX 64  /* the part before '@' */
#define ATRIUM_UPN_MAX 113       /* 64 + '@' + 48, as Entra */
#define ATRIUM_NAME_FIELD_MAX 64 /* givenName, surname */
#define ATRIUM_JOB_TITLE_MAX 128

struct atrium_user {
    char id[ATRIUM_UUID_LEN + 1];
    char tenant_id[ATRIUM_UUID_LEN + 1];
    char *upn; /* as entered; compared case-insensitively */
    char *display_name;
    char *given_name; /* NULL when unset */
    char *surname;    /* NULL when unset */
    char *mail;       /* NULL when unset */
    char *job_title;  /* NULL when unset */
    bool account_enabled;
    bool force_change_password; /* passwordProfile.forceChangePasswordNextSignIn */
    char *password_hash;        /* Argon2id PHC string; NULL: no password */
    int64_t created;
    int64_t password_changed;
    /* Profile properties of the directory API (user_attrs.h). */
    char *attrs[ATRIUM_USER_ATTR__MAX]; /* NULL when unset */
    struct atrium_strv business_phones;
    struct atrium_strv other_mails;
    int64_t deleted; /* deletedDateTime (Unix seconds); 0: not deleted */
};

void atrium_user_release(struct atrium_user *u);

/*
 * The local part of a UPN (the "userName" of sign-up): 1..64 of
 * [A-Za-z0-9._-'], not starting or ending with '.', no "..".
 */
int atrium_validate_user_name(const char *name, const char *field, struct atrium_errinfo *e);
/* A whole UPN: a valid user name, '@', a valid domain name. */
int atrium_validate_upn(const char *upn, const char *field, struct atrium_errinfo *e);
/* givenName/surname/jobTitle: optional, clean UTF-8, bounded. */
int atrium_validate_name_field(const char *value, size_t max, const char *field,
                               struct atrium_errinfo *e);
