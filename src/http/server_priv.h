/* SPDX-License-Identifier: MIT */
/*
 * The server object behind the opaque struct atrium_http_server: shared by
 * server.c (lifecycle), dispatch.c (per-request flow) and handlers that need
 * server-wide state such as rate limiters.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct MHD_Daemon;
struct atrium_app;
struct atrium_doc_cache;
struct atrium_ratelimit;

struct atrium_http_server {
    /* One single-threaded daemon per worker thread, all listening on the port with
     * SO_REUSEPORT so that the kernel spreads connections over them (a thread pool in
     * one daemon let every connection land on whichever thread accepted first). */
    struct MHD_Daemon **daemons;
    unsigned ndaemons;
    struct atrium_app *app;                /* borrowed */
    size_t body_limit;                     /* default per-route body limit */
    bool tls;                              /* add Strict-Transport-Security */
    uint16_t port;                         /* bound port */
    struct atrium_ratelimit *signup_limit; /* POST /api/v1/tenants per client; NULL: none */
    struct atrium_ratelimit *realm_limit;  /* realm discovery per client; NULL: none */
    atomic_uint inflight;                  /* requests past their headers, not yet completed */
    atomic_bool stopping;                  /* answer with Connection: close */
    char *cert_pem;
    char *key_pem;
    size_t key_len;

    /* The OAuth endpoints and pages (handlers_oauth.c, handlers_deviceauth.c). */
    struct atrium_ratelimit *device_code_limit; /* deviceauth code look-ups per client */
    struct atrium_doc_cache *discovery_cache;   /* rendered discovery documents */

    /* The directory API: domain verification sends DNS queries (handlers_graph_domains.c). */
    struct atrium_ratelimit *domain_verify_limit; /* POST /v1.0/domains/{id}/verify per tenant */
};
