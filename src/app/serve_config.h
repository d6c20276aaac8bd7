/* SPDX-License-Identifier: MIT */
/*
 * Configuration of `atrium serve`: the option table (every flag also has an
 * ATRIUM_* environment variable), its validation, and the derived paths.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "cli/cli.h"
#include "crypto/pwhash.h"
#include "http/server.h"

struct atrium_errinfo;

struct atrium_serve_config {
    struct atrium_cli_settings settings;
    const char *listen;     /* "HOST:PORT" */
    const char *public_url; /* NULL: derived from the bound port */
    const char *tls_cert, *tls_key;
    bool dev_tls, insecure_http, no_self_signup, help;
    unsigned long threads, signup_rate, body_limit, connection_limit, per_ip_limit, timeout;
    unsigned long hash_concurrency, hash_queue;
    unsigned long realm_rate;             /* realm discovery look-ups per client IP per minute */
    unsigned long key_refresh_seconds;    /* signing keys re-read from the store this often */
    unsigned long purge_interval_seconds; /* expired sign-in records purged this often */
    const char *log_level;
    const char *dns_server; /* domain verification; NULL: /etc/resolv.conf */
    /* Derived by atrium_serve_config_prepare (heap, owned): */
    char *store_uri, *listen_host, *tls_ca_file, *tls_cert_owned, *tls_key_owned;
    struct atrium_http_config http;
    struct atrium_pwhash_params pwhash;
    int64_t startup_ms;
};

/* Parse options and environment. Returns an exit code; c->help set after --help. */
int atrium_serve_config_parse(struct atrium_serve_config *c, int argc, char **argv);
/* Check combinations, create the data dir and dev TLS material, fill the derived fields. */
int atrium_serve_config_prepare(struct atrium_serve_config *c, struct atrium_errinfo *e);
void atrium_serve_config_release(struct atrium_serve_config *c);
