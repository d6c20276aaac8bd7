/* SPDX-License-Identifier: MIT */
/*
 * The HTTP(S) server: libmicrohttpd with an internal thread pool (epoll),
 * TLS through its GnuTLS support, connection/per-IP limits, timeouts and a
 * body limit, dispatching through the route table (routes.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graph/directory.h"
#include "store/store.h"

struct atrium_errinfo;
struct atrium_oauth;

/* What handlers reach: services and their settings. Borrowed by the server. */
struct atrium_app {
    struct atrium_store_pool *store_pool; /* one store handle per worker thread */
    struct atrium_directory_config directory;
    const char *public_url;     /* "https://localhost:8443", no trailing slash */
    bool self_signup;           /* POST /api/v1/tenants enabled */
    unsigned signup_per_minute; /* per client IP; 0 disables the limit */
    unsigned realm_per_minute;  /* realm discovery look-ups per client IP; 0: no limit */
    struct atrium_oauth *oauth; /* sign-in and token services (oauth/oauth.h) */
    const char *dns_server;     /* domain verification: "HOST:PORT"; NULL: resolv.conf */
};

struct atrium_http_config {
    const char *listen_host; /* "127.0.0.1", "::", "0.0.0.0" */
    uint16_t port;
    const char *tls_cert_file; /* PEM; NULL only with insecure_http */
    const char *tls_key_file;
    bool insecure_http;
    unsigned threads;                 /* worker threads; default 2 */
    size_t body_limit;                /* default 1 MiB; 413 beyond */
    unsigned connection_limit;        /* default 1024 */
    unsigned per_ip_connection_limit; /* default 64 */
    unsigned timeout_seconds;         /* idle connection timeout; default 30 */
};

struct atrium_http_server;

/* Start listening; ECONFLICT-like failures come back as EIO with a message. Caller owns. */
int atrium_http_start(const struct atrium_http_config *cfg, struct atrium_app *app,
                      struct atrium_http_server **ret, struct atrium_errinfo *e);
/* The port actually bound (useful with port 0). */
uint16_t atrium_http_port(const struct atrium_http_server *srv);
/* Stop accepting, let in-flight requests finish, free. NULL is fine. */
void atrium_http_stop(struct atrium_http_server *srv);
