/* SPDX-License-Identifier: MIT */
/*
 * Password input for the admin commands: from a file, from stdin, or from a
 * terminal prompt with echo off. Never from argv (it would show in ps).
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "model/password_policy.h"

void atrium_cli_wipe(char *secret)
{
    if (!secret)
        return;
    volatile char *p = secret;
    while (*p)
        *p++ = '\0';
    free(secret);
}

/* Read the first line of f (without its newline) into a fresh heap string. */
static int read_line(FILE *f, const char *origin, char **ret)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, f);
    if (n < 0) {
        free(line);
        fprintf(stderr, "error: no password could be read from %s.\n", origin);
        return ATRIUM_EXIT_FAIL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    if ((size_t)n > ATRIUM_PASSWORD_BYTES_MAX) {
        atrium_cli_wipe(line);
        fprintf(stderr, "error: the password from %s is longer than %d bytes.\n", origin,
                ATRIUM_PASSWORD_BYTES_MAX);
        return ATRIUM_EXIT_FAIL;
    }
    *ret = line;
    return ATRIUM_EXIT_OK;
}

static int prompt_once(const char *label, char **ret)
{
    struct termios old, quiet;
    if (tcgetattr(STDIN_FILENO, &old) < 0)
        return ATRIUM_EXIT_FAIL;
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    fprintf(stderr, "%s", label);
    fflush(stderr);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    int rc = read_line(stdin, "the terminal", ret);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    fprintf(stderr, "\n");
    return rc;
}

static int prompt_twice(char **ret)
{
    char *first = NULL, *second = NULL;
    int rc = prompt_once("Password: ", &first);
    if (rc == ATRIUM_EXIT_OK)
        rc = prompt_once("Password (again): ", &second);
    if (rc == ATRIUM_EXIT_OK && strcmp(first, second) != 0) {
        fprintf(stderr, "error: the two passwords differ.\n");
        rc = ATRIUM_EXIT_FAIL;
    }
    atrium_cli_wipe(second);
    if (rc != ATRIUM_EXIT_OK) {
        atrium_cli_wipe(first);
        return rc;
    }
    *ret = first;
    return rc;
}

int atrium_cli_read_password(const char *file, bool from_stdin, char **ret)
{
    if (file && from_stdin) {
        fprintf(stderr, "error: use either --password-file or --password-stdin, not both.\n");
        return ATRIUM_EXIT_USAGE;
    }
    if (file) {
        FILE *f = fopen(file, "r");
        if (!f) {
            fprintf(stderr, "error: cannot open password file '%s': %s\n", file, strerror(errno));
            return ATRIUM_EXIT_FAIL;
        }
        int rc = read_line(f, "the password file", ret);
        fclose(f);
        return rc;
    }
    if (from_stdin)
        return read_line(stdin, "standard input", ret);
    if (isatty(STDIN_FILENO))
        return prompt_twice(ret);
    fprintf(stderr, "error: a password is needed: use --password-file FILE or "
                    "--password-stdin (passwords are never taken from the command line).\n");
    return ATRIUM_EXIT_USAGE;
}
