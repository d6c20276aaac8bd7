/* SPDX-License-Identifier: MIT */
/*
 * `atrium user create|list|show|set-password|import|export`: the same
 * services as the API (import and export live in cmd_user_import.c and
 * cmd_user_export.c).
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "graph/audit.h"

/* Open the data dir and resolve --tenant (id or domain) into tenant. */
static int open_tenant(const struct atrium_cli_settings *s, const char *tenant_arg,
                       struct atrium_cli_ctx *ctx, struct atrium_tenant *tenant)
{
    if (!tenant_arg) {
        fprintf(stderr, "error: --tenant TENANT (id or domain) is required.\n");
        return ATRIUM_EXIT_USAGE;
    }
    int rc = atrium_cli_open(s, ctx);
    if (rc != 0)
        return rc;
    struct atrium_errinfo e = {0};
    if (atrium_tenant_resolve(ctx->store, tenant_arg, tenant, &e) < 0) {
        atrium_cli_close(ctx);
        return atrium_cli_fail(&e);
    }
    return ATRIUM_EXIT_OK;
}

static void print_user(const struct atrium_user *u)
{
    printf("id:                  %s\nuserPrincipalName:   %s\ndisplayName:         %s\n"
           "givenName:           %s\nsurname:             %s\nmail:                %s\n"
           "jobTitle:            %s\naccountEnabled:      %s\nforceChangePassword: %s\n",
           u->id, u->upn, u->display_name, u->given_name ? u->given_name : "",
           u->surname ? u->surname : "", u->mail ? u->mail : "", u->job_title ? u->job_title : "",
           u->account_enabled ? "true" : "false", u->force_change_password ? "true" : "false");
}

static int user_create(int argc, char **argv)
{
    struct atrium_cli_settings s = ATRIUM_CLI_SETTINGS_DEFAULT;
    struct atrium_user_create_request req = {0};
    const char *tenant_arg = NULL, *password_file = NULL;
    bool password_stdin = false, disabled = false;
    const struct atrium_opt opts[] = {
        ATRIUM_CLI_DATA_OPTS(s),
        {"tenant", NULL, ATRIUM_OPT_REQUIRED, &tenant_arg, 0, 0, "TENANT", "Tenant id or domain."},
        {"upn", NULL, ATRIUM_OPT_REQUIRED, &req.user_principal_name, 0, 0, "NAME@DOMAIN",
         "userPrincipalName; the domain must be one of the tenant's."},
        {"display-name", NULL, ATRIUM_OPT_REQUIRED, &req.display_name, 0, 0, "NAME",
         "Display name."},
        {"given-name", NULL, ATRIUM_OPT_STRING, &req.given_name, 0, 0, "NAME", "Given name."},
        {"surname", NULL, ATRIUM_OPT_STRING, &req.surname, 0, 0, "NAME", "Surname."},
        {"mail", NULL, ATRIUM_OPT_STRING, &req.mail, 0, 0, "EMAIL", "Mail address."},
        {"job-title", NULL, ATRIUM_OPT_STRING, &req.job_title, 0, 0, "TITLE", "Job title."},
        {"password-file", NULL, ATRIUM_OPT_STRING, &password_file, 0, 0, "FILE",
         "Read the password from FILE."},
        {"password-stdin", NULL, ATRIUM_OPT_FLAG, &password_stdin, 0, 0, NULL,
         "Read the password from standard input."},
        {"force-change", NULL, ATRIUM_OPT_FLAG, &req.force_change_password, 0, 0, NULL,
         "Require a password change at next sign-in."},
        {"disabled", NULL, ATRIUM_OPT_FLAG, &disabled, 0, 0, NULL, "Create the account disabled."},
        ATRIUM_CLI_JSON_OPT(s),
        {0},
    };
    int npos = 0;
    int rc = atrium_opts_parse("atrium user create [options]", opts, argc, argv, NULL, 0, &npos);
    if (rc != ATRIUM_OPTS_OK)
        return rc == ATRIUM_OPTS_HELP ? ATRIUM_EXIT_OK : ATRIUM_EXIT_USAGE;
    req.account_enabled = !disabled;
    char *password = NULL;
    if ((rc = atrium_cli_read_password(password_file, password_stdin, &password)) != 0)
        return rc;
    req.password = password;
    struct atrium_cli_ctx ctx;
    struct atrium_tenant t = {0};
    if ((rc = open_tenant(&s, tenant_arg, &ctx, &t)) != 0) {
        atrium_cli_wipe(password);
        return rc;
    }
    struct atrium_errinfo e = {0};
    struct atrium_user u = {0};
    if (atrium_user_create_as(ctx.store, &ctx.directory, &atrium_audit_actor_cli, t.id, &req, &u,
                              &e) < 0)
        rc = atrium_cli_fail(&e);
    else if (s.json)
        atrium_cli_print_json(atrium_user_to_json(&u));
    else
        printf("User %s created with id %s.\n", u.upn, u.id);
    atrium_user_release(&u);
    atrium_tenant_release(&t);
    atrium_cli_close(&ctx);
    atrium_cli_wipe(password);
    return rc;
}

/* Print every user of the tenant, page by page. */
static int user_list_all(struct atrium_store *st, const char *tenant_id, bool json)
{
    json_t *all = json ? json_array() : NULL;
    char after[ATRIUM_UUID_LEN + 1] = "";
    for (;;) {
        struct atrium_user_list page = {0};
        int rc = st->ops->user_list(st, tenant_id, after[0] ? after : NULL, 500, &page);
        if (rc < 0) {
            json_decref(all);
            struct atrium_errinfo e = {0};
            atrium_err(&e, rc, "", "The user store is unavailable.");
            return atrium_cli_fail(&e);
        }
        for (size_t i = 0; i < page.count; i++) {
            const struct atrium_user *u = &page.items[i];
            if (json)
                json_array_append_new(all, atrium_user_to_json(u));
            else
                printf("%s  %-40s %s\n", u->id, u->upn, u->display_name);
        }
        size_t n = page.count;
        if (n > 0)
            memcpy(after, page.items[n - 1].id, sizeof(after));
        atrium_user_list_release(&page);
        if (n < 500)
            break;
    }
    if (json)
        atrium_cli_print_json(all);
    return ATRIUM_EXIT_OK;
}

static int user_list(int argc, char **argv)
{
    struct atrium_cli_settings s = ATRIUM_CLI_SETTINGS_DEFAULT;
    const char *tenant_arg = NULL;
    const struct atrium_opt opts[] = {
        ATRIUM_CLI_DATA_OPTS(s),
        {"tenant", NULL, ATRIUM_OPT_REQUIRED, &tenant_arg, 0, 0, "TENANT", "Tenant id or domain."},
        ATRIUM_CLI_JSON_OPT(s),
        {0},
    };
    int npos = 0;
    int rc = atrium_opts_parse("atrium user list [options]", opts, argc, argv, NULL, 0, &npos);
    if (rc != ATRIUM_OPTS_OK)
        return rc == ATRIUM_OPTS_HELP ? ATRIUM_EXIT_OK : ATRIUM_EXIT_USAGE;
    struct atrium_cli_ctx ctx;
    struct atrium_tenant t = {0};
    if ((rc = open_tenant(&s, tenant_arg, &ctx, &t)) != 0)
        return rc;
    rc = user_list_all(ctx.store, t.id, s.json);
    atrium_tenant_release(&t);
    atrium_cli_close(&ctx);
    return rc;
}

static int user_show(int argc, char **argv)
{
    struct atrium_cli_settings s = ATRIUM_CLI_SETTINGS_DEFAULT;
    const char *tenant_arg = NULL;
    const struct atrium_opt opts[] = {
        ATRIUM_CLI_DATA_OPTS(s),
        {"tenant", NULL, ATRIUM_OPT_REQUIRED, &tenant_arg, 0, 0, "TENANT", "Tenant id or domain."},
        ATRIUM_CLI_JSON_OPT(s),
        {0},
    };
    const char *pos[1];
    int npos = 0;
    const char *usage = "atrium user show [options] USER (id or userPrincipalName)";
    int rc = atrium_opts_parse(usage, opts, argc, argv, pos, 1, &npos);
    if (rc != ATRIUM_OPTS_OK)
        return rc == ATRIUM_OPTS_HELP ? ATRIUM_EXIT_OK : ATRIUM_EXIT_USAGE;
    if (npos != 1) {
        fprintf(stderr, "error: name the user. Usage: %s\n", usage);
        return ATRIUM_EXIT_USAGE;
    }
    struct atrium_cli_ctx ctx;
    struct atrium_tenant t = {0};
    if ((rc = open_tenant(&s, tenant_arg, &ctx, &t)) != 0)
        return rc;
    struct atrium_errinfo e = {0};
    struct atrium_user u = {0};
    if (atrium_user_find(ctx.store, t.id, pos[0], &u, &e) < 0)
        rc = atrium_cli_fail(&e);
    else if (s.json)
        atrium_cli_print_json(atrium_user_to_json(&u));
    else
        print_user(&u);
    atrium_user_release(&u);
    atrium_tenant_release(&t);
    atrium_cli_close(&ctx);
    return rc;
}

static int user_set_password(int argc, char **argv)
{
    struct atrium_cli_settings s = ATRIUM_CLI_SETTINGS_DEFAULT;
    const char *tenant_arg = NULL, *password_file = NULL;
    bool password_stdin = false, force_change = false;
    const struct atrium_opt opts[] = {
        ATRIUM_CLI_DATA_OPTS(s),
        {"tenant", NULL, ATRIUM_OPT_REQUIRED, &tenant_arg, 0, 0, "TENANT", "Tenant id or domain."},
        {"password-file", NULL, ATRIUM_OPT_STRING, &password_file, 0, 0, "FILE",
         "Read the new password from FILE."},
        {"password-stdin", NULL, ATRIUM_OPT_FLAG, &password_stdin, 0, 0, NULL,
         "Read the new password from standard input."},
        {"force-change", NULL, ATRIUM_OPT_FLAG, &force_change, 0, 0, NULL,
         "Require a password change at next sign-in."},
        {0},
    };
    const char *pos[1];
    int npos = 0;
    const char *usage = "atrium user set-password [options] USER (id or userPrincipalName)";
    int rc = atrium_opts_parse(usage, opts, argc, argv, pos, 1, &npos);
    if (rc != ATRIUM_OPTS_OK)
        return rc == ATRIUM_OPTS_HELP ? ATRIUM_EXIT_OK : ATRIUM_EXIT_USAGE;
    if (npos != 1) {
        fprintf(stderr, "error: name the user. Usage: %s\n", usage);
        return ATRIUM_EXIT_USAGE;
    }
    char *password = NULL;
    if ((rc = atrium_cli_read_password(password_file, password_stdin, &password)) != 0)
        return rc;
    struct atrium_cli_ctx ctx;
    struct atrium_tenant t = {0};
    if ((rc = open_tenant(&s, tenant_arg, &ctx, &t)) == 0) {
        struct atrium_errinfo e = {0};
        if (atrium_user_set_password_as(ctx.store, &ctx.directory, &atrium_audit_actor_cli, t.id,
                                        pos[0], password, force_change, &e) < 0)
            rc = atrium_cli_fail(&e);
        else
            printf("Password of %s changed.\n", pos[0]);
        atrium_tenant_release(&t);
        atrium_cli_close(&ctx);
    }
    atrium_cli_wipe(password);
    return rc;
}

int atrium_cmd_user(int argc, char **argv)
{
    static const struct atrium_cli_verb verbs[] = {
        {"create", user_create, "Create a user in a tenant."},
        {"list", user_list, "List the users of a tenant."},
        {"show", user_show, "Show one user, by id or userPrincipalName."},
        {"set-password", user_set_password, "Set a user's password."},
        {"import", atrium_cmd_user_import, "Create users in bulk from a CSV file."},
        {"export", atrium_cmd_user_export, "Write a tenant's users as CSV (no passwords)."},
        {0},
    };
    return atrium_cli_dispatch("user", verbs, argc, argv);
}
