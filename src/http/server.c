/* SPDX-License-Identifier: MIT */
/* The libmicrohttpd daemon: start, bound port, graceful stop; see server.h. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "http/dispatch.h"
#include "http/doc_cache.h"
#include "http/ratelimit.h"
#include "http/server_priv.h"

#define PEM_MAX (1u << 20)
#define CONNECTION_MEMORY (32u << 10) /* request line + headers + read buffer per connection */
#define STOP_WAIT_MS 10000
#define TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
#define DEVICE_CODE_LOOKUPS_PER_MINUTE 30 /* user codes are short: bound the guessing */
#define DISCOVERY_CACHE_SLOTS 256
#define DISCOVERY_CACHE_TTL 60      /* seconds: a removed domain stops resolving within a minute */
#define DOMAIN_VERIFY_PER_MINUTE 20 /* per tenant: each verification is DNS traffic */

static int read_pem(const char *path, char **ret, size_t *ret_len, struct atrium_errinfo *e)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return atrium_err(e, ATRIUM_EIO, "tls", "Cannot open '%s': %s", path, strerror(errno));
    char *data = xmalloc(PEM_MAX + 1);
    size_t n = fread(data, 1, PEM_MAX + 1, f);
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed || n == 0 || n > PEM_MAX) {
        free(data);
        return atrium_err(e, ATRIUM_EIO, "tls",
                          "Cannot read '%s' (empty, unreadable or over 1 MiB).", path);
    }
    data[n] = '\0';
    *ret = data;
    *ret_len = n;
    return 0;
}

/* IPv4/IPv6 literal or "localhost" (127.0.0.1) into *ss; *ret_flags gets the MHD IPv6 flags. */
static int listen_address(const char *host, uint16_t port, struct sockaddr_storage *ss,
                          unsigned *ret_flags, struct atrium_errinfo *e)
{
    char buf[INET6_ADDRSTRLEN + 2];
    if (!host || !*host || strcmp(host, "localhost") == 0)
        host = "127.0.0.1";
    size_t n = strlen(host);
    if (n >= 2 && n - 2 < sizeof(buf) && host[0] == '[' && host[n - 1] == ']') {
        memcpy(buf, host + 1, n - 2);
        buf[n - 2] = '\0';
        host = buf;
    }
    memset(ss, 0, sizeof(*ss));
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    *ret_flags = 0;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        return 0;
    }
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        *ret_flags = IN6_IS_ADDR_UNSPECIFIED(&v6->sin6_addr) ? MHD_USE_DUAL_STACK : MHD_USE_IPv6;
        return 0;
    }
    return atrium_err(e, ATRIUM_EINVAL, "listen_host",
                      "The listen host must be an IPv4 or IPv6 address or 'localhost'.");
}

__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];
    vsnprintf(line, sizeof(line), fmt, ap);
    line[strcspn(line, "\r\n")] = '\0';
    atrium_log(ATRIUM_LOG_DEBUG, "microhttpd: %s", line);
}

static int load_tls(const struct atrium_http_config *cfg, struct atrium_http_server *srv,
                    struct atrium_errinfo *e)
{
    srv->tls = !cfg->insecure_http;
    if (!srv->tls)
        return 0;
    if (!cfg->tls_cert_file || !cfg->tls_key_file)
        return atrium_err(e, ATRIUM_EINVAL, "tls",
                          "A TLS certificate and key are required (or enable insecure HTTP).");
    size_t cert_len;
    int r = read_pem(cfg->tls_cert_file, &srv->cert_pem, &cert_len, e);
    if (r < 0)
        return r;
    return read_pem(cfg->tls_key_file, &srv->key_pem, &srv->key_len, e);
}

static void server_free(struct atrium_http_server *srv)
{
    if (srv->key_pem)
        explicit_bzero(srv->key_pem, srv->key_len);
    free(srv->key_pem);
    free(srv->cert_pem);
    atrium_ratelimit_free(srv->signup_limit);
    atrium_ratelimit_free(srv->realm_limit);
    atrium_ratelimit_free(srv->device_code_limit);
    atrium_ratelimit_free(srv->domain_verify_limit);
    atrium_doc_cache_free(srv->discovery_cache);
    free(srv->daemons);
    free(srv);
}

static unsigned or_default(unsigned v, unsigned def)
{
    return v ? v : def;
}

/*
 * One daemon with its own polling thread. With n > 1 daemons, each binds the same
 * address with SO_REUSEPORT and takes a share of the connection limit; the per-IP
 * limit applies per daemon.
 */
static struct MHD_Daemon *start_daemon(const struct atrium_http_config *cfg,
                                       struct atrium_http_server *srv,
                                       const struct sockaddr_storage *ss, unsigned ip_flags,
                                       unsigned n)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG | ip_flags;
    flags |= MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES ? MHD_USE_EPOLL : MHD_USE_POLL;
    if (srv->tls)
        flags |= MHD_USE_TLS;
    unsigned limit = or_default(cfg->connection_limit, 1024);
    /* The logger goes first so that MHD's messages about later options reach it. The TLS
     * rows end the array early when TLS is off. */
    struct MHD_OptionItem opts[] = {
        {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, NULL},
        {MHD_OPTION_SOCK_ADDR, 0, (void *)ss},
        {MHD_OPTION_LISTENING_ADDRESS_REUSE, n > 1 ? 1 : 0, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, (limit + n - 1) / n, NULL},
        {MHD_OPTION_PER_IP_CONNECTION_LIMIT, or_default(cfg->per_ip_connection_limit, 64), NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, or_default(cfg->timeout_seconds, 30), NULL},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONNECTION_MEMORY, NULL},
        {MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)atrium_http_on_uri, srv},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)atrium_http_on_completed, srv},
        {srv->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, srv->cert_pem},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, srv->key_pem},
        {MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)TLS_PRIORITIES},
        {MHD_OPTION_END, 0, NULL},
    };
    return MHD_start_daemon(flags, 0, NULL, NULL, atrium_http_on_request, srv, MHD_OPTION_ARRAY,
                            opts, MHD_OPTION_END);
}

/* Start one daemon per worker thread; the first one fixes the port (port 0 picks one). */
static int start_daemons(const struct atrium_http_config *cfg, struct atrium_http_server *srv,
                         struct sockaddr_storage *ss, unsigned ip_flags, struct atrium_errinfo *e)
{
    unsigned n = or_default(cfg->threads, 2);
    srv->daemons = xcalloc(n, sizeof(*srv->daemons));
    for (unsigned i = 0; i < n; i++) {
        errno = 0;
        struct MHD_Daemon *d = start_daemon(cfg, srv, ss, ip_flags, n);
        if (!d) {
            int err = errno;
            for (unsigned j = 0; j < srv->ndaemons; j++)
                MHD_stop_daemon(srv->daemons[j]);
            srv->ndaemons = 0;
            return atrium_err(e, ATRIUM_EIO, "listen",
                              "Cannot start the HTTP server on %s port %u: %s.",
                              cfg->listen_host ? cfg->listen_host : "127.0.0.1", cfg->port,
                              err ? strerror(err) : "invalid TLS material or settings");
        }
        srv->daemons[srv->ndaemons++] = d;
        if (i == 0) {
            const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
            srv->port = di ? di->port : cfg->port;
            if (ss->ss_family == AF_INET)
                ((struct sockaddr_in *)ss)->sin_port = htons(srv->port);
            else
                ((struct sockaddr_in6 *)ss)->sin6_port = htons(srv->port);
        }
    }
    return 0;
}

int atrium_http_start(const struct atrium_http_config *cfg, struct atrium_app *app,
                      struct atrium_http_server **ret, struct atrium_errinfo *e)
{
    struct sockaddr_storage ss;
    unsigned ip_flags;
    int r = listen_address(cfg->listen_host, cfg->port, &ss, &ip_flags, e);
    if (r < 0)
        return r;
    struct atrium_http_server *srv = xcalloc(1, sizeof(*srv));
    srv->app = app;
    srv->body_limit = cfg->body_limit ? cfg->body_limit : (1u << 20);
    atomic_init(&srv->inflight, 0);
    atomic_init(&srv->stopping, false);
    r = load_tls(cfg, srv, e);
    if (r < 0) {
        server_free(srv);
        return r;
    }
    if (app->signup_per_minute > 0)
        srv->signup_limit =
            atrium_ratelimit_new(app->signup_per_minute, ATRIUM_RATELIMIT_SLOTS_DEFAULT);
    if (app->realm_per_minute > 0)
        srv->realm_limit =
            atrium_ratelimit_new(app->realm_per_minute, ATRIUM_RATELIMIT_SLOTS_DEFAULT);
    srv->device_code_limit =
        atrium_ratelimit_new(DEVICE_CODE_LOOKUPS_PER_MINUTE, ATRIUM_RATELIMIT_SLOTS_DEFAULT);
    srv->discovery_cache = atrium_doc_cache_new(DISCOVERY_CACHE_SLOTS, DISCOVERY_CACHE_TTL);
    srv->domain_verify_limit =
        atrium_ratelimit_new(DOMAIN_VERIFY_PER_MINUTE, ATRIUM_RATELIMIT_SLOTS_DEFAULT);
    r = start_daemons(cfg, srv, &ss, ip_flags, e);
    if (r < 0) {
        server_free(srv);
        return r;
    }
    *ret = srv;
    return 0;
}

uint16_t atrium_http_port(const struct atrium_http_server *srv)
{
    return srv ? srv->port : 0;
}

void atrium_http_stop(struct atrium_http_server *srv)
{
    if (!srv)
        return;
    atomic_store(&srv->stopping, true);
    MHD_socket *fds = xcalloc(srv->ndaemons, sizeof(*fds));
    for (unsigned i = 0; i < srv->ndaemons; i++) {
        fds[i] = MHD_quiesce_daemon(srv->daemons[i]);
        /* The kernel would still queue connections on a quiesced socket: refuse them now.
         * The descriptor stays open until MHD is stopped, as MHD requires. */
        if (fds[i] != MHD_INVALID_SOCKET)
            shutdown(fds[i], SHUT_RDWR);
    }
    int64_t deadline = atrium_monotonic_ms() + STOP_WAIT_MS;
    while (atomic_load(&srv->inflight) > 0 && atrium_monotonic_ms() < deadline) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    unsigned left = atomic_load(&srv->inflight);
    if (left > 0)
        atrium_log(ATRIUM_LOG_WARN, "stopping with %u request(s) still in flight", left);
    for (unsigned i = 0; i < srv->ndaemons; i++) {
        MHD_stop_daemon(srv->daemons[i]);
        if (fds[i] != MHD_INVALID_SOCKET)
            close(fds[i]);
    }
    free(fds);
    server_free(srv);
}
