/* SPDX-License-Identifier: MIT */
/*
 * The DNS transport of graph/dns.h against a fake server thread on
 * 127.0.0.1 (UDP and TCP on one port): a plain answer; spoofed datagrams
 * (another source port, another id, garbage) ignored before the real one;
 * a truncated UDP answer asked again over TCP; silence (timeout after the
 * tries); nobody listening; a TCP answer over the 4 KiB cap. Then the
 * server address syntax and resolv.conf parsing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "graph/dns.h"

#define NAME "contoso.example"
#define CODE "MS=ms12345678"

enum fake_mode {
    FAKE_ANSWER,   /* answer every query */
    FAKE_SPOOF,    /* spoofed and broken datagrams first, then the answer */
    FAKE_TRUNCATE, /* TC over UDP, the full (long) answer over TCP */
    FAKE_SILENT,   /* never answer */
    FAKE_TCP_HUGE, /* TC over UDP, then a TCP length over the cap */
};

struct fake {
    enum fake_mode mode;
    int udp, tcp, other;
    uint16_t port;
    atomic_bool stop;
    atomic_int udp_queries;
    pthread_t thread;
};

/* An answer to query q (qlen bytes): its header and question, plus one TXT record. */
static size_t make_answer(const uint8_t *q, size_t qlen, uint16_t id, bool tc, const char *txt,
                          uint8_t *out)
{
    size_t tlen = strlen(txt), len = qlen;
    memcpy(out, q, qlen);
    out[0] = (uint8_t)(id >> 8);
    out[1] = (uint8_t)(id & 0xff);
    out[2] = tc ? 0x83 : 0x81;
    out[3] = 0x80;
    out[7] = tc ? 0 : 1; /* ANCOUNT */
    if (tc)
        return len;
    /* One record: owner -> the question name, TXT IN, TTL 3600; strings of <= 255 bytes. */
    size_t rdlen = tlen + (tlen + 254) / 255;
    uint8_t rr[12] = {
        0xc0, 0x0c, 0, 16, 0, 1, 0, 0, 0x0e, 0x10, (uint8_t)(rdlen >> 8), (uint8_t)(rdlen & 0xff)};
    memcpy(out + len, rr, sizeof(rr));
    len += sizeof(rr);
    for (size_t i = 0; i < tlen; i += 255) {
        size_t l = tlen - i > 255 ? 255 : tlen - i;
        out[len++] = (uint8_t)l;
        memcpy(out + len, txt + i, l);
        len += l;
    }
    return len;
}

static uint16_t id_of(const uint8_t *q)
{
    return (uint16_t)((q[0] << 8) | q[1]);
}

static void fake_udp(struct fake *f)
{
    uint8_t q[512], out[8192];
    struct sockaddr_in from;
    socklen_t flen = sizeof(from);
    ssize_t n = recvfrom(f->udp, q, sizeof(q), 0, (struct sockaddr *)&from, &flen);
    if (n < 12)
        return;
    atomic_fetch_add(&f->udp_queries, 1);
    size_t len;
    const struct sockaddr *to = (const struct sockaddr *)&from;
    switch (f->mode) {
    case FAKE_SILENT:
        return;
    case FAKE_SPOOF:
        len = make_answer(q, (size_t)n, id_of(q), false, "MS=spoofed-port", out);
        sendto(f->other, out, len, 0, to, flen); /* right id, wrong source port */
        len = make_answer(q, (size_t)n, id_of(q) ^ 1, false, "MS=wrong-id", out);
        sendto(f->udp, out, len, 0, to, flen);
        sendto(f->udp, "\x01\x02garbage", 9, 0, to, flen);
        /* fallthrough */
    case FAKE_ANSWER:
        len = make_answer(q, (size_t)n, id_of(q), false, CODE, out);
        break;
    default:
        len = make_answer(q, (size_t)n, id_of(q), true, "", out);
        break;
    }
    sendto(f->udp, out, len, 0, to, flen);
}

static void read_all(int fd, uint8_t *buf, size_t len)
{
    for (size_t done = 0; done < len;) {
        ssize_t n = recv(fd, buf + done, len - done, 0);
        if (n <= 0)
            return;
        done += (size_t)n;
    }
}

static void fake_tcp(struct fake *f)
{
    uint8_t q[600], out[8192];
    char big[1200];
    int c = accept(f->tcp, NULL, NULL);
    if (c < 0)
        return;
    uint8_t lb[2] = {0};
    read_all(c, lb, 2);
    size_t qlen = ((size_t)lb[0] << 8) | lb[1];
    if (qlen >= 12 && qlen <= sizeof(q)) {
        read_all(c, q, qlen);
        memset(big, 'x', sizeof(big) - 1);
        memcpy(big, CODE, strlen(CODE));
        big[sizeof(big) - 1] = '\0';
        size_t len = make_answer(q, qlen, id_of(q), false, big, out + 2);
        if (f->mode == FAKE_TCP_HUGE)
            len = 5000; /* announced, over the 4 KiB cap */
        out[0] = (uint8_t)(len >> 8);
        out[1] = (uint8_t)(len & 0xff);
        send(c, out, f->mode == FAKE_TCP_HUGE ? 2 : len + 2, MSG_NOSIGNAL);
    }
    close(c);
}

static void *fake_main(void *arg)
{
    struct fake *f = arg;
    while (!atomic_load(&f->stop)) {
        struct pollfd p[2] = {{.fd = f->udp, .events = POLLIN}, {.fd = f->tcp, .events = POLLIN}};
        if (poll(p, 2, 50) <= 0)
            continue;
        if (p[0].revents & POLLIN)
            fake_udp(f);
        if (p[1].revents & POLLIN)
            fake_tcp(f);
    }
    return NULL;
}

static int bound_socket(int type, uint16_t port)
{
    int fd = socket(AF_INET, type, 0);
    assert_true(fd >= 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static uint16_t port_of(int fd)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    return ntohs(a.sin_port);
}

/* Start a fake server on a free port (UDP and TCP alike). */
static void fake_start(struct fake *f, enum fake_mode mode)
{
    memset(f, 0, sizeof(*f));
    f->mode = mode;
    for (int i = 0; i < 50 && f->tcp <= 0; i++) {
        f->udp = bound_socket(SOCK_DGRAM, 0);
        f->port = port_of(f->udp);
        f->tcp = bound_socket(SOCK_STREAM, f->port);
        if (f->tcp < 0)
            close(f->udp);
    }
    assert_true(f->tcp > 0);
    assert_int_equal(listen(f->tcp, 4), 0);
    f->other = bound_socket(SOCK_DGRAM, 0);
    assert_int_equal(pthread_create(&f->thread, NULL, fake_main, f), 0);
}

static void fake_stop(struct fake *f)
{
    atomic_store(&f->stop, true);
    pthread_join(f->thread, NULL);
    close(f->udp);
    close(f->tcp);
    close(f->other);
}

static struct atrium_dns_server server_at(uint16_t port, unsigned timeout_ms)
{
    struct atrium_dns_server s;
    char spec[32];
    snprintf(spec, sizeof(spec), "127.0.0.1:%u", (unsigned)port);
    assert_int_equal(atrium_dns_server_parse(spec, "dns", &s, NULL), 0);
    s.timeout_ms = timeout_ms;
    return s;
}

static void test_answer(void **state)
{
    (void)state;
    struct fake f;
    struct atrium_dns_answer a = {0};
    fake_start(&f, FAKE_ANSWER);
    struct atrium_dns_server s = server_at(f.port, 2000);
    assert_int_equal(atrium_dns_lookup(&s, "Contoso.Example", ATRIUM_DNS_TYPE_TXT, &a, NULL), 0);
    assert_int_equal(a.txt_count, 1);
    assert_string_equal(a.txt[0], CODE);
    atrium_dns_answer_release(&a);
    fake_stop(&f);
}

static void test_spoofed_datagrams_ignored(void **state)
{
    (void)state;
    struct fake f;
    struct atrium_dns_answer a = {0};
    fake_start(&f, FAKE_SPOOF);
    struct atrium_dns_server s = server_at(f.port, 2000);
    assert_int_equal(atrium_dns_lookup(&s, NAME, ATRIUM_DNS_TYPE_TXT, &a, NULL), 0);
    assert_int_equal(a.txt_count, 1);
    assert_string_equal(a.txt[0], CODE);
    atrium_dns_answer_release(&a);
    assert_int_equal(atomic_load(&f.udp_queries), 1);
    fake_stop(&f);
}

static void test_truncated_goes_tcp(void **state)
{
    (void)state;
    struct fake f;
    struct atrium_dns_answer a = {0};
    fake_start(&f, FAKE_TRUNCATE);
    struct atrium_dns_server s = server_at(f.port, 2000);
    assert_int_equal(atrium_dns_lookup(&s, NAME, ATRIUM_DNS_TYPE_TXT, &a, NULL), 0);
    assert_false(a.truncated);
    assert_int_equal(a.txt_count, 1);
    assert_int_equal(strlen(a.txt[0]), 1199); /* several strings joined, over 512 bytes */
    assert_memory_equal(a.txt[0], CODE, strlen(CODE));
    atrium_dns_answer_release(&a);
    fake_stop(&f);
}

static void test_tcp_over_cap(void **state)
{
    (void)state;
    struct fake f;
    struct atrium_dns_answer a = {0};
    struct atrium_errinfo e = {0};
    fake_start(&f, FAKE_TCP_HUGE);
    struct atrium_dns_server s = server_at(f.port, 2000);
    assert_int_equal(atrium_dns_lookup(&s, NAME, ATRIUM_DNS_TYPE_TXT, &a, &e), ATRIUM_EBUSY);
    assert_non_null(strstr(e.message, "unusable"));
    fake_stop(&f);
}

static void test_timeout(void **state)
{
    (void)state;
    struct fake f;
    struct atrium_dns_answer a = {0};
    struct atrium_errinfo e = {0};
    fake_start(&f, FAKE_SILENT);
    struct atrium_dns_server s = server_at(f.port, 150);
    assert_int_equal(atrium_dns_lookup(&s, NAME, ATRIUM_DNS_TYPE_TXT, &a, &e), ATRIUM_EBUSY);
    assert_non_null(strstr(e.message, "did not answer in time"));
    assert_int_equal(atomic_load(&f.udp_queries), ATRIUM_DNS_TRIES);
    fake_stop(&f);
}

static void test_nobody_listening(void **state)
{
    (void)state;
    struct atrium_dns_answer a = {0};
    struct atrium_errinfo e = {0};
    int fd = bound_socket(SOCK_DGRAM, 0);
    uint16_t port = port_of(fd);
    close(fd); /* the port is free now: the kernel answers "port unreachable" */
    struct atrium_dns_server s = server_at(port, 500);
    assert_int_equal(atrium_dns_lookup(&s, NAME, ATRIUM_DNS_TYPE_TXT, &a, &e), ATRIUM_EBUSY);
    assert_non_null(strstr(e.message, "127.0.0.1"));
    assert_int_equal(atrium_dns_lookup(&s, "bad..name", ATRIUM_DNS_TYPE_TXT, &a, &e),
                     ATRIUM_EINVAL);
}

static void test_server_parse(void **state)
{
    (void)state;
    struct atrium_dns_server s;
    struct atrium_errinfo e = {0};
    assert_int_equal(atrium_dns_server_parse("127.0.0.1:5353", "dns", &s, NULL), 0);
    assert_string_equal(s.text, "127.0.0.1:5353");
    assert_int_equal(s.addr.ss_family, AF_INET);
    assert_int_equal(ntohs(((struct sockaddr_in *)&s.addr)->sin_port), 5353);
    assert_int_equal(s.timeout_ms, ATRIUM_DNS_TIMEOUT_MS);
    assert_int_equal(s.tries, ATRIUM_DNS_TRIES);
    assert_int_equal(atrium_dns_server_parse("10.0.0.1", "dns", &s, NULL), 0);
    assert_string_equal(s.text, "10.0.0.1:53");
    assert_int_equal(atrium_dns_server_parse("[::1]:53", "dns", &s, NULL), 0);
    assert_int_equal(s.addr.ss_family, AF_INET6);
    assert_string_equal(s.text, "[::1]:53");
    assert_int_equal(atrium_dns_server_parse("::1", "dns", &s, NULL), 0);
    assert_int_equal(atrium_dns_server_parse("[fe80::1]", "dns", &s, NULL), 0);
    const char *bad[] = {"",
                         "dns.example:53",
                         "127.0.0.1:0",
                         "127.0.0.1:65536",
                         "127.0.0.1:",
                         "127.0.0.1:x",
                         "[::1",
                         "[::1]:",
                         "[::1]x",
                         "1.2.3.4.5",
                         "127.0.0.1:53:53",
                         "0123456789012345678901234567890123456789012345678901234567890123456789"
                         "0123456789"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(atrium_dns_server_parse(bad[i], "dns-server", &s, &e), ATRIUM_EINVAL);
        assert_string_equal(e.field, "dns-server");
    }
    assert_int_equal(atrium_dns_server_parse(NULL, "dns", &s, NULL), ATRIUM_EINVAL);
}

static char *write_temp(const char *content)
{
    const char *tmp = getenv("ATRIUM_TEST_TMP");
    char *path = xasprintf("%s/resolv-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
    close(fd);
    return path;
}

static void test_resolv_conf(void **state)
{
    (void)state;
    struct atrium_dns_server s;
    struct atrium_errinfo e = {0};
    /* A line longer than the 512-byte buffer: its continuation is not a line of its own. */
    char xs[505];
    memset(xs, 'x', 504);
    xs[504] = '\0';
    AUTO_FREE char *content = xasprintf("# nameserver 10.9.9.9\n; comment\nnameserver\n"
                                        "nameserver not-an-ip\nsearch %snameserver 10.9.9.8\n"
                                        "nameserver 192.0.2.1\nnameserver 10.0.0.2\n",
                                        xs);
    AUTO_FREE char *path = write_temp(content);
    assert_int_equal(atrium_dns_server_from_resolv_conf(path, &s, NULL), 0);
    assert_string_equal(s.text, "192.0.2.1:53");
    unlink(path);

    AUTO_FREE char *path2 = write_temp("options ndots:2\n  nameserver\t2001:db8::53 \n");
    assert_int_equal(atrium_dns_server_from_resolv_conf(path2, &s, NULL), 0);
    assert_string_equal(s.text, "[2001:db8::53]:53");
    unlink(path2);

    AUTO_FREE char *path3 = write_temp("search example\n");
    assert_int_equal(atrium_dns_server_from_resolv_conf(path3, &s, &e), ATRIUM_ENOTFOUND);
    assert_non_null(strstr(e.message, "names none"));
    unlink(path3);
    assert_int_equal(atrium_dns_server_from_resolv_conf("/nonexistent/resolv.conf", &s, &e),
                     ATRIUM_ENOTFOUND);

    /* pick: the configured server wins; an invalid one is an error, not a fallback. */
    assert_int_equal(atrium_dns_server_pick("127.0.0.1:53", &s, NULL), 0);
    assert_int_equal(atrium_dns_server_pick("nope", &s, &e), ATRIUM_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_answer),
        cmocka_unit_test(test_spoofed_datagrams_ignored),
        cmocka_unit_test(test_truncated_goes_tcp),
        cmocka_unit_test(test_tcp_over_cap),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_nobody_listening),
        cmocka_unit_test(test_server_parse),
        cmocka_unit_test(test_resolv_conf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
