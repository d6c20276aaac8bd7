/* SPDX-License-Identifier: MIT */
/*
 * `atrium key rotate|list`: token signing keys. Rotation adds a new active
 * key; the previous one stays published in the JWKS for a grace period so
 * tokens it signed keep validating. A running server picks the new key up
 * from the store within its refresh interval (serve --key-refresh-seconds).
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "crypto/masterkey.h"
#include "oauth/oauth.h"

static int key_rotate(int argc, char **argv)
{
    struct atrium_cli_settings s = ATRIUM_CLI_SETTINGS_DEFAULT;
    unsigned long grace_days = 14;
    const struct atrium_opt opts[] = {
        ATRIUM_CLI_DATA_OPTS(s),
        {"grace-days", NULL, ATRIUM_OPT_UINT, &grace_days, 0, 365, "DAYS",
         "Keep the previous key published this long (default 14)."},
        ATRIUM_CLI_JSON_OPT(s),
        {0},
    };
    int npos = 0;
    int rc = atrium_opts_parse("atrium key rotate [options]", opts, argc, argv, NULL, 0, &npos);
    if (rc != ATRIUM_OPTS_OK)
        return rc == ATRIUM_OPTS_HELP ? ATRIUM_EXIT_OK : ATRIUM_EXIT_USAGE;
    struct atrium_cli_ctx ctx;
    if ((rc = atrium_cli_open(&s, &ctx)) != 0)
        return rc;
    struct atrium_errinfo e = {0};
    struct atrium_masterkey *mk = NULL;
    char *kid = NULL;
    if (atrium_masterkey_load(s.data_dir, &mk, &e) < 0 ||
        atrium_oauth_keys_rotate(ctx.store, mk, (int64_t)grace_days * 86400, &kid, &e) < 0)
        rc = atrium_cli_fail(&e);
    else if (s.json)
        atrium_cli_print_json(
            json_pack("{s:s, s:I}", "kid", kid, "graceDays", (json_int_t)grace_days));
    else
        printf("New signing key %s is active; the previous key stays published for %lu days.\n"
               "A running server signs with it within its key refresh interval "
               "(--key-refresh-seconds, default 60).\n",
               kid, grace_days);
    free(kid);
    atrium_masterkey_free(mk);
    atrium_cli_close(&ctx);
    return rc;
}

static int key_list(int argc, char **argv)
{
    struct atrium_cli_settings s = ATRIUM_CLI_SETTINGS_DEFAULT;
    const struct atrium_opt opts[] = {ATRIUM_CLI_DATA_OPTS(s), ATRIUM_CLI_JSON_OPT(s), {0}};
    int npos = 0;
    int rc = atrium_opts_parse("atrium key list [options]", opts, argc, argv, NULL, 0, &npos);
    if (rc != ATRIUM_OPTS_OK)
        return rc == ATRIUM_OPTS_HELP ? ATRIUM_EXIT_OK : ATRIUM_EXIT_USAGE;
    struct atrium_cli_ctx ctx;
    if ((rc = atrium_cli_open(&s, &ctx)) != 0)
        return rc;
    struct atrium_signing_key_list keys = {0};
    if (ctx.store->oauth->signing_key_list(ctx.store, atrium_now(), &keys) < 0) {
        struct atrium_errinfo e = {0};
        atrium_err(&e, ATRIUM_ESTORE, "", "The key store is unavailable.");
        rc = atrium_cli_fail(&e);
    }
    json_t *all = json_array();
    for (size_t i = 0; rc == 0 && i < keys.count; i++) {
        const struct atrium_signing_key_record *k = &keys.items[i];
        char created[ATRIUM_ISO8601_LEN + 1], until[ATRIUM_ISO8601_LEN + 1] = "";
        atrium_iso8601(k->created, created);
        if (k->not_after)
            atrium_iso8601(k->not_after, until);
        if (s.json)
            json_array_append_new(all, json_pack("{s:s, s:b, s:s, s:s?}", "kid", k->kid, "active",
                                                 k->active, "created", created, "publishedUntil",
                                                 k->not_after ? until : NULL));
        else
            printf("%s  %-8s created %s%s%s\n", k->kid, k->active ? "active" : "retiring", created,
                   k->not_after ? ", published until " : "", until);
    }
    if (rc == 0 && s.json)
        atrium_cli_print_json(json_incref(all));
    json_decref(all);
    atrium_signing_key_list_release(&keys);
    atrium_cli_close(&ctx);
    return rc;
}

int atrium_cmd_key(int argc, char **argv)
{
    static const struct atrium_cli_verb verbs[] = {
        {"rotate", key_rotate, "Create a new signing key; keep the previous one published."},
        {"list", key_list, "List the published signing keys."},
        {0},
    };
    return atrium_cli_dispatch("key", verbs, argc, argv);
}
