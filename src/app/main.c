/* SPDX-License-Identifier: MIT */
/* The `atrium` binary: one table of subcommands (`serve` and the admin nouns). */
#include <stdio.h>
#include <string.h>

#include "app/serve.h"
#include "cli/cli.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"serve", atrium_cmd_serve, "Run the HTTPS server."},
    {"tenant", atrium_cmd_tenant, "Create, list and show tenants."},
    {"user", atrium_cmd_user, "Create, list, show, import and export users; set passwords."},
    {"key", atrium_cmd_key, "Rotate and list token signing keys."},
    {"migrate", atrium_cmd_migrate, "Apply pending store migrations."},
    {0},
};

static int usage(FILE *out, int code)
{
    fprintf(out, "Usage: atrium <command> [options]\n\nCommands:\n");
    for (const struct command *c = commands; c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->summary);
    fprintf(out, "\nRun 'atrium <command> --help' for details. 'atrium --version' prints the "
                 "version.\n");
    return code;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr, ATRIUM_EXIT_USAGE);
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("atrium %s\n", ATRIUM_VERSION);
        return ATRIUM_EXIT_OK;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0)
        return usage(stdout, ATRIUM_EXIT_OK);
    for (const struct command *c = commands; c->name; c++)
        if (strcmp(c->name, argv[1]) == 0)
            return c->run(argc - 1, argv + 1);
    fprintf(stderr, "error: unknown command '%s'.\n", argv[1]);
    return usage(stderr, ATRIUM_EXIT_USAGE);
}
