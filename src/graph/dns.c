/* SPDX-License-Identifier: MIT */
/*
 * The DNS transport of dns.h: picking the server (configured HOST:PORT or
 * resolv.conf), then one question over UDP (fresh socket, random id,
 * connected to the server, mismatching datagrams ignored until the
 * deadline, ATRIUM_DNS_TRIES tries) and over TCP when the UDP answer is
 * truncated. Every wait is bounded by the server's timeout.
 */
#include "graph/dns.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/str.h"

#define RESOLV_LINE_MAX 512
#define RESOLV_LINES_MAX 1000
#define QUERY_MAX (12 + ATRIUM_DNS_NAME_MAX + 4)

/* Resolve the numeric host and port into ret. */
static int numeric_addr(const char *host, const char *port, struct atrium_dns_server *ret)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_DGRAM,
                             .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
    struct addrinfo *ai = NULL;
    int64_t p = 0;
    if (atrium_str_to_i64(port, 1, 65535, &p) < 0 || getaddrinfo(host, port, &hints, &ai) != 0)
        return ATRIUM_EINVAL;
    if (ai->ai_addrlen > sizeof(ret->addr)) {
        freeaddrinfo(ai);
        return ATRIUM_EINVAL;
    }
    memset(ret, 0, sizeof(*ret));
    memcpy(&ret->addr, ai->ai_addr, ai->ai_addrlen);
    ret->addr_len = ai->ai_addrlen;
    bool v6 = ai->ai_family == AF_INET6;
    freeaddrinfo(ai);
    snprintf(ret->text, sizeof(ret->text), v6 ? "[%s]:%s" : "%s:%s", host, port);
    ret->timeout_ms = ATRIUM_DNS_TIMEOUT_MS;
    ret->tries = ATRIUM_DNS_TRIES;
    return 0;
}

int atrium_dns_server_parse(const char *spec, const char *field, struct atrium_dns_server *ret,
                            struct atrium_errinfo *e)
{
    char host[ATRIUM_DNS_SERVER_TEXT_MAX];
    const char *port = "53";
    size_t len = spec ? strlen(spec) : 0;
    if (len == 0 || len >= sizeof(host) - 1)
        goto bad;
    const char *colon = strchr(spec, ':');
    if (spec[0] == '[') { /* "[v6]" or "[v6]:port" */
        const char *close = strchr(spec, ']');
        if (!close || (close[1] && close[1] != ':') || (close[1] == ':' && !close[2]))
            goto bad;
        snprintf(host, sizeof(host), "%.*s", (int)(close - spec - 1), spec + 1);
        if (close[1] == ':')
            port = close + 2;
    } else if (colon && !strchr(colon + 1, ':')) { /* "v4:port" */
        snprintf(host, sizeof(host), "%.*s", (int)(colon - spec), spec);
        port = colon + 1;
    } else { /* a bare v4 or v6 literal */
        snprintf(host, sizeof(host), "%s", spec);
    }
    if (numeric_addr(host, port, ret) == 0)
        return 0;
bad:
    return atrium_err(e, ATRIUM_EINVAL, field,
                      "The DNS server must be an IP address with an optional port "
                      "(127.0.0.1:53, [::1]:53), not '%.64s'.",
                      spec ? spec : "");
}

/* The address of a "nameserver ADDR" line, or NULL. Modifies line. */
static const char *nameserver_of(char *line)
{
    char *save = NULL;
    const char *key = strtok_r(line, " \t\r\n", &save);
    if (!key || strcmp(key, "nameserver") != 0)
        return NULL;
    return strtok_r(NULL, " \t\r\n", &save);
}

int atrium_dns_server_from_resolv_conf(const char *path, struct atrium_dns_server *ret,
                                       struct atrium_errinfo *e)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return atrium_err(e, ATRIUM_ENOTFOUND, "",
                          "No DNS server is configured and %s cannot be read.", path);
    char line[RESOLV_LINE_MAX];
    bool partial = false; /* inside a line longer than the buffer */
    int rc = ATRIUM_ENOTFOUND;
    for (int n = 0; rc < 0 && n < RESOLV_LINES_MAX && fgets(line, sizeof(line), f); n++) {
        bool whole = strchr(line, '\n') != NULL;
        const char *addr = partial ? NULL : nameserver_of(line);
        partial = !whole;
        if (addr && numeric_addr(addr, "53", ret) == 0)
            rc = 0;
    }
    fclose(f);
    if (rc < 0)
        return atrium_err(e, rc, "", "No DNS server is configured and %s names none.", path);
    return 0;
}

int atrium_dns_server_pick(const char *spec, struct atrium_dns_server *ret,
                           struct atrium_errinfo *e)
{
    if (spec && *spec)
        return atrium_dns_server_parse(spec, "dns-server", ret, e);
    return atrium_dns_server_from_resolv_conf(ATRIUM_DNS_RESOLV_CONF, ret, e);
}

/* Milliseconds left until deadline (0 when past). */
static int remaining(int64_t deadline)
{
    int64_t left = deadline - atrium_monotonic_ms();
    return left > 0 ? (int)left : 0;
}

/* Wait for events on fd until deadline: 1 ready, 0 timed out, -1 error. */
static int wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        struct pollfd p = {.fd = fd, .events = events};
        int n = poll(&p, 1, remaining(deadline));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n;
        return (p.revents & (events | POLLHUP | POLLERR)) ? 1 : 0;
    }
}

static bool same_addr(const struct sockaddr_storage *a, const struct atrium_dns_server *srv)
{
    if (a->ss_family != srv->addr.ss_family)
        return false;
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *x = (const void *)a, *y = (const void *)&srv->addr;
        return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)&srv->addr;
    return x->sin6_port == y->sin6_port &&
           memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
}

/* What one transport attempt ended with. */
enum attempt {
    ATTEMPT_OK,      /* *ret holds the parsed answer */
    ATTEMPT_TIMEOUT, /* nothing usable before the deadline */
    ATTEMPT_REFUSED, /* the server is not there (ICMP unreachable, RST) */
    ATTEMPT_GARBAGE, /* TCP: the answer was not ours or malformed */
    ATTEMPT_FAILED,  /* a local socket failure */
};

/* A connected non-blocking socket of the server's family, or -1. */
static int open_socket(const struct atrium_dns_server *srv, int type)
{
    int fd = socket(srv->addr.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (const struct sockaddr *)&srv->addr, srv->addr_len) < 0 &&
        errno != EINPROGRESS) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

/* One UDP try with its own socket and id. */
static enum attempt udp_try(const struct atrium_dns_server *srv, const char *name, uint16_t qtype,
                            struct atrium_dns_answer *ret)
{
    uint8_t q[QUERY_MAX], pkt[ATRIUM_DNS_UDP_MAX];
    size_t qlen;
    uint16_t id;
    atrium_random_bytes(&id, sizeof(id));
    if (atrium_dns_build_query(id, name, qtype, q, sizeof(q), &qlen) < 0)
        return ATTEMPT_FAILED;
    int fd = open_socket(srv, SOCK_DGRAM);
    if (fd < 0)
        return ATTEMPT_FAILED;
    enum attempt res = ATTEMPT_TIMEOUT;
    int64_t deadline = atrium_monotonic_ms() + srv->timeout_ms;
    if (send(fd, q, qlen, 0) != (ssize_t)qlen)
        res = errno == ECONNREFUSED ? ATTEMPT_REFUSED : ATTEMPT_FAILED;
    while (res == ATTEMPT_TIMEOUT && wait_fd(fd, POLLIN, deadline) > 0) {
        struct sockaddr_storage from;
        socklen_t flen = sizeof(from);
        ssize_t n = recvfrom(fd, pkt, sizeof(pkt), MSG_TRUNC, (struct sockaddr *)&from, &flen);
        if (n < 0) {
            if (errno == ECONNREFUSED)
                res = ATTEMPT_REFUSED;
            else if (errno != EAGAIN && errno != EINTR)
                res = ATTEMPT_FAILED;
            continue;
        }
        /* Oversized, from elsewhere, not our answer, or malformed: keep waiting. */
        if ((size_t)n > sizeof(pkt) || !same_addr(&from, srv))
            continue;
        if (atrium_dns_parse_answer(pkt, (size_t)n, id, name, qtype, ret) == 0)
            res = ATTEMPT_OK;
    }
    close(fd);
    return res;
}

/* Write all of buf, or read exactly len bytes, before deadline. */
static enum attempt tcp_io(int fd, uint8_t *buf, size_t len, bool write, int64_t deadline)
{
    size_t done = 0;
    while (done < len) {
        if (wait_fd(fd, write ? POLLOUT : POLLIN, deadline) <= 0)
            return ATTEMPT_TIMEOUT;
        ssize_t n = write ? send(fd, buf + done, len - done, MSG_NOSIGNAL)
                          : recv(fd, buf + done, len - done, 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n < 0 && (errno == ECONNREFUSED || errno == ECONNRESET))
            return ATTEMPT_REFUSED;
        if (n <= 0)
            return n == 0 ? ATTEMPT_GARBAGE : ATTEMPT_FAILED;
        done += (size_t)n;
    }
    return ATTEMPT_OK;
}

static enum attempt tcp_try(const struct atrium_dns_server *srv, const char *name, uint16_t qtype,
                            struct atrium_dns_answer *ret)
{
    uint8_t q[2 + QUERY_MAX], pkt[ATRIUM_DNS_TCP_MAX], lenbuf[2] = {0};
    size_t qlen;
    uint16_t id;
    atrium_random_bytes(&id, sizeof(id));
    if (atrium_dns_build_query(id, name, qtype, q + 2, sizeof(q) - 2, &qlen) < 0)
        return ATTEMPT_FAILED;
    q[0] = (uint8_t)(qlen >> 8);
    q[1] = (uint8_t)(qlen & 0xff);
    int fd = open_socket(srv, SOCK_STREAM);
    if (fd < 0)
        return errno == ECONNREFUSED ? ATTEMPT_REFUSED : ATTEMPT_FAILED;
    int64_t deadline = atrium_monotonic_ms() + srv->timeout_ms;
    enum attempt res = tcp_io(fd, q, qlen + 2, true, deadline);
    if (res == ATTEMPT_OK)
        res = tcp_io(fd, lenbuf, 2, false, deadline);
    size_t n = ((size_t)lenbuf[0] << 8) | lenbuf[1];
    if (res == ATTEMPT_OK && n > sizeof(pkt))
        res = ATTEMPT_GARBAGE; /* over the 4 KiB cap */
    if (res == ATTEMPT_OK)
        res = tcp_io(fd, pkt, n, false, deadline);
    if (res == ATTEMPT_OK && atrium_dns_parse_answer(pkt, n, id, name, qtype, ret) < 0)
        res = ATTEMPT_GARBAGE;
    close(fd);
    return res;
}

static int attempt_error(enum attempt a, const struct atrium_dns_server *srv,
                         struct atrium_errinfo *e)
{
    switch (a) {
    case ATTEMPT_TIMEOUT:
        return atrium_err(e, ATRIUM_EBUSY, "",
                          "The DNS server %s did not answer in time. Try again later.", srv->text);
    case ATTEMPT_REFUSED:
        return atrium_err(e, ATRIUM_EBUSY, "",
                          "The DNS server %s cannot be reached. Try again later.", srv->text);
    case ATTEMPT_GARBAGE:
        return atrium_err(e, ATRIUM_EBUSY, "",
                          "The DNS server %s sent an unusable answer. Try again later.", srv->text);
    default:
        return atrium_err(e, ATRIUM_EBUSY, "", "The DNS look-up failed. Try again later.");
    }
}

int atrium_dns_lookup(const struct atrium_dns_server *srv, const char *name, uint16_t qtype,
                      struct atrium_dns_answer *ret, struct atrium_errinfo *e)
{
    uint8_t probe[QUERY_MAX];
    size_t plen;
    if (atrium_dns_build_query(0, name, qtype, probe, sizeof(probe), &plen) < 0)
        return atrium_err(e, ATRIUM_EINVAL, "", "'%.64s' cannot be looked up in DNS.",
                          name ? name : "");
    struct atrium_dns_answer a = {0};
    enum attempt res = ATTEMPT_TIMEOUT;
    unsigned tries = srv->tries ? srv->tries : 1;
    for (unsigned i = 0; i < tries && res != ATTEMPT_OK && res != ATTEMPT_FAILED; i++)
        res = udp_try(srv, name, qtype, &a);
    if (res == ATTEMPT_OK && a.truncated) {
        atrium_dns_answer_release(&a);
        res = tcp_try(srv, name, qtype, &a);
    }
    if (res != ATTEMPT_OK)
        return attempt_error(res, srv, e);
    *ret = a;
    return 0;
}
