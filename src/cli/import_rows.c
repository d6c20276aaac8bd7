/* SPDX-License-Identifier: MIT */
/*
 * The rows of `atrium user import`: the header (Graph property names), a
 * data row into a create request, the comparison with an existing user
 * (for idempotent re-runs), temporary passwords; see user_import.h.
 */
#include "cli/user_import.h"

#include <string.h>
#include <strings.h>

#include "core/csv.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"

const char *const atrium_import_col_names[ATRIUM_COL__MAX] = {
    [ATRIUM_COL_UPN] = "userPrincipalName",
    [ATRIUM_COL_DISPLAY_NAME] = "displayName",
    [ATRIUM_COL_GIVEN_NAME] = "givenName",
    [ATRIUM_COL_SURNAME] = "surname",
    [ATRIUM_COL_MAIL] = "mail",
    [ATRIUM_COL_JOB_TITLE] = "jobTitle",
    [ATRIUM_COL_ACCOUNT_ENABLED] = "accountEnabled",
    [ATRIUM_COL_FORCE_CHANGE] = "forceChangePasswordNextSignIn",
    [ATRIUM_COL_PASSWORD] = "password",
};

int atrium_import_header_parse(const struct atrium_csv_record *rec,
                               struct atrium_import_header *ret, struct atrium_errinfo *e)
{
    struct atrium_import_header h = {.count = rec->count};
    for (int c = 0; c < ATRIUM_COL__MAX; c++)
        h.index[c] = -1;
    for (size_t i = 0; i < rec->count; i++) {
        int c = 0;
        while (c < ATRIUM_COL__MAX && strcasecmp(rec->fields[i], atrium_import_col_names[c]) != 0)
            c++;
        if (c == ATRIUM_COL__MAX)
            return atrium_err(e, ATRIUM_EINVAL, "csv",
                              "Line %zu: unknown column '%.64s'; the header names Graph user "
                              "properties (userPrincipalName, displayName, givenName, surname, "
                              "mail, jobTitle, accountEnabled, password, "
                              "forceChangePasswordNextSignIn).",
                              rec->line, rec->fields[i]);
        if (h.index[c] >= 0)
            return atrium_err(e, ATRIUM_EINVAL, "csv", "Line %zu: column '%s' appears twice.",
                              rec->line, atrium_import_col_names[c]);
        h.index[c] = (int)i;
    }
    if (h.index[ATRIUM_COL_UPN] < 0 || h.index[ATRIUM_COL_DISPLAY_NAME] < 0)
        return atrium_err(e, ATRIUM_EINVAL, "csv",
                          "Line %zu: the header must name the columns userPrincipalName and "
                          "displayName.",
                          rec->line);
    *ret = h;
    return 0;
}

/* "true"/"false" (any case); empty or absent: dflt. */
static int parse_bool(const char *v, bool dflt, const char *name, bool *ret,
                      struct atrium_errinfo *e)
{
    if (!v)
        *ret = dflt;
    else if (strcasecmp(v, "true") == 0)
        *ret = true;
    else if (strcasecmp(v, "false") == 0)
        *ret = false;
    else
        return atrium_err(e, ATRIUM_EINVAL, name, "%s must be true or false, not '%.32s'.", name,
                          v);
    return 0;
}

/* A uniform random index below n (n <= 256), drawing bytes from pool (refilled as needed). */
static size_t pick(unsigned char *pool, size_t *used, size_t size, size_t n)
{
    for (;;) {
        if (*used == size) {
            atrium_random_bytes(pool, size);
            *used = 0;
        }
        unsigned char b = pool[(*used)++];
        if (b < 256 - 256 % n) /* rejection sampling: no modulo bias */
            return b % n;
    }
}

void atrium_import_temp_password(char out[ATRIUM_IMPORT_TEMP_PASSWORD_LEN + 1])
{
    /* No look-alikes (0/O, 1/l/I), no comma or quote; four classes. */
    static const char *const classes[] = {"ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz",
                                          "23456789", "!#%+-=?@^_"};
    static const char all[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%+-=?@^_";
    unsigned char pool[64];
    size_t used = sizeof(pool);
    for (size_t i = 0; i < ATRIUM_IMPORT_TEMP_PASSWORD_LEN; i++) {
        const char *set = i < 4 ? classes[i] : all;
        out[i] = set[pick(pool, &used, sizeof(pool), strlen(set))];
    }
    /* Shuffle so the four class characters are not always first (Fisher-Yates). */
    for (size_t i = ATRIUM_IMPORT_TEMP_PASSWORD_LEN - 1; i > 0; i--) {
        size_t j = pick(pool, &used, sizeof(pool), i + 1);
        char t = out[i];
        out[i] = out[j];
        out[j] = t;
    }
    out[ATRIUM_IMPORT_TEMP_PASSWORD_LEN] = '\0';
    explicit_bzero(pool, sizeof(pool));
}

/* The password and the flags of a row: given, or a temporary one to change at sign-in. */
static int row_password(struct atrium_import_row *row, struct atrium_errinfo *e)
{
    struct atrium_user_create_request *r = &row->req;
    int rc = parse_bool(row->fields[ATRIUM_COL_ACCOUNT_ENABLED], true, "accountEnabled",
                        &r->account_enabled, e);
    if (rc == 0)
        rc = parse_bool(row->fields[ATRIUM_COL_FORCE_CHANGE], false,
                        "forceChangePasswordNextSignIn", &r->force_change_password, e);
    if (rc < 0)
        return rc;
    if (!row->fields[ATRIUM_COL_PASSWORD]) {
        row->fields[ATRIUM_COL_PASSWORD] = xmalloc(ATRIUM_IMPORT_TEMP_PASSWORD_LEN + 1);
        atrium_import_temp_password(row->fields[ATRIUM_COL_PASSWORD]);
        row->generated = true;
        r->force_change_password = true; /* a temporary password is changed at first sign-in */
    }
    r->password = row->fields[ATRIUM_COL_PASSWORD];
    return 0;
}

int atrium_import_row_parse(const struct atrium_import_header *h,
                            const struct atrium_csv_record *rec, struct atrium_import_row *ret,
                            struct atrium_errinfo *e)
{
    struct atrium_import_row row = {.line = rec->line};
    if (rec->count != h->count) {
        *ret = row;
        return atrium_err(e, ATRIUM_EINVAL, "csv", "The row has %zu fields; the header has %zu.",
                          rec->count, h->count);
    }
    for (int c = 0; c < ATRIUM_COL__MAX; c++)
        if (h->index[c] >= 0 && rec->fields[h->index[c]][0])
            row.fields[c] = xstrdup(rec->fields[h->index[c]]);
    row.req.user_principal_name = row.fields[ATRIUM_COL_UPN];
    row.req.display_name = row.fields[ATRIUM_COL_DISPLAY_NAME];
    row.req.given_name = row.fields[ATRIUM_COL_GIVEN_NAME];
    row.req.surname = row.fields[ATRIUM_COL_SURNAME];
    row.req.mail = row.fields[ATRIUM_COL_MAIL];
    row.req.job_title = row.fields[ATRIUM_COL_JOB_TITLE];
    int rc = row.req.user_principal_name ? 0
                                         : atrium_err(e, ATRIUM_EINVAL, "userPrincipalName",
                                                      "userPrincipalName is required.");
    if (rc == 0 && !row.req.display_name)
        rc = atrium_err(e, ATRIUM_EINVAL, "displayName", "displayName is required.");
    if (rc == 0)
        rc = row_password(&row, e);
    *ret = row; /* released by the caller either way */
    return rc;
}

void atrium_import_row_release(struct atrium_import_row *row)
{
    char *pw = row->fields[ATRIUM_COL_PASSWORD];
    if (pw)
        explicit_bzero(pw, strlen(pw));
    for (int c = 0; c < ATRIUM_COL__MAX; c++)
        xfree(row->fields[c]);
    memset(row, 0, sizeof(*row));
}

/* NULL and "" are the same absent value. */
static bool same(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

int atrium_import_row_compare(const struct atrium_import_row *row, const struct atrium_user *u,
                              struct atrium_errinfo *e)
{
    const char *differs = NULL;
    if (!same(row->req.display_name, u->display_name))
        differs = "displayName";
    else if (!same(row->req.given_name, u->given_name))
        differs = "givenName";
    else if (!same(row->req.surname, u->surname))
        differs = "surname";
    else if (!same(row->req.mail, u->mail))
        differs = "mail";
    else if (!same(row->req.job_title, u->job_title))
        differs = "jobTitle";
    else if (row->req.account_enabled != u->account_enabled)
        differs = "accountEnabled";
    if (!differs)
        return 0;
    return atrium_err(e, ATRIUM_ECONFLICT, differs,
                      "The user exists with a different %s; it was not changed.", differs);
}

void atrium_import_user_fields(const struct atrium_user *u, const char *out[ATRIUM_COL__MAX])
{
    out[ATRIUM_COL_UPN] = u->upn;
    out[ATRIUM_COL_DISPLAY_NAME] = u->display_name;
    out[ATRIUM_COL_GIVEN_NAME] = u->given_name;
    out[ATRIUM_COL_SURNAME] = u->surname;
    out[ATRIUM_COL_MAIL] = u->mail;
    out[ATRIUM_COL_JOB_TITLE] = u->job_title;
    out[ATRIUM_COL_ACCOUNT_ENABLED] = u->account_enabled ? "true" : "false";
    out[ATRIUM_COL_FORCE_CHANGE] = u->force_change_password ? "true" : "false";
    out[ATRIUM_COL_PASSWORD] = NULL; /* never exported */
}
