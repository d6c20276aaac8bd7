/* SPDX-License-Identifier: MIT */
/* `atrium tenant create|list|show`: the same services as the sign-up API. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "graph/audit.h"

static int tenant_create(int argc, char **argv)
{
    struct atrium_cli_settings s = ATRIUM_CLI_SETTINGS_DEFAULT;
    struct atrium_signup_request req = {0};
    const char *password_file = NULL;
    bool password_stdin = false;
    const struct atrium_opt opts[] = {
        ATRIUM_CLI_DATA_OPTS(s),
        {"display-name", NULL, ATRIUM_OPT_REQUIRED, &req.display_name, 0, 0, "NAME",
         "Organization name."},
        {"prefix", NULL, ATRIUM_OPT_REQUIRED, &req.domain_prefix, 0, 0, "PREFIX",
         "Initial domain prefix (1-27 lowercase letters and digits)."},
        {"country", NULL, ATRIUM_OPT_REQUIRED, &req.country, 0, 0, "CC",
         "ISO 3166-1 alpha-2 country code."},
        {"contact-email", NULL, ATRIUM_OPT_REQUIRED, &req.contact_email, 0, 0, "EMAIL",
         "Technical contact email."},
        {"admin-user", NULL, ATRIUM_OPT_REQUIRED, &req.admin_user_name, 0, 0, "NAME",
         "First administrator's user name (before the @)."},
        {"admin-given-name", NULL, ATRIUM_OPT_REQUIRED, &req.admin_given_name, 0, 0, "NAME",
         "First administrator's given name."},
        {"admin-surname", NULL, ATRIUM_OPT_REQUIRED, &req.admin_surname, 0, 0, "NAME",
         "First administrator's surname."},
        {"password-file", NULL, ATRIUM_OPT_STRING, &password_file, 0, 0, "FILE",
         "Read the administrator's password from FILE."},
        {"password-stdin", NULL, ATRIUM_OPT_FLAG, &password_stdin, 0, 0, NULL,
         "Read the administrator's password from standard input."},
        ATRIUM_CLI_JSON_OPT(s),
        {0},
    };
    int npos = 0;
    int rc = atrium_opts_parse("atrium tenant create [options]", opts, argc, argv, NULL, 0, &npos);
    if (rc != ATRIUM_OPTS_OK)
        return rc == ATRIUM_OPTS_HELP ? ATRIUM_EXIT_OK : ATRIUM_EXIT_USAGE;
    char *password = NULL;
    if ((rc = atrium_cli_read_password(password_file, password_stdin, &password)) != 0)
        return rc;
    req.admin_password = password;

    struct atrium_cli_ctx ctx;
    if ((rc = atrium_cli_open(&s, &ctx)) != 0) {
        atrium_cli_wipe(password);
        return rc;
    }
    struct atrium_errinfo e = {0};
    struct atrium_signup_result r = {0};
    if (atrium_tenant_signup_as(ctx.store, &ctx.directory, &atrium_audit_actor_cli, &req, &r, &e) <
        0) {
        rc = atrium_cli_fail(&e);
    } else if (s.json) {
        atrium_cli_print_json(atrium_signup_result_to_json(&r));
    } else {
        printf("Tenant %s created.\n  id:             %s\n  initial domain: %s\n"
               "  administrator:  %s\n",
               r.tenant.display_name, r.tenant.id, r.tenant.initial_domain, r.admin.upn);
    }
    atrium_signup_result_release(&r);
    atrium_cli_close(&ctx);
    atrium_cli_wipe(password);
    return rc;
}

static void print_tenant_line(const struct atrium_tenant *t)
{
    printf("%s  %-40s %s  %s\n", t->id, t->initial_domain, t->country, t->display_name);
}

/* List every tenant, page by page, as JSON array or lines. */
static int tenant_list_all(struct atrium_store *st, bool json)
{
    json_t *all = json ? json_array() : NULL;
    char after[ATRIUM_UUID_LEN + 1] = "";
    for (;;) {
        struct atrium_tenant_list page = {0};
        int rc = st->ops->tenant_list(st, after[0] ? after : NULL, 500, &page);
        if (rc < 0) {
            json_decref(all);
            struct atrium_errinfo e = {0};
            atrium_err(&e, rc, "", "The tenant store is unavailable.");
            return atrium_cli_fail(&e);
        }
        for (size_t i = 0; i < page.count; i++) {
            if (json)
                json_array_append_new(all, atrium_tenant_to_json(&page.items[i]));
            else
                print_tenant_line(&page.items[i]);
        }
        size_t n = page.count;
        if (n > 0)
            memcpy(after, page.items[n - 1].id, sizeof(after));
        atrium_tenant_list_release(&page);
        if (n < 500)
            break;
    }
    if (json)
        atrium_cli_print_json(all);
    return ATRIUM_EXIT_OK;
}

static int tenant_list(int argc, char **argv)
{
    struct atrium_cli_settings s = ATRIUM_CLI_SETTINGS_DEFAULT;
    const struct atrium_opt opts[] = {ATRIUM_CLI_DATA_OPTS(s), ATRIUM_CLI_JSON_OPT(s), {0}};
    int npos = 0;
    int rc = atrium_opts_parse("atrium tenant list [options]", opts, argc, argv, NULL, 0, &npos);
    if (rc != ATRIUM_OPTS_OK)
        return rc == ATRIUM_OPTS_HELP ? ATRIUM_EXIT_OK : ATRIUM_EXIT_USAGE;
    struct atrium_cli_ctx ctx;
    if ((rc = atrium_cli_open(&s, &ctx)) != 0)
        return rc;
    rc = tenant_list_all(ctx.store, s.json);
    atrium_cli_close(&ctx);
    return rc;
}

static int tenant_show(int argc, char **argv)
{
    struct atrium_cli_settings s = ATRIUM_CLI_SETTINGS_DEFAULT;
    const struct atrium_opt opts[] = {ATRIUM_CLI_DATA_OPTS(s), ATRIUM_CLI_JSON_OPT(s), {0}};
    const char *pos[1];
    int npos = 0;
    const char *usage = "atrium tenant show [options] TENANT (id or domain)";
    int rc = atrium_opts_parse(usage, opts, argc, argv, pos, 1, &npos);
    if (rc != ATRIUM_OPTS_OK)
        return rc == ATRIUM_OPTS_HELP ? ATRIUM_EXIT_OK : ATRIUM_EXIT_USAGE;
    if (npos != 1) {
        fprintf(stderr, "error: name the tenant (id or domain). Usage: %s\n", usage);
        return ATRIUM_EXIT_USAGE;
    }
    struct atrium_cli_ctx ctx;
    if ((rc = atrium_cli_open(&s, &ctx)) != 0)
        return rc;
    struct atrium_errinfo e = {0};
    struct atrium_tenant t = {0};
    if (atrium_tenant_resolve(ctx.store, pos[0], &t, &e) < 0) {
        rc = atrium_cli_fail(&e);
    } else if (s.json) {
        atrium_cli_print_json(atrium_tenant_to_json(&t));
    } else {
        char created[ATRIUM_ISO8601_LEN + 1];
        atrium_iso8601(t.created, created);
        printf("id:             %s\ndisplay name:   %s\ninitial domain: %s\ncountry:        %s\n"
               "contact email:  %s\ncreated:        %s\n",
               t.id, t.display_name, t.initial_domain, t.country,
               t.contact_email ? t.contact_email : "", created);
    }
    atrium_tenant_release(&t);
    atrium_cli_close(&ctx);
    return rc;
}

int atrium_cmd_tenant(int argc, char **argv)
{
    static const struct atrium_cli_verb verbs[] = {
        {"create", tenant_create, "Create a tenant with its initial domain and first admin."},
        {"list", tenant_list, "List tenants."},
        {"show", tenant_show, "Show one tenant, by id or domain."},
        {0},
    };
    return atrium_cli_dispatch("tenant", verbs, argc, argv);
}
