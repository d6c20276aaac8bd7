/* SPDX-License-Identifier: MIT */
/*
 * Table-driven command-line options shared by every subcommand: long options
 * only ("--name value" or "--name=value"), each optionally defaulted from an
 * environment variable, with the --help text generated from the same table.
 */
#pragma once

#include <stdbool.h>

enum atrium_opt_type {
    ATRIUM_OPT_STRING,   /* target: const char ** */
    ATRIUM_OPT_REQUIRED, /* a string option that must be given: target const char ** */
    ATRIUM_OPT_FLAG,     /* target: bool * (env: "1"/"true"/"yes" sets it) */
    ATRIUM_OPT_UINT,     /* target: unsigned long *, checked against [min,max] */
};

struct atrium_opt {
    const char *name; /* without the leading "--"; NULL ends the table */
    const char *env;  /* environment variable, or NULL */
    enum atrium_opt_type type;
    void *target;
    unsigned long min, max;
    const char *metavar; /* "DIR", "N", ... (NULL for flags) */
    const char *help;
};

enum atrium_opts_result {
    ATRIUM_OPTS_OK = 0,
    ATRIUM_OPTS_HELP = 1,   /* --help was printed: exit 0 */
    ATRIUM_OPTS_USAGE = -1, /* a message was printed on stderr: exit 2 */
};

/*
 * Parse argv[1..argc) against opts. Positional arguments are collected in
 * order into positional[0..max_positional) and counted in *ret_npositional.
 * usage is the first help line ("atrium tenant create [options]").
 */
int atrium_opts_parse(const char *usage, const struct atrium_opt *opts, int argc, char **argv,
                      const char **positional, int max_positional, int *ret_npositional);

/* Print the generated help for opts to stdout. */
void atrium_opts_help(const char *usage, const struct atrium_opt *opts);
