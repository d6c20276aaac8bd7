/* SPDX-License-Identifier: MIT */
/*
 * The optional profile properties of a directory user (mailNickname,
 * mobilePhone, department, ...) as one table, so the model, the store and
 * the directory API treat them uniformly, and the property ids a directory
 * query ($filter, $orderby, $search) can name. Pure: no I/O.
 */
#pragma once

#include <stddef.h>

struct atrium_errinfo;

/* Single-valued optional string properties, stored in struct atrium_user.attrs[]. */
enum atrium_user_attr {
    ATRIUM_USER_ATTR_MAIL_NICKNAME,
    ATRIUM_USER_ATTR_MOBILE_PHONE,
    ATRIUM_USER_ATTR_OFFICE_LOCATION,
    ATRIUM_USER_ATTR_PREFERRED_LANGUAGE,
    ATRIUM_USER_ATTR_DEPARTMENT,
    ATRIUM_USER_ATTR_USAGE_LOCATION,
    ATRIUM_USER_ATTR_COMPANY_NAME,
    ATRIUM_USER_ATTR_EMPLOYEE_ID,
    ATRIUM_USER_ATTR_CITY,
    ATRIUM_USER_ATTR_COUNTRY,
    ATRIUM_USER_ATTR_STATE,
    ATRIUM_USER_ATTR_STREET_ADDRESS,
    ATRIUM_USER_ATTR_POSTAL_CODE,
    ATRIUM_USER_ATTR_USER_TYPE,
    ATRIUM_USER_ATTR__MAX,
};

enum atrium_user_attr_rule {
    ATRIUM_USER_RULE_TEXT,          /* clean UTF-8, no control characters, max_len */
    ATRIUM_USER_RULE_MAIL_NICKNAME, /* ASCII, no space or @()\[]";:<>, */
    ATRIUM_USER_RULE_LANGUAGE,      /* "en", "en-US" */
    ATRIUM_USER_RULE_COUNTRY_CODE,  /* ISO 3166-1 alpha-2 */
    ATRIUM_USER_RULE_USER_TYPE,     /* "Member" or "Guest" */
};

struct atrium_user_attr_def {
    const char *name; /* the directory API's property name */
    size_t max_len;   /* characters */
    enum atrium_user_attr_rule rule;
};

extern const struct atrium_user_attr_def atrium_user_attrs[ATRIUM_USER_ATTR__MAX];

#define ATRIUM_USER_BUSINESS_PHONES_MAX 1 /* as Entra: one number */
#define ATRIUM_USER_OTHER_MAILS_MAX 20
#define ATRIUM_USER_PHONE_MAX 64
#define ATRIUM_USER_TYPE_MEMBER "Member"
#define ATRIUM_USER_TYPE_GUEST "Guest"

/* Validate value (non-NULL) for attribute a; ATRIUM_EINVAL naming the property. */
int atrium_user_attr_validate(enum atrium_user_attr a, const char *value, struct atrium_errinfo *e);
/* A mailNickname rule check (used for derived values too). */
int atrium_validate_mail_nickname(const char *value, const char *field, struct atrium_errinfo *e);

/*
 * What a directory query may name about a user: the ids a filter AST
 * (model/query.h) and an ordering carry for users. Attributes follow
 * ATRIUM_UPROP_ATTR0 in enum atrium_user_attr order.
 */
enum atrium_user_prop {
    ATRIUM_UPROP_ID,
    ATRIUM_UPROP_UPN,
    ATRIUM_UPROP_DISPLAY_NAME,
    ATRIUM_UPROP_GIVEN_NAME,
    ATRIUM_UPROP_SURNAME,
    ATRIUM_UPROP_MAIL,
    ATRIUM_UPROP_JOB_TITLE,
    ATRIUM_UPROP_ACCOUNT_ENABLED,
    ATRIUM_UPROP_CREATED,
    ATRIUM_UPROP_DELETED,
    ATRIUM_UPROP_BUSINESS_PHONES,
    ATRIUM_UPROP_OTHER_MAILS,
    ATRIUM_UPROP_PROXY_ADDRESSES,
    ATRIUM_UPROP_ATTR0,
    ATRIUM_UPROP__MAX = ATRIUM_UPROP_ATTR0 + ATRIUM_USER_ATTR__MAX,
};
