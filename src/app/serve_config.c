/* SPDX-License-Identifier: MIT */
/* Options, environment and derived settings of `atrium serve`; see serve_config.h. */
#include "app/serve_config.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "crypto/tlsgen.h"
#include "graph/dns.h"

#define SERVE_USAGE "atrium serve [options]"

int atrium_serve_config_parse(struct atrium_serve_config *c, int argc, char **argv)
{
    memset(c, 0, sizeof(*c));
    c->settings = (struct atrium_cli_settings)ATRIUM_CLI_SETTINGS_DEFAULT;
    c->settings.data_dir = "./data";
    c->listen = "127.0.0.1:8443";
    c->threads = 2;
    c->signup_rate = 10;
    c->realm_rate = 60;
    c->body_limit = 1024 * 1024;
    c->connection_limit = 1024;
    c->per_ip_limit = 256;
    c->timeout = 30;
    c->hash_queue = 64;
    c->key_refresh_seconds = 60;
    c->purge_interval_seconds = 300;
    c->log_level = "info";
    const struct atrium_opt opts[] = {
        ATRIUM_CLI_DATA_OPTS(c->settings),
        {"listen", "ATRIUM_LISTEN", ATRIUM_OPT_STRING, &c->listen, 0, 0, "HOST:PORT",
         "Address to listen on (default 127.0.0.1:8443; port 0 picks a free one)."},
        {"public-url", "ATRIUM_PUBLIC_URL", ATRIUM_OPT_STRING, &c->public_url, 0, 0, "URL",
         "External base URL used in every issued URL (default https://localhost:PORT)."},
        {"tls-cert", "ATRIUM_TLS_CERT", ATRIUM_OPT_STRING, &c->tls_cert, 0, 0, "FILE",
         "TLS certificate chain (PEM)."},
        {"tls-key", "ATRIUM_TLS_KEY", ATRIUM_OPT_STRING, &c->tls_key, 0, 0, "FILE",
         "TLS private key (PEM)."},
        {"dev-tls", "ATRIUM_DEV_TLS", ATRIUM_OPT_FLAG, &c->dev_tls, 0, 0, NULL,
         "Create once, and use, a local CA and a localhost certificate in DIR/tls."},
        {"insecure-http", "ATRIUM_INSECURE_HTTP", ATRIUM_OPT_FLAG, &c->insecure_http, 0, 0, NULL,
         "Serve plain HTTP (only behind a TLS-terminating proxy)."},
        {"threads", "ATRIUM_THREADS", ATRIUM_OPT_UINT, &c->threads, 1, 256, "N",
         "Worker threads (default 2)."},
        {"no-self-signup", "ATRIUM_NO_SELF_SIGNUP", ATRIUM_OPT_FLAG, &c->no_self_signup, 0, 0, NULL,
         "Disable POST /api/v1/tenants."},
        {"signup-rate", "ATRIUM_SIGNUP_RATE", ATRIUM_OPT_UINT, &c->signup_rate, 0, 100000, "N",
         "Sign-up attempts per client IP per minute (default 10; 0: unlimited)."},
        {"realm-rate", "ATRIUM_REALM_RATE", ATRIUM_OPT_UINT, &c->realm_rate, 0, 100000, "N",
         "Realm discovery look-ups (userrealm, /discover) per client IP per minute (default 60; "
         "0: unlimited)."},
        {"body-limit", "ATRIUM_BODY_LIMIT", ATRIUM_OPT_UINT, &c->body_limit, 1024, 64 << 20,
         "BYTES", "Largest request body (default 1048576)."},
        {"connection-limit", "ATRIUM_CONNECTION_LIMIT", ATRIUM_OPT_UINT, &c->connection_limit, 1,
         65536, "N", "Concurrent connections (default 1024)."},
        {"per-ip-limit", "ATRIUM_PER_IP_LIMIT", ATRIUM_OPT_UINT, &c->per_ip_limit, 1, 65536, "N",
         "Concurrent connections per client IP (default 256)."},
        {"timeout", "ATRIUM_TIMEOUT", ATRIUM_OPT_UINT, &c->timeout, 1, 3600, "SECONDS",
         "Idle connection timeout (default 30)."},
        {"hash-concurrency", "ATRIUM_HASH_CONCURRENCY", ATRIUM_OPT_UINT, &c->hash_concurrency, 0,
         256, "N", "Password hashes computed at once (default: one per core)."},
        {"hash-queue", "ATRIUM_HASH_QUEUE", ATRIUM_OPT_UINT, &c->hash_queue, 0, 100000, "N",
         "Password hashes waiting at most; beyond, 503 (default 64)."},
        {"key-refresh-seconds", "ATRIUM_KEY_REFRESH_SECONDS", ATRIUM_OPT_UINT,
         &c->key_refresh_seconds, 1, 86400, "SECONDS",
         "Re-read the signing keys from the store this often, so a rotation (atrium key "
         "rotate, another node) is picked up without a restart (default 60)."},
        {"purge-interval-seconds", "ATRIUM_PURGE_INTERVAL_SECONDS", ATRIUM_OPT_UINT,
         &c->purge_interval_seconds, 1, 86400, "SECONDS",
         "Delete expired codes, refresh tokens and sessions, and sign-in log entries older than "
         "30 days, this often, in small batches (default 300)."},
        {"log-level", "ATRIUM_LOG_LEVEL", ATRIUM_OPT_STRING, &c->log_level, 0, 0, "LEVEL",
         "debug, info, warn or error (default info)."},
        {"dns-server", "ATRIUM_DNS_SERVER", ATRIUM_OPT_STRING, &c->dns_server, 0, 0, "HOST:PORT",
         "DNS server for custom-domain verification (default: /etc/resolv.conf's first)."},
        {0},
    };
    int npos = 0;
    int rc = atrium_opts_parse(SERVE_USAGE, opts, argc, argv, NULL, 0, &npos);
    if (rc == ATRIUM_OPTS_HELP)
        c->help = true;
    return rc == ATRIUM_OPTS_USAGE ? ATRIUM_EXIT_USAGE : ATRIUM_EXIT_OK;
}

/* Split "HOST:PORT" or "[V6]:PORT". */
static int parse_listen(struct atrium_serve_config *c, struct atrium_errinfo *e)
{
    const char *colon = strrchr(c->listen, ':');
    int64_t port = 0;
    if (!colon || colon == c->listen || atrium_str_to_i64(colon + 1, 0, 65535, &port) < 0)
        return atrium_err(e, ATRIUM_EINVAL, "listen",
                          "--listen must be HOST:PORT (e.g. 127.0.0.1:8443), not '%s'.", c->listen);
    const char *host = c->listen;
    size_t len = (size_t)(colon - host);
    if (host[0] == '[' && len >= 2 && host[len - 1] == ']') {
        host++;
        len -= 2;
    }
    c->listen_host = xstrndup(host, len);
    c->http.port = (uint16_t)port;
    return 0;
}

static int prepare_tls(struct atrium_serve_config *c, struct atrium_errinfo *e)
{
    if (c->insecure_http) {
        if (c->tls_cert || c->tls_key || c->dev_tls)
            return atrium_err(e, ATRIUM_EINVAL, "insecure-http",
                              "--insecure-http cannot be combined with TLS options.");
        atrium_log(ATRIUM_LOG_WARN, "serving plain HTTP (--insecure-http): only run this "
                                    "behind a TLS-terminating proxy");
        return 0;
    }
    if (c->dev_tls) {
        if (c->tls_cert || c->tls_key)
            return atrium_err(e, ATRIUM_EINVAL, "dev-tls",
                              "--dev-tls cannot be combined with --tls-cert/--tls-key.");
        char *dir = xasprintf("%s/tls", c->settings.data_dir);
        struct atrium_tls_paths paths = {0};
        int rc = atrium_tls_dev_ensure(dir, &paths, e);
        free(dir);
        if (rc < 0)
            return rc;
        c->tls_ca_file = paths.ca_cert;
        c->tls_cert_owned = paths.server_cert;
        c->tls_key_owned = paths.server_key;
        free(paths.ca_key);
        c->tls_cert = c->tls_cert_owned;
        c->tls_key = c->tls_key_owned;
        return 0;
    }
    if (!c->tls_cert || !c->tls_key)
        return atrium_err(e, ATRIUM_EINVAL, "tls-cert",
                          "Refusing to serve without TLS: pass --tls-cert FILE --tls-key FILE, "
                          "or --dev-tls for a local development certificate, or --insecure-http "
                          "behind a TLS-terminating proxy.");
    return 0;
}

int atrium_serve_config_prepare(struct atrium_serve_config *c, struct atrium_errinfo *e)
{
    int level = atrium_log_level_parse(c->log_level);
    if (level < 0)
        return atrium_err(e, ATRIUM_EINVAL, "log-level",
                          "--log-level must be debug, info, warn or error.");
    atrium_log_set_level((enum atrium_log_level)level);
    if (c->public_url && !atrium_str_starts_with(c->public_url, "https://") &&
        !atrium_str_starts_with(c->public_url, "http://"))
        return atrium_err(e, ATRIUM_EINVAL, "public-url",
                          "--public-url must start with https:// (or http:// behind a proxy).");
    struct atrium_dns_server dns;
    if (c->dns_server && *c->dns_server &&
        atrium_dns_server_parse(c->dns_server, "dns-server", &dns, e) < 0)
        return ATRIUM_EINVAL;
    int rc = parse_listen(c, e);
    if (rc == 0)
        rc = atrium_cli_ensure_data_dir(c->settings.data_dir, e);
    if (rc == 0)
        rc = prepare_tls(c, e);
    if (rc < 0)
        return rc;
    c->store_uri = atrium_cli_store_uri(c->settings.data_dir);
    c->http = (struct atrium_http_config){
        .listen_host = c->listen_host,
        .port = c->http.port,
        .tls_cert_file = c->tls_cert,
        .tls_key_file = c->tls_key,
        .insecure_http = c->insecure_http,
        .threads = (unsigned)c->threads,
        .body_limit = c->body_limit,
        .connection_limit = (unsigned)c->connection_limit,
        .per_ip_connection_limit = (unsigned)c->per_ip_limit,
        .timeout_seconds = (unsigned)c->timeout,
    };
    c->pwhash = (struct atrium_pwhash_params)ATRIUM_PWHASH_PARAMS_DEFAULT;
    c->pwhash.memory_kib = (uint32_t)c->settings.argon2_memory_kib;
    c->pwhash.iterations = (uint32_t)c->settings.argon2_iterations;
    c->pwhash.max_concurrent = (unsigned)c->hash_concurrency;
    c->pwhash.max_waiting = (unsigned)c->hash_queue;
    return 0;
}

void atrium_serve_config_release(struct atrium_serve_config *c)
{
    free(c->store_uri);
    free(c->listen_host);
    free(c->tls_ca_file);
    free(c->tls_cert_owned);
    free(c->tls_key_owned);
    memset(c, 0, sizeof(*c));
}
