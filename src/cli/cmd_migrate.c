/* SPDX-License-Identifier: MIT */
/* `atrium migrate`: apply pending store migrations and print the schema version. */
#include "cli/cli.h"

#include <stdio.h>

#include "core/err.h"
#include "core/xalloc.h"

int atrium_cmd_migrate(int argc, char **argv)
{
    struct atrium_cli_settings s = ATRIUM_CLI_SETTINGS_DEFAULT;
    const struct atrium_opt opts[] = {
        {"data", "ATRIUM_DATA", ATRIUM_OPT_STRING, &s.data_dir, 0, 0, "DIR", "Data directory."},
        {0},
    };
    int npos = 0;
    int rc = atrium_opts_parse("atrium migrate [options]", opts, argc, argv, NULL, 0, &npos);
    if (rc != ATRIUM_OPTS_OK)
        return rc == ATRIUM_OPTS_HELP ? ATRIUM_EXIT_OK : ATRIUM_EXIT_USAGE;
    struct atrium_errinfo e = {0};
    if (atrium_cli_ensure_data_dir(s.data_dir, &e) < 0)
        return atrium_cli_fail(&e);
    char *uri = atrium_cli_store_uri(s.data_dir);
    struct atrium_store *st = NULL;
    rc = atrium_store_open(uri, &st, &e);
    free(uri);
    if (rc < 0)
        return atrium_cli_fail(&e);
    int version = 0;
    rc = atrium_store_migrate(st, &version);
    atrium_store_close(st);
    if (rc < 0) {
        atrium_err(&e, rc, "", "Migration failed (%s).", atrium_err_name(rc));
        return atrium_cli_fail(&e);
    }
    printf("Schema version %d.\n", version);
    return ATRIUM_EXIT_OK;
}
