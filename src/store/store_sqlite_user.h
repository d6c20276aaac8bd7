/* SPDX-License-Identifier: MIT */
/*
 * Private to the SQLite users files (store_sqlite_user*.c): the column list
 * every users SELECT reads, its row reader, and the JSON form of string
 * collections.
 */
#pragma once

#include <sqlite3.h>

#include "core/strv.h"
#include "model/user.h"

/* In enum atrium_user_attr order. */
#define ATRIUM_SQLITE_USER_ATTR_COLUMNS                                                            \
    "mail_nickname, mobile_phone, office_location, preferred_language, department,"                \
    " usage_location, company_name, employee_id, city, country, state, street_address,"            \
    " postal_code, user_type"

#define ATRIUM_SQLITE_USER_COLUMNS                                                                 \
    "tenant_id, id, upn, display_name, given_name, surname, mail, job_title,"                      \
    " account_enabled, force_change_password, password_hash, created, "                            \
    "password_changed, " ATRIUM_SQLITE_USER_ATTR_COLUMNS ", business_phones, other_mails, deleted"

/* The column of each attribute, in enum atrium_user_attr order. */
extern const char *const atrium_sqlite_user_attr_columns[ATRIUM_USER_ATTR__MAX];

/* Read the current row (ATRIUM_SQLITE_USER_COLUMNS) into *u (zeroed first). */
void atrium_sqlite_user_read(sqlite3_stmt *st, struct atrium_user *u);

/* ["a","b"] for a non-empty v (heap), NULL for an empty one. */
char *atrium_sqlite_strv_encode(const struct atrium_strv *v);
/* The strings of a JSON array (NULL or malformed: none) appended to *ret. */
void atrium_sqlite_strv_decode(const char *json, struct atrium_strv *ret);
