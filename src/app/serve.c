/* SPDX-License-Identifier: MIT */
/*
 * `atrium serve`: read options (each with an ATRIUM_* environment variable),
 * prepare the data directory (store, dev TLS), start the HTTPS server, and
 * wait for SIGTERM/SIGINT to shut down gracefully, meanwhile flushing the
 * request log, picking up signing-key changes from the store and purging
 * expired sign-in records.
 */
#include "app/serve.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/serve_config.h"
#include "app/serve_oauth.h"
#include "app/serve_purge.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "crypto/pwhash.h"
#include "http/server.h"

/* Open the store once on this thread to create and migrate it before serving. */
static int prepare_store(const char *uri, struct atrium_errinfo *e)
{
    struct atrium_store *st = NULL;
    int rc = atrium_store_open(uri, &st, e);
    int version = 0;
    if (rc == 0 && (rc = atrium_store_migrate(st, &version)) < 0)
        atrium_err(e, rc, "", "The store could not be migrated (%s).", atrium_err_name(rc));
    atrium_store_close(st);
    return rc;
}

static void print_banner(const struct atrium_serve_config *c, const char *url)
{
    printf("Atrium %s is listening on %s\n", ATRIUM_VERSION, url);
    if (c->dev_tls)
        printf("Development CA certificate: %s\n"
               "  curl --cacert %s %s/healthz\n"
               "  NODE_EXTRA_CA_CERTS=%s node ...\n",
               c->tls_ca_file, c->tls_ca_file, url, c->tls_ca_file);
    printf("Create the first tenant:\n"
           "  curl%s%s -X POST %s/api/v1/tenants -H 'Content-Type: application/json' \\\n"
           "    -d '{\"displayName\":\"Contoso\",\"domainPrefix\":\"contoso\","
           "\"countryLetterCode\":\"US\",\"contactEmail\":\"it@contoso.com\","
           "\"admin\":{\"givenName\":\"Ada\",\"surname\":\"Admin\",\"userName\":\"ada\","
           "\"password\":\"<a strong password>\"}}'\n"
           "or: atrium tenant create --data %s --help\n",
           c->dev_tls ? " --cacert " : "", c->dev_tls ? c->tls_ca_file : "", url,
           c->settings.data_dir);
    fflush(stdout);
}

/* The main thread's periodic work while it waits for a signal. */
struct timers {
    struct atrium_serve_keys *keys;
    struct atrium_serve_purge *purge;
};

/*
 * Wait for SIGTERM or SIGINT, writing the buffered request log meanwhile,
 * refreshing the signing keys from the store and purging expired sign-in
 * records when due.
 */
static int wait_for_signal(const struct timers *t)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    const struct timespec tick = {.tv_sec = 0, .tv_nsec = ATRIUM_LOG_FLUSH_MS * 1000000L};
    for (;;) {
        int sig = sigtimedwait(&set, NULL, &tick);
        if (sig > 0)
            return sig;
        atrium_log_flush();
        atrium_serve_keys_tick(t->keys);
        atrium_serve_purge_tick(t->purge);
    }
}

/* The public URL: --public-url, else derived from the scheme and port. Heap. */
static char *public_url(const struct atrium_serve_config *c, uint16_t port)
{
    if (c->public_url)
        return xstrdup(c->public_url);
    return xasprintf("%s://localhost:%u", c->http.insecure_http ? "http" : "https", (unsigned)port);
}

static int run_server(struct atrium_serve_config *c, struct atrium_app *app,
                      const struct timers *timers, struct atrium_errinfo *e)
{
    struct atrium_http_server *srv = NULL;
    int64_t started = atrium_monotonic_ms();
    /* With a fixed port the URL is known before the first request can arrive. */
    char *url = c->http.port ? public_url(c, c->http.port) : NULL;
    app->public_url = app->oauth->cfg.public_url = url;
    int rc = atrium_http_start(&c->http, app, &srv, e);
    if (rc < 0) {
        free(url);
        return rc;
    }
    uint16_t port = atrium_http_port(srv);
    if (!url)
        app->public_url = app->oauth->cfg.public_url = url = public_url(c, port);
    atrium_log_fields(ATRIUM_LOG_INFO,
                      json_pack("{s:s, s:i, s:s, s:s, s:I}", "msg", "listening", "port", (int)port,
                                "url", url, "listen", c->http.listen_host, "startup_ms",
                                (json_int_t)(atrium_monotonic_ms() - started + c->startup_ms)));
    print_banner(c, url);
    atrium_log_set_buffered(true);
    int sig = wait_for_signal(timers);
    atrium_log(ATRIUM_LOG_INFO, "shutting down on signal %d", sig);
    atrium_http_stop(srv);
    atrium_log_buffers_free();
    atrium_log(ATRIUM_LOG_INFO, "stopped");
    free(url);
    return 0;
}

int atrium_cmd_serve(int argc, char **argv)
{
    int64_t t0 = atrium_monotonic_ms();
    struct atrium_serve_config c;
    int rc = atrium_serve_config_parse(&c, argc, argv);
    if (rc != ATRIUM_EXIT_OK || c.help)
        return rc;
    /* Block the shutdown signals before any thread starts, so they all inherit it. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct atrium_errinfo e = {0};
    struct atrium_pwhasher *hasher = NULL;
    struct atrium_store_pool *pool = NULL;
    rc = atrium_serve_config_prepare(&c, &e);
    if (rc == 0)
        rc = prepare_store(c.store_uri, &e);
    if (rc == 0 && (rc = atrium_store_pool_new(c.store_uri, &pool, &e)) == 0 &&
        (rc = atrium_pwhasher_new(&c.pwhash, &hasher)) < 0)
        atrium_err(&e, rc, "", "The password hasher could not be set up.");
    struct atrium_oauth oauth = {0};
    struct atrium_masterkey *mk = NULL;
    struct atrium_serve_keys keys = {0};
    struct atrium_serve_purge purge = {0};
    if (rc == 0)
        rc = atrium_serve_oauth_init(&oauth, c.settings.data_dir, c.store_uri, hasher, &mk, &e);
    if (rc == 0) {
        atrium_serve_keys_init(&keys, pool, oauth.keyring, mk, (int64_t)c.key_refresh_seconds);
        atrium_serve_purge_init(&purge, pool, &oauth.cfg, (int64_t)c.purge_interval_seconds);
        const struct timers timers = {.keys = &keys, .purge = &purge};
        struct atrium_app app = {
            .store_pool = pool,
            .directory = {.initial_domain_suffix = c.settings.initial_domain_suffix,
                          .password_policy = ATRIUM_PASSWORD_POLICY_DEFAULT,
                          .hasher = hasher},
            .self_signup = !c.no_self_signup,
            .signup_per_minute = (unsigned)c.signup_rate,
            .realm_per_minute = (unsigned)c.realm_rate,
            .oauth = &oauth,
            .dns_server = c.dns_server,
        };
        c.startup_ms = atrium_monotonic_ms() - t0;
        rc = run_server(&c, &app, &timers, &e);
    }
    atrium_serve_keys_release(&keys);
    atrium_serve_oauth_release(&oauth);
    atrium_store_pool_free(pool);
    atrium_pwhasher_free(hasher);
    atrium_serve_config_release(&c);
    if (rc < 0) {
        fprintf(stderr, "error: %s\n", e.message[0] ? e.message : atrium_err_name(rc));
        return ATRIUM_EXIT_FAIL;
    }
    return ATRIUM_EXIT_OK;
}
