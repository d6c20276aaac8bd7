/* SPDX-License-Identifier: MIT */
/*
 * Private to `atrium user import|export` (cmd_user_import.c, import_rows.c,
 * import_hash.c, cmd_user_export.c): the CSV columns (Graph property
 * names), one parsed row, temporary passwords, parallel hashing, and the
 * progress line.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "graph/directory.h"

struct atrium_csv_record;
struct atrium_pwhasher;

#define ATRIUM_IMPORT_RECORD_MAX (16u << 10) /* bytes of one CSV row */
#define ATRIUM_IMPORT_TEMP_PASSWORD_LEN 20

/* The columns, in export order. */
enum atrium_import_col {
    ATRIUM_COL_UPN,
    ATRIUM_COL_DISPLAY_NAME,
    ATRIUM_COL_GIVEN_NAME,
    ATRIUM_COL_SURNAME,
    ATRIUM_COL_MAIL,
    ATRIUM_COL_JOB_TITLE,
    ATRIUM_COL_ACCOUNT_ENABLED,
    ATRIUM_COL_FORCE_CHANGE,
    ATRIUM_COL_PASSWORD,
    ATRIUM_COL__MAX,
};

/* Graph property name of each column. */
extern const char *const atrium_import_col_names[ATRIUM_COL__MAX];

/* Where each column is in the file (-1: absent). */
struct atrium_import_header {
    int index[ATRIUM_COL__MAX];
    size_t count; /* fields per row */
};

/*
 * Map the header row: every name must be a known column (case-insensitive),
 * at most once; userPrincipalName and displayName are required. 0, or
 * ATRIUM_EINVAL with a message in e.
 */
int atrium_import_header_parse(const struct atrium_csv_record *rec,
                               struct atrium_import_header *ret, struct atrium_errinfo *e);

/* One data row as a create request. Strings are heap (the caller releases the row). */
struct atrium_import_row {
    size_t line;
    struct atrium_user_create_request req; /* members point into the strings below */
    char *fields[ATRIUM_COL__MAX];         /* NULL for absent or empty */
    bool generated;                        /* password made here (req.password is temporary) */
};

/*
 * Fill *ret from rec (same number of fields as the header; accountEnabled
 * and forceChangePasswordNextSignIn "true"/"false", empty: true and, with
 * a password, false). Without a password, a temporary one is generated and
 * forceChangePasswordNextSignIn set. ATRIUM_EINVAL naming the problem.
 */
int atrium_import_row_parse(const struct atrium_import_header *h,
                            const struct atrium_csv_record *rec, struct atrium_import_row *ret,
                            struct atrium_errinfo *e);
/* Wipe the password and free the strings. */
void atrium_import_row_release(struct atrium_import_row *row);

/*
 * Compare an existing user with a row: 0 when the stored properties are the
 * same (the password is not compared), else ATRIUM_ECONFLICT with e naming
 * the first property that differs.
 */
int atrium_import_row_compare(const struct atrium_import_row *row, const struct atrium_user *u,
                              struct atrium_errinfo *e);

/* A random temporary password of ATRIUM_IMPORT_TEMP_PASSWORD_LEN characters, every class used. */
void atrium_import_temp_password(char out[ATRIUM_IMPORT_TEMP_PASSWORD_LEN + 1]);

/* Called by the hashing pool about every 100 ms: how many hashes are done. */
typedef void (*atrium_import_progress_fn)(void *ctx, size_t done);

/*
 * Hash passwords[0..n) into hashes[0..n) on up to threads worker threads
 * (the hasher admits one hash per core). hashes[i] is NULL where hashing
 * failed; the return is the first failure (0 when all succeeded).
 */
int atrium_import_hash_all(struct atrium_pwhasher *h, unsigned threads,
                           const char *const *passwords, char **hashes, size_t n,
                           atrium_import_progress_fn progress, void *ctx);

/* The row's fields as the export writes them (borrowed from u). */
void atrium_import_user_fields(const struct atrium_user *u, const char *out[ATRIUM_COL__MAX]);
