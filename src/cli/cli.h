/* SPDX-License-Identifier: MIT */
/*
 * What the admin subcommands share: the data directory and its store, the
 * directory-service settings (from options and ATRIUM_* variables), password
 * input that never comes from argv, and output helpers. Exit codes: 0 ok,
 * 1 failure, 2 usage.
 */
#pragma once

#include <stdbool.h>

#include <jansson.h>

#include "cli/opts.h"
#include "graph/directory.h"

struct atrium_errinfo;

enum { ATRIUM_EXIT_OK = 0, ATRIUM_EXIT_FAIL = 1, ATRIUM_EXIT_USAGE = 2 };

/* Settings common to the server and the admin commands. */
struct atrium_cli_settings {
    const char *data_dir;
    const char *initial_domain_suffix;
    unsigned long argon2_memory_kib;
    unsigned long argon2_iterations;
    bool json;
};

#define ATRIUM_CLI_SETTINGS_DEFAULT                                                                \
    {                                                                                              \
        .data_dir = NULL, .initial_domain_suffix = ATRIUM_DEFAULT_DOMAIN_SUFFIX,                   \
        .argon2_memory_kib = 19456, .argon2_iterations = 2, .json = false                          \
    }

/* Option-table entries for the settings above (s is a struct atrium_cli_settings). */
#define ATRIUM_CLI_DATA_OPTS(s)                                                                    \
    {"data",                                                                                       \
     "ATRIUM_DATA",                                                                                \
     ATRIUM_OPT_STRING,                                                                            \
     &(s).data_dir,                                                                                \
     0,                                                                                            \
     0,                                                                                            \
     "DIR",                                                                                        \
     "Data directory (store, keys, dev TLS)."},                                                    \
        {"initial-domain-suffix",                                                                  \
         "ATRIUM_INITIAL_DOMAIN_SUFFIX",                                                           \
         ATRIUM_OPT_STRING,                                                                        \
         &(s).initial_domain_suffix,                                                               \
         0,                                                                                        \
         0,                                                                                        \
         "SUFFIX",                                                                                 \
         "Suffix of initial domains <prefix>.<suffix>."},                                          \
        {"argon2-memory",                                                                          \
         "ATRIUM_ARGON2_MEMORY",                                                                   \
         ATRIUM_OPT_UINT,                                                                          \
         &(s).argon2_memory_kib,                                                                   \
         1024,                                                                                     \
         4194304,                                                                                  \
         "KIB",                                                                                    \
         "Argon2id memory cost in KiB (default 19456)."},                                          \
    {                                                                                              \
        "argon2-iterations", "ATRIUM_ARGON2_ITERATIONS", ATRIUM_OPT_UINT, &(s).argon2_iterations,  \
            1, 64, "N", "Argon2id time cost (default 2)."                                          \
    }

#define ATRIUM_CLI_JSON_OPT(s)                                                                     \
    {                                                                                              \
        "json", NULL, ATRIUM_OPT_FLAG, &(s).json, 0, 0, NULL, "Print JSON for scripts."            \
    }

/* An open data directory: store handle, hasher, directory config. */
struct atrium_cli_ctx {
    struct atrium_store *store;
    struct atrium_pwhasher *hasher;
    struct atrium_directory_config directory;
};

/* Create the data dir if missing (0700), open and migrate its store. Prints errors. */
int atrium_cli_open(const struct atrium_cli_settings *s, struct atrium_cli_ctx *ret);
void atrium_cli_close(struct atrium_cli_ctx *ctx);

/* Make the data dir if missing (mode 0700); ATRIUM_EIO with a message otherwise. */
int atrium_cli_ensure_data_dir(const char *dir, struct atrium_errinfo *e);
/* "sqlite:<dir>/atrium.db" (caller owns). */
char *atrium_cli_store_uri(const char *dir);

/*
 * Read a password from file (first line), from stdin (first line) or, when
 * both are unset and stdin is a terminal, from a prompt without echo, asked
 * twice. Caller owns *ret and should wipe it. Prints errors; returns an exit code.
 */
int atrium_cli_read_password(const char *file, bool from_stdin, char **ret);
/* Zero and free a secret string. */
void atrium_cli_wipe(char *secret);

/* Print "error: <message>" on stderr and return ATRIUM_EXIT_FAIL. */
int atrium_cli_fail(const struct atrium_errinfo *e);
/* Print a JSON value (consumed) on stdout, indented. */
void atrium_cli_print_json(json_t *value);

/* Subcommand entry points (argv[0] is the noun). */
int atrium_cmd_tenant(int argc, char **argv);
int atrium_cmd_user(int argc, char **argv);
/* cmd_user_import.c, cmd_user_export.c: `atrium user import|export` (argv[0] is the verb). */
int atrium_cmd_user_import(int argc, char **argv);
int atrium_cmd_user_export(int argc, char **argv);
int atrium_cmd_migrate(int argc, char **argv);
int atrium_cmd_key(int argc, char **argv);

/* Dispatch argv[1] to a verb of table; prints the verb list on --help or error. */
struct atrium_cli_verb {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};
int atrium_cli_dispatch(const char *noun, const struct atrium_cli_verb *verbs, int argc,
                        char **argv);
