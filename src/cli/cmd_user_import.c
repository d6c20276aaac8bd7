/* SPDX-License-Identifier: MIT */
/*
 * `atrium user import --tenant T --csv FILE`: bulk user creation from an
 * RFC 4180 CSV whose header names Graph user properties. Every row goes
 * through the API's own checks (atrium_user_create_check); rows are taken
 * in batches: checked on this thread, passwords hashed on worker threads
 * (one per core), then inserted with their "Add user" audit entries in one
 * transaction per batch. A row without a password gets a temporary one
 * (forced change) written only to --passwords-out (mode 0600), never to
 * stdout or a log. An existing user with the same properties is
 * "unchanged", so a re-run is harmless; a different one is rejected.
 * Exit 0 when every row was created or unchanged, 1 otherwise, 2 on usage.
 */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/user_import.h"
#include "core/csv.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "graph/audit.h"

#define BATCH_DEFAULT 1000
#define MAX_ROWS_DEFAULT 100000
#define REJECTIONS_SHOWN 1000 /* listed in the summary; all are counted */

struct import {
    struct atrium_cli_ctx cli;
    struct atrium_tenant tenant;
    struct atrium_audit_actor actor; /* the CLI, one correlation id for the whole run */
    char correlation[ATRIUM_UUID_LEN + 1];
    FILE *in;
    off_t in_size;
    struct atrium_csv_reader *csv;
    struct atrium_import_header header;
    FILE *pw_out; /* NULL without --passwords-out */
    bool progress;
    unsigned threads;
    size_t batch_max, max_rows;
    /* the batch */
    struct atrium_import_row *rows;
    size_t nrows;
    /* the summary */
    size_t total, created, unchanged, rejected, passwords_written;
    json_t *rejections;
    bool fatal; /* stopped early: a read, store or output failure */
};

static void reject(struct import *im, size_t line, const char *upn, const char *reason)
{
    im->rejected++;
    if (json_array_size(im->rejections) < REJECTIONS_SHOWN)
        json_array_append_new(im->rejections,
                              json_pack("{s:I, s:s?, s:s}", "row", (json_int_t)line,
                                        "userPrincipalName", upn, "reason", reason));
}

/* The progress line on stderr (terminal only): share of the file read and the counts. */
static void draw(struct import *im, size_t hashing_done, size_t hashing_total)
{
    if (!im->progress)
        return;
    off_t pos = ftello(im->in);
    int pct = im->in_size > 0 && pos > 0 ? (int)(pos * 100 / im->in_size) : 0;
    char bar[31];
    int fill = pct * 30 / 100;
    for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[30] = '\0';
    fprintf(stderr, "\r[%s] %3d%%  rows %zu  created %zu  unchanged %zu  rejected %zu", bar, pct,
            im->total, im->created, im->unchanged, im->rejected);
    if (hashing_total)
        fprintf(stderr, "  hashing %zu/%zu", hashing_done, hashing_total);
    fputs("\033[K", stderr);
    fflush(stderr);
}

static void draw_hashing(void *ctx, size_t done)
{
    struct import *im = ctx;
    draw(im, done, im->nrows);
}

/* Is upn already a row of this batch? */
static bool in_batch(const struct import *im, const char *upn)
{
    for (size_t i = 0; i < im->nrows; i++)
        if (strcasecmp(im->rows[i].req.user_principal_name, upn) == 0)
            return true;
    return false;
}

/* The tenant's user with that UPN: 0, ATRIUM_ENOTFOUND, or a store failure. */
static int find_existing(struct import *im, const char *upn, struct atrium_user *ret)
{
    return im->cli.store->ops->user_get_by_upn(im->cli.store, im->tenant.id, upn, ret);
}

/*
 * Decide one parsed row: rejected, unchanged (the user exists as given), or
 * kept in the batch for creation. Consumes row.
 */
static void take_row(struct import *im, struct atrium_import_row *row)
{
    struct atrium_errinfo e = {0};
    struct atrium_user u = {0};
    const char *upn = row->req.user_principal_name;
    int rc = in_batch(im, upn) ? atrium_err(&e, ATRIUM_ECONFLICT, "userPrincipalName",
                                            "The userPrincipalName appears twice in the file.")
                               : find_existing(im, upn, &u);
    if (rc == 0) { /* exists */
        if (atrium_import_row_compare(row, &u, &e) == 0)
            im->unchanged++;
        else
            reject(im, row->line, upn, e.message);
    } else if (rc != ATRIUM_ENOTFOUND) {
        reject(im, row->line, upn, e.message[0] ? e.message : "The user store is unavailable.");
    } else if (!row->generated || im->pw_out) {
        rc = atrium_user_create_check(im->cli.store, &im->cli.directory, im->tenant.id, &row->req,
                                      &e);
        if (rc == 0) {
            im->rows[im->nrows++] = *row;
            atrium_user_release(&u);
            return; /* the batch owns it now */
        }
        reject(im, row->line, upn, e.message);
    } else {
        reject(im, row->line, upn,
               "The row has no password and no --passwords-out file was given for a "
               "temporary one.");
    }
    atrium_user_release(&u);
    atrium_import_row_release(row);
}

/* What became of a row of the batch. */
enum row_state { ROW_PENDING, ROW_CREATED, ROW_REJECTED };

/* Insert the batch's users (hashes consumed) with their audit entries; one transaction. */
static int insert_batch(struct import *im, char **hashes, unsigned char *state)
{
    struct atrium_store *s = im->cli.store;
    int rc = atrium_store_begin(s);
    for (size_t i = 0; rc == 0 && i < im->nrows; i++) {
        struct atrium_import_row *row = &im->rows[i];
        struct atrium_errinfo e = {0};
        struct atrium_user u;
        if (!hashes[i]) {
            reject(im, row->line, row->req.user_principal_name,
                   "The password could not be processed.");
            state[i] = ROW_REJECTED;
            continue;
        }
        atrium_user_build(im->tenant.id, &row->req, hashes[i], &u);
        hashes[i] = NULL; /* consumed */
        int r = atrium_user_insert(s, im->tenant.id, &u, &e);
        if (r == ATRIUM_ECONFLICT || r == ATRIUM_EINVAL) {
            reject(im, row->line, row->req.user_principal_name, e.message);
            state[i] = ROW_REJECTED;
        } else if (r < 0) {
            rc = r;
        } else if ((rc = atrium_audit_user_added(s, &im->actor, &u)) == 0) {
            state[i] = ROW_CREATED;
        }
        atrium_user_release(&u);
    }
    if (rc == 0)
        rc = atrium_store_commit(s);
    if (rc < 0)
        atrium_store_rollback(s);
    return rc;
}

/* Append the temporary passwords of the created rows to --passwords-out, durably. */
static int write_passwords(struct import *im, const unsigned char *state)
{
    for (size_t i = 0; i < im->nrows; i++) {
        const struct atrium_import_row *row = &im->rows[i];
        if (state[i] != ROW_CREATED || !row->generated)
            continue;
        const char *fields[2] = {row->req.user_principal_name, row->req.password};
        if (atrium_csv_write_record(im->pw_out, fields, 2) < 0)
            return ATRIUM_EIO;
        im->passwords_written++;
    }
    if (fflush(im->pw_out) != 0 || fsync(fileno(im->pw_out)) != 0)
        return ATRIUM_EIO;
    return 0;
}

/* Account for a stored (rc 0) or failed batch. */
static void batch_outcome(struct import *im, int rc, const unsigned char *state)
{
    for (size_t i = 0; i < im->nrows; i++) {
        if (rc == 0 && state[i] == ROW_CREATED)
            im->created++;
        else if (state[i] != ROW_REJECTED)
            reject(im, im->rows[i].line, im->rows[i].req.user_principal_name,
                   "The batch could not be stored; none of its rows was created.");
    }
    if (rc < 0) {
        im->fatal = true;
    } else if (im->pw_out && write_passwords(im, state) < 0) {
        fprintf(stderr, "\nerror: the temporary passwords could not be written: %s\n",
                strerror(errno));
        im->fatal = true;
    }
}

/* Hash, insert and account for the rows of the batch, then empty it. */
static void flush_batch(struct import *im)
{
    size_t n = im->nrows;
    if (n == 0)
        return;
    const char **passwords = xcalloc(n, sizeof(*passwords));
    char **hashes = xcalloc(n, sizeof(*hashes));
    unsigned char *state = xcalloc(n, sizeof(*state));
    for (size_t i = 0; i < n; i++)
        passwords[i] = im->rows[i].req.password;
    atrium_import_hash_all(im->cli.hasher, im->threads, passwords, hashes, n,
                           im->progress ? draw_hashing : NULL, im);
    batch_outcome(im, insert_batch(im, hashes, state), state);
    for (size_t i = 0; i < n; i++) {
        xfree(hashes[i]);
        atrium_import_row_release(&im->rows[i]);
    }
    xfree(hashes);
    xfree(passwords);
    xfree(state);
    im->nrows = 0;
    draw(im, 0, 0);
}

/* Read the data rows, a batch at a time, to the end of the file or the first error. */
static void read_rows(struct import *im)
{
    struct atrium_csv_record rec;
    struct atrium_errinfo e = {0};
    int r;
    while (!im->fatal && (r = atrium_csv_read(im->csv, &rec, &e)) == 1) {
        if (im->total >= im->max_rows) {
            fprintf(stderr,
                    "%serror: the file has more than %zu rows (--max-rows); the rest "
                    "was not read.\n",
                    im->progress ? "\n" : "", im->max_rows);
            r = 0;
            im->fatal = true;
            break;
        }
        im->total++;
        struct atrium_import_row row;
        if (atrium_import_row_parse(&im->header, &rec, &row, &e) < 0) {
            reject(im, rec.line, row.req.user_principal_name, e.message);
            atrium_import_row_release(&row);
        } else {
            take_row(im, &row);
        }
        if (im->nrows >= im->batch_max)
            flush_batch(im);
        else if (im->total % 100 == 0)
            draw(im, 0, 0);
    }
    if (!im->fatal && r < 0) {
        fprintf(stderr, "%serror: %s The rows before it were processed.\n",
                im->progress ? "\n" : "", e.message);
        im->fatal = true;
    }
    flush_batch(im); /* what was read before a stop is still processed */
}

/*
 * Open --passwords-out for writing, mode 0600, refusing a symbolic link and
 * the input file itself; header row first.
 */
static int open_passwords(const struct import *im, const char *path, FILE **ret)
{
    struct stat in_st, out_st;
    if (fstat(fileno(im->in), &in_st) == 0 && stat(path, &out_st) == 0 &&
        in_st.st_dev == out_st.st_dev && in_st.st_ino == out_st.st_ino) {
        fprintf(stderr, "error: --passwords-out names the input file '%s'.\n", path);
        return ATRIUM_EXIT_USAGE;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 || fchmod(fd, 0600) < 0) {
        fprintf(stderr, "error: cannot write the passwords file '%s': %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return ATRIUM_EXIT_FAIL;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        return ATRIUM_EXIT_FAIL;
    }
    static const char *const header[2] = {"userPrincipalName", "password"};
    atrium_csv_write_record(f, header, 2);
    *ret = f;
    return ATRIUM_EXIT_OK;
}

/* Open the CSV and read its header row. */
static int open_csv(struct import *im, const char *path)
{
    struct stat st;
    struct atrium_errinfo e = {0};
    struct atrium_csv_record rec;
    im->in = fopen(path, "re");
    if (!im->in || fstat(fileno(im->in), &st) < 0) {
        fprintf(stderr, "error: cannot read '%s': %s\n", path, strerror(errno));
        return ATRIUM_EXIT_FAIL;
    }
    im->in_size = st.st_size;
    const struct atrium_csv_limits limits = {.max_record_bytes = ATRIUM_IMPORT_RECORD_MAX,
                                             .max_fields = 2 * ATRIUM_COL__MAX};
    im->csv = atrium_csv_reader_new(im->in, &limits);
    int r = atrium_csv_read(im->csv, &rec, &e);
    if (r == 0)
        r = atrium_err(&e, ATRIUM_EINVAL, "csv", "The file is empty: a header row is required.");
    else if (r == 1)
        r = atrium_import_header_parse(&rec, &im->header, &e);
    return r < 0 ? atrium_cli_fail(&e) : ATRIUM_EXIT_OK;
}

static void print_summary(struct import *im, const char *pw_path, bool json)
{
    if (im->progress)
        fputc('\n', stderr);
    if (json) {
        atrium_cli_print_json(
            json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:s?, s:O, s:b}", "tenantId", im->tenant.id,
                      "rows", (json_int_t)im->total, "created", (json_int_t)im->created,
                      "unchanged", (json_int_t)im->unchanged, "rejected", (json_int_t)im->rejected,
                      "passwordsWritten", (json_int_t)im->passwords_written, "passwordsFile",
                      pw_path, "rejections", im->rejections, "complete", !im->fatal));
        return;
    }
    printf("%zu rows: %zu created, %zu unchanged, %zu rejected.\n", im->total, im->created,
           im->unchanged, im->rejected);
    if (im->passwords_written)
        printf("Temporary passwords of %zu new users are in %s (change required at first "
               "sign-in).\n",
               im->passwords_written, pw_path);
    size_t i;
    json_t *r;
    json_array_foreach(im->rejections, i, r)
    {
        const char *upn = json_string_value(json_object_get(r, "userPrincipalName"));
        printf("  row %" JSON_INTEGER_FORMAT "%s%s%s: %s\n",
               json_integer_value(json_object_get(r, "row")), upn ? " (" : "", upn ? upn : "",
               upn ? ")" : "", json_string_value(json_object_get(r, "reason")));
    }
    if (im->rejected > json_array_size(im->rejections))
        printf("  ... and %zu more.\n", im->rejected - json_array_size(im->rejections));
}

static void import_close(struct import *im)
{
    for (size_t i = 0; i < im->nrows; i++)
        atrium_import_row_release(&im->rows[i]);
    xfree(im->rows);
    atrium_csv_reader_free(im->csv);
    if (im->in)
        fclose(im->in);
    if (im->pw_out)
        fclose(im->pw_out);
    json_decref(im->rejections);
    atrium_tenant_release(&im->tenant);
    atrium_cli_close(&im->cli);
}

/* Open the files, then the data dir, and resolve the tenant. */
static int import_open(struct import *im, const struct atrium_cli_settings *s,
                       const char *tenant_arg, const char *csv_path, const char *pw_path)
{
    struct atrium_errinfo e = {0};
    int rc = open_csv(im, csv_path);
    if (rc == ATRIUM_EXIT_OK && pw_path)
        rc = open_passwords(im, pw_path, &im->pw_out);
    if (rc == ATRIUM_EXIT_OK)
        rc = atrium_cli_open(s, &im->cli);
    if (rc != ATRIUM_EXIT_OK)
        return rc;
    if (atrium_tenant_resolve(im->cli.store, tenant_arg, &im->tenant, &e) < 0)
        return atrium_cli_fail(&e);
    return ATRIUM_EXIT_OK;
}

int atrium_cmd_user_import(int argc, char **argv)
{
    struct atrium_cli_settings s = ATRIUM_CLI_SETTINGS_DEFAULT;
    const char *tenant_arg = NULL, *csv_path = NULL, *pw_path = NULL;
    unsigned long batch = BATCH_DEFAULT, max_rows = MAX_ROWS_DEFAULT, threads = 0;
    const struct atrium_opt opts[] = {
        ATRIUM_CLI_DATA_OPTS(s),
        {"tenant", NULL, ATRIUM_OPT_REQUIRED, &tenant_arg, 0, 0, "TENANT", "Tenant id or domain."},
        {"csv", NULL, ATRIUM_OPT_REQUIRED, &csv_path, 0, 0, "FILE",
         "RFC 4180 CSV; the header names Graph user properties."},
        {"passwords-out", NULL, ATRIUM_OPT_STRING, &pw_path, 0, 0, "FILE",
         "Write the temporary passwords of rows without one here (mode 0600)."},
        {"batch", NULL, ATRIUM_OPT_UINT, &batch, 1, 10000, "N",
         "Rows per transaction (default 1000)."},
        {"max-rows", NULL, ATRIUM_OPT_UINT, &max_rows, 1, 10000000, "N",
         "Refuse files with more data rows (default 100000)."},
        {"threads", NULL, ATRIUM_OPT_UINT, &threads, 1, 1024, "N",
         "Password hashing threads (default and maximum: one per core)."},
        ATRIUM_CLI_JSON_OPT(s),
        {0},
    };
    int npos = 0;
    int rc = atrium_opts_parse("atrium user import [options]", opts, argc, argv, NULL, 0, &npos);
    if (rc != ATRIUM_OPTS_OK)
        return rc == ATRIUM_OPTS_HELP ? ATRIUM_EXIT_OK : ATRIUM_EXIT_USAGE;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    struct import im = {.batch_max = batch, .max_rows = max_rows, .rejections = json_array()};
    im.threads = (unsigned)(threads && (long)threads < cpus ? threads : (cpus > 0 ? cpus : 1));
    im.progress = isatty(STDERR_FILENO) != 0;
    im.rows = xcalloc(batch, sizeof(*im.rows));
    atrium_uuid_v4(im.correlation);
    im.actor = atrium_audit_actor_cli;
    im.actor.correlation_id = im.correlation;
    rc = import_open(&im, &s, tenant_arg, csv_path, pw_path);
    if (rc == ATRIUM_EXIT_OK) {
        read_rows(&im);
        print_summary(&im, pw_path, s.json);
        rc = im.rejected || im.fatal ? ATRIUM_EXIT_FAIL : ATRIUM_EXIT_OK;
    }
    import_close(&im);
    return rc;
}
