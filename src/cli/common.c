/* SPDX-License-Identifier: MIT */
/* Shared plumbing of the admin subcommands; see cli.h. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "crypto/pwhash.h"

int atrium_cli_ensure_data_dir(const char *dir, struct atrium_errinfo *e)
{
    if (!dir || !*dir)
        return atrium_err(e, ATRIUM_EINVAL, "data",
                          "No data directory: pass --data DIR or set ATRIUM_DATA.");
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return atrium_err(e, ATRIUM_EIO, "data", "Cannot create data directory '%s': %s", dir,
                          strerror(errno));
    struct stat st;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
        return atrium_err(e, ATRIUM_EIO, "data", "'%s' is not a directory.", dir);
    return 0;
}

char *atrium_cli_store_uri(const char *dir)
{
    return xasprintf("sqlite:%s/atrium.db", dir);
}

int atrium_cli_open(const struct atrium_cli_settings *s, struct atrium_cli_ctx *ret)
{
    struct atrium_errinfo e = {0};
    memset(ret, 0, sizeof(*ret));
    if (atrium_cli_ensure_data_dir(s->data_dir, &e) < 0)
        return atrium_cli_fail(&e);
    char *uri = atrium_cli_store_uri(s->data_dir);
    int rc = atrium_store_open(uri, &ret->store, &e);
    free(uri);
    int version = 0;
    if (rc == 0 && (rc = atrium_store_migrate(ret->store, &version)) < 0)
        atrium_err(&e, rc, "", "The store could not be migrated (%s).", atrium_err_name(rc));
    struct atrium_pwhash_params p = ATRIUM_PWHASH_PARAMS_DEFAULT;
    p.memory_kib = (uint32_t)s->argon2_memory_kib;
    p.iterations = (uint32_t)s->argon2_iterations;
    if (rc == 0 && (rc = atrium_pwhasher_new(&p, &ret->hasher)) < 0)
        atrium_err(&e, rc, "", "The password hasher could not be set up.");
    if (rc < 0) {
        atrium_cli_close(ret);
        return atrium_cli_fail(&e);
    }
    ret->directory.initial_domain_suffix = s->initial_domain_suffix;
    ret->directory.password_policy = (struct atrium_password_policy)ATRIUM_PASSWORD_POLICY_DEFAULT;
    ret->directory.hasher = ret->hasher;
    return ATRIUM_EXIT_OK;
}

void atrium_cli_close(struct atrium_cli_ctx *ctx)
{
    atrium_store_close(ctx->store);
    atrium_pwhasher_free(ctx->hasher);
    memset(ctx, 0, sizeof(*ctx));
}

int atrium_cli_fail(const struct atrium_errinfo *e)
{
    fprintf(stderr, "error: %s\n", e && e->message[0] ? e->message : "operation failed");
    return ATRIUM_EXIT_FAIL;
}

void atrium_cli_print_json(json_t *value)
{
    char *text = json_dumps(value, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (text)
        printf("%s\n", text);
    free(text);
    json_decref(value);
}

int atrium_cli_dispatch(const char *noun, const struct atrium_cli_verb *verbs, int argc,
                        char **argv)
{
    const char *verb = argc > 1 ? argv[1] : NULL;
    bool help = verb && (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0);
    for (const struct atrium_cli_verb *v = verbs; verb && !help && v->name; v++)
        if (strcmp(v->name, verb) == 0)
            return v->run(argc - 1, argv + 1);
    FILE *out = help ? stdout : stderr;
    if (verb && !help)
        fprintf(stderr, "error: unknown command 'atrium %s %s'.\n", noun, verb);
    fprintf(out, "Usage: atrium %s <command> [options]\n\nCommands:\n", noun);
    for (const struct atrium_cli_verb *v = verbs; v->name; v++)
        fprintf(out, "  %-14s %s\n", v->name, v->summary);
    fprintf(out, "\nRun 'atrium %s <command> --help' for its options.\n", noun);
    return help ? ATRIUM_EXIT_OK : ATRIUM_EXIT_USAGE;
}
