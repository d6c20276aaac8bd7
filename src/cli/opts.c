/* SPDX-License-Identifier: MIT */
/* Table-driven option parsing with environment defaults; see opts.h. */
#include "cli/opts.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"

void atrium_opts_help(const char *usage, const struct atrium_opt *opts)
{
    printf("Usage: %s\n\nOptions:\n", usage);
    for (const struct atrium_opt *o = opts; o->name; o++) {
        char left[64];
        snprintf(left, sizeof(left), "--%s%s%s", o->name, o->metavar ? " " : "",
                 o->metavar ? o->metavar : "");
        printf("  %-30s %s", left, o->help);
        if (o->type == ATRIUM_OPT_REQUIRED)
            printf(" (required)");
        if (o->env)
            printf(" [env %s]", o->env);
        printf("\n");
    }
    printf("  %-30s %s\n", "--help", "Show this help and exit.");
}

static bool truthy(const char *v)
{
    return strcmp(v, "1") == 0 || atrium_str_ieq(v, "true") || atrium_str_ieq(v, "yes");
}

static int opt_set(const struct atrium_opt *o, const char *value, const char *origin)
{
    int64_t n;
    switch (o->type) {
    case ATRIUM_OPT_STRING:
    case ATRIUM_OPT_REQUIRED:
        *(const char **)o->target = value;
        return 0;
    case ATRIUM_OPT_FLAG:
        *(bool *)o->target = value ? truthy(value) : true;
        return 0;
    case ATRIUM_OPT_UINT:
        if (atrium_str_to_i64(value, (int64_t)o->min, (int64_t)o->max, &n) < 0) {
            fprintf(stderr, "error: %s --%s must be a whole number from %lu to %lu, not '%s'.\n",
                    origin, o->name, o->min, o->max, value);
            return ATRIUM_OPTS_USAGE;
        }
        *(unsigned long *)o->target = (unsigned long)n;
        return 0;
    }
    return ATRIUM_OPTS_USAGE;
}

static int apply_env(const struct atrium_opt *opts)
{
    for (const struct atrium_opt *o = opts; o->name; o++) {
        const char *v = o->env ? getenv(o->env) : NULL;
        if (v && *v && opt_set(o, v, "environment variable for") < 0)
            return ATRIUM_OPTS_USAGE;
    }
    return 0;
}

static const struct atrium_opt *opt_find(const struct atrium_opt *opts, const char *name,
                                         size_t len)
{
    for (const struct atrium_opt *o = opts; o->name; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

/* Handle argv[*i] = "--name[=value]"; may consume argv[*i + 1]. */
static int parse_long(const char *usage, const struct atrium_opt *opts, int argc, char **argv,
                      int *i)
{
    const char *arg = argv[*i] + 2;
    if (strcmp(arg, "help") == 0) {
        atrium_opts_help(usage, opts);
        return ATRIUM_OPTS_HELP;
    }
    const char *eq = strchr(arg, '=');
    const struct atrium_opt *o = opt_find(opts, arg, eq ? (size_t)(eq - arg) : strlen(arg));
    if (!o) {
        fprintf(stderr, "error: unknown option '%s'. Try --help.\n", argv[*i]);
        return ATRIUM_OPTS_USAGE;
    }
    if (o->type == ATRIUM_OPT_FLAG) {
        if (eq) {
            fprintf(stderr, "error: option --%s takes no value.\n", o->name);
            return ATRIUM_OPTS_USAGE;
        }
        return opt_set(o, NULL, "option");
    }
    const char *value = eq ? eq + 1 : NULL;
    if (!value) {
        if (*i + 1 >= argc) {
            fprintf(stderr, "error: option --%s needs a value (%s).\n", o->name,
                    o->metavar ? o->metavar : "VALUE");
            return ATRIUM_OPTS_USAGE;
        }
        value = argv[++*i];
    }
    return opt_set(o, value, "option");
}

static int check_required(const struct atrium_opt *opts)
{
    for (const struct atrium_opt *o = opts; o->name; o++) {
        if (o->type == ATRIUM_OPT_REQUIRED && !*(const char **)o->target) {
            fprintf(stderr, "error: option --%s %s is required. Try --help.\n", o->name,
                    o->metavar ? o->metavar : "VALUE");
            return ATRIUM_OPTS_USAGE;
        }
    }
    return 0;
}

int atrium_opts_parse(const char *usage, const struct atrium_opt *opts, int argc, char **argv,
                      const char **positional, int max_positional, int *ret_npositional)
{
    int rc = apply_env(opts);
    int npos = 0;
    bool only_positional = false;
    for (int i = 1; rc == 0 && i < argc; i++) {
        if (!only_positional && strcmp(argv[i], "--") == 0) {
            only_positional = true;
        } else if (!only_positional && (strcmp(argv[i], "-h") == 0)) {
            atrium_opts_help(usage, opts);
            return ATRIUM_OPTS_HELP;
        } else if (!only_positional && strncmp(argv[i], "--", 2) == 0) {
            rc = parse_long(usage, opts, argc, argv, &i);
        } else if (npos < max_positional) {
            positional[npos++] = argv[i];
        } else {
            fprintf(stderr, "error: unexpected argument '%s'. Try --help.\n", argv[i]);
            rc = ATRIUM_OPTS_USAGE;
        }
    }
    *ret_npositional = npos;
    return rc == 0 ? check_required(opts) : rc;
}
