/* SPDX-License-Identifier: MIT */
/*
 * `atrium user export --tenant T [--csv FILE]`: every user of the tenant as
 * RFC 4180 CSV with the import's header (Graph property names), without
 * passwords, streamed page by page in id order (keyset paging), so memory
 * stays bounded whatever the tenant's size. Re-importing the file leaves
 * every user unchanged. FILE is created with mode 0600 (it lists people).
 */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/user_import.h"
#include "core/csv.h"
#include "core/err.h"

#define PAGE 500

/* The export's columns: all but the password. */
#define EXPORT_COLS ATRIUM_COL_PASSWORD

static int open_out(const char *path, FILE **ret)
{
    if (!path) {
        *ret = stdout;
        return ATRIUM_EXIT_OK;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        fprintf(stderr, "error: cannot write '%s': %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return ATRIUM_EXIT_FAIL;
    }
    *ret = f;
    return ATRIUM_EXIT_OK;
}

/* Write the header and every user, page by page; *ret_count gets how many. */
static int export_all(struct atrium_store *st, const char *tenant_id, FILE *out, size_t *ret_count)
{
    char after[ATRIUM_UUID_LEN + 1] = "";
    int rc = atrium_csv_write_record(out, atrium_import_col_names, EXPORT_COLS);
    *ret_count = 0;
    while (rc == 0) {
        struct atrium_user_list page = {0};
        if ((rc = st->ops->user_list(st, tenant_id, after[0] ? after : NULL, PAGE, &page)) < 0)
            break;
        for (size_t i = 0; rc == 0 && i < page.count; i++) {
            const char *fields[ATRIUM_COL__MAX];
            atrium_import_user_fields(&page.items[i], fields);
            rc = atrium_csv_write_record(out, fields, EXPORT_COLS);
        }
        size_t n = page.count;
        *ret_count += n;
        if (n > 0)
            memcpy(after, page.items[n - 1].id, sizeof(after));
        atrium_user_list_release(&page);
        if (n < PAGE)
            break;
    }
    return rc;
}

int atrium_cmd_user_export(int argc, char **argv)
{
    struct atrium_cli_settings s = ATRIUM_CLI_SETTINGS_DEFAULT;
    const char *tenant_arg = NULL, *path = NULL;
    const struct atrium_opt opts[] = {
        ATRIUM_CLI_DATA_OPTS(s),
        {"tenant", NULL, ATRIUM_OPT_REQUIRED, &tenant_arg, 0, 0, "TENANT", "Tenant id or domain."},
        {"csv", NULL, ATRIUM_OPT_STRING, &path, 0, 0, "FILE",
         "Write to FILE (mode 0600) instead of standard output."},
        {0},
    };
    int npos = 0;
    int rc = atrium_opts_parse("atrium user export [options]", opts, argc, argv, NULL, 0, &npos);
    if (rc != ATRIUM_OPTS_OK)
        return rc == ATRIUM_OPTS_HELP ? ATRIUM_EXIT_OK : ATRIUM_EXIT_USAGE;
    struct atrium_cli_ctx ctx;
    struct atrium_tenant t = {0};
    struct atrium_errinfo e = {0};
    FILE *out = NULL;
    if ((rc = atrium_cli_open(&s, &ctx)) != ATRIUM_EXIT_OK)
        return rc;
    if (atrium_tenant_resolve(ctx.store, tenant_arg, &t, &e) < 0)
        rc = atrium_cli_fail(&e);
    else
        rc = open_out(path, &out);
    size_t count = 0;
    if (rc == ATRIUM_EXIT_OK) {
        int r = export_all(ctx.store, t.id, out, &count);
        if (fflush(out) != 0 || (out != stdout && fsync(fileno(out)) != 0))
            r = ATRIUM_EIO;
        if (r < 0) {
            atrium_err(&e, r, "", "The export failed after %zu users (%s).", count,
                       r == ATRIUM_EIO ? strerror(errno) : "the user store is unavailable");
            rc = atrium_cli_fail(&e);
        } else if (path) {
            fprintf(stderr, "%zu users exported to %s.\n", count, path);
        }
    }
    if (out && out != stdout)
        fclose(out);
    atrium_tenant_release(&t);
    atrium_cli_close(&ctx);
    return rc;
}
