/* SPDX-License-Identifier: MIT */
/*
 * The DNS wire format of graph/dns.h with crafted packets: queries, TXT
 * and MX answers (compression, split strings, CNAMEs, other owners), and
 * every hostile shape we can think of (wrong id or question, truncation at
 * each byte, pointer loops, forward pointers, oversized counts, names and
 * RDATA) plus random mutations. Every packet is parsed from an exact-size
 * heap copy, so an over-read is an AddressSanitizer error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "graph/dns.h"

#define ID 0x1234
#define NAME "contoso.example"

/* A packet under construction. */
struct pkt {
    uint8_t b[ATRIUM_DNS_TCP_MAX * 2];
    size_t len;
};

static void p_u8(struct pkt *p, unsigned v)
{
    assert_true(p->len < sizeof(p->b));
    p->b[p->len++] = (uint8_t)v;
}

static void p_u16(struct pkt *p, unsigned v)
{
    p_u8(p, v >> 8);
    p_u8(p, v & 0xff);
}

static void p_bytes(struct pkt *p, const void *data, size_t n)
{
    assert_true(p->len + n <= sizeof(p->b));
    memcpy(p->b + p->len, data, n);
    p->len += n;
}

/* A name in wire form, uncompressed. */
static void p_name(struct pkt *p, const char *text)
{
    while (*text) {
        const char *dot = strchr(text, '.');
        size_t l = dot ? (size_t)(dot - text) : strlen(text);
        p_u8(p, (unsigned)l);
        p_bytes(p, text, l);
        text += l + (dot ? 1 : 0);
    }
    p_u8(p, 0);
}

static void p_header(struct pkt *p, unsigned id, unsigned flags, unsigned qd, unsigned an)
{
    p->len = 0;
    p_u16(p, id);
    p_u16(p, flags);
    p_u16(p, qd);
    p_u16(p, an);
    p_u16(p, 0);
    p_u16(p, 0);
}

/* Header (QR, RD, RA) and our question; the question name sits at offset 12. */
static void p_start(struct pkt *p, unsigned an, unsigned qtype)
{
    p_header(p, ID, 0x8180, 1, an);
    p_name(p, NAME);
    p_u16(p, qtype);
    p_u16(p, 1);
}

/* A record header owned by the question name (pointer to offset 12). */
static void p_rr(struct pkt *p, unsigned type, unsigned rdlen)
{
    p_u16(p, 0xc00c);
    p_u16(p, type);
    p_u16(p, 1);
    p_u16(p, 0);
    p_u16(p, 3600);
    p_u16(p, rdlen);
}

static void p_txt(struct pkt *p, const char *text)
{
    size_t l = strlen(text);
    p_rr(p, ATRIUM_DNS_TYPE_TXT, (unsigned)(l + 1));
    p_u8(p, (unsigned)l);
    p_bytes(p, text, l);
}

/* Parse from an exact-size heap copy of p[0..len). */
static int parse_len(const struct pkt *p, size_t len, unsigned qtype, struct atrium_dns_answer *a)
{
    uint8_t *copy = xmalloc(len ? len : 1);
    memcpy(copy, p->b, len);
    memset(a, 0, sizeof(*a));
    int r = atrium_dns_parse_answer(copy, len, ID, NAME, (uint16_t)qtype, a);
    free(copy);
    return r;
}

static int parse(const struct pkt *p, unsigned qtype, struct atrium_dns_answer *a)
{
    return parse_len(p, p->len, qtype, a);
}

static void test_build_query(void **state)
{
    (void)state;
    uint8_t buf[512];
    size_t len = 0;
    assert_int_equal(atrium_dns_build_query(0xabcd, "Contoso.Example.", ATRIUM_DNS_TYPE_TXT, buf,
                                            sizeof(buf), &len),
                     0);
    static const uint8_t want[] = {0xab, 0xcd, 0x01, 0x00, 0,   1,   0,   0,   0,   0, 0,
                                   0,    7,    'c',  'o',  'n', 't', 'o', 's', 'o', 7, 'e',
                                   'x',  'a',  'm',  'p',  'l', 'e', 0,   0,   16,  0, 1};
    assert_int_equal(len, sizeof(want));
    assert_memory_equal(buf, want, sizeof(want));

    char label64[80];
    memset(label64, 'a', 64);
    memcpy(label64 + 64, ".com", 5);
    char long_name[300];
    for (size_t i = 0; i < 127; i++)
        memcpy(long_name + 2 * i, "a.", 2);
    memcpy(long_name + 254, "a", 2); /* 255 characters */
    const char *bad[] = {"", ".", "a..b", ".a", label64, long_name};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(
            atrium_dns_build_query(1, bad[i], ATRIUM_DNS_TYPE_TXT, buf, sizeof(buf), &len),
            ATRIUM_EINVAL);
    assert_int_equal(atrium_dns_build_query(1, NULL, 16, buf, sizeof(buf), &len), ATRIUM_EINVAL);
    assert_int_equal(atrium_dns_build_query(1, NAME, 16, buf, 20, &len), ATRIUM_ETOOBIG);
}

static void test_txt_answer(void **state)
{
    (void)state;
    struct pkt p;
    struct atrium_dns_answer a;
    p_start(&p, 3, ATRIUM_DNS_TYPE_TXT);
    p_txt(&p, "MS=ms12345678");
    /* One record split in two strings: joined. */
    p_rr(&p, ATRIUM_DNS_TYPE_TXT, 2 + 5 + 4);
    p_u8(&p, 5);
    p_bytes(&p, "v=spf", 5);
    p_u8(&p, 4);
    p_bytes(&p, "1 -a", 4);
    /* Bytes outside printable ASCII, and the backslash, come out escaped. */
    p_rr(&p, ATRIUM_DNS_TYPE_TXT, 4);
    p_u8(&p, 3);
    p_bytes(&p, "a\0\\", 3);

    assert_int_equal(parse(&p, ATRIUM_DNS_TYPE_TXT, &a), 0);
    assert_int_equal(a.rcode, 0);
    assert_false(a.truncated);
    assert_int_equal(a.txt_count, 3);
    assert_string_equal(a.txt[0], "MS=ms12345678");
    assert_string_equal(a.txt[1], "v=spf1 -a");
    assert_string_equal(a.txt[2], "a\\000\\092");
    assert_int_equal(a.mx_count, 0);
    atrium_dns_answer_release(&a);

    /* The question name matches case-insensitively; an empty TXT record is kept. */
    p_header(&p, ID, 0x8180, 1, 1);
    p_name(&p, "CONTOSO.Example");
    p_u16(&p, ATRIUM_DNS_TYPE_TXT);
    p_u16(&p, 1);
    p_rr(&p, ATRIUM_DNS_TYPE_TXT, 1);
    p_u8(&p, 0);
    assert_int_equal(parse(&p, ATRIUM_DNS_TYPE_TXT, &a), 0);
    assert_int_equal(a.txt_count, 1);
    assert_string_equal(a.txt[0], "");
    atrium_dns_answer_release(&a);
}

static void test_mx_answer(void **state)
{
    (void)state;
    struct pkt p;
    struct atrium_dns_answer a;
    p_start(&p, 2, ATRIUM_DNS_TYPE_MX);
    /* ms12345678.msv1.invalid, uncompressed */
    p_rr(&p, ATRIUM_DNS_TYPE_MX, 2 + 25);
    p_u16(&p, 32767);
    p_name(&p, "MS12345678.msv1.invalid");
    /* mail.contoso.example: "mail" + pointer to the question name */
    p_rr(&p, ATRIUM_DNS_TYPE_MX, 2 + 5 + 2);
    p_u16(&p, 10);
    p_u8(&p, 4);
    p_bytes(&p, "mail", 4);
    p_u16(&p, 0xc00c);
    assert_int_equal(parse(&p, ATRIUM_DNS_TYPE_MX, &a), 0);
    assert_int_equal(a.mx_count, 2);
    assert_int_equal(a.mx[0].preference, 32767);
    assert_string_equal(a.mx[0].host, "ms12345678.msv1.invalid");
    assert_int_equal(a.mx[1].preference, 10);
    assert_string_equal(a.mx[1].host, "mail.contoso.example");
    atrium_dns_answer_release(&a);

    /* The exchange must end exactly at the RDATA's end. */
    p_start(&p, 1, ATRIUM_DNS_TYPE_MX);
    p_rr(&p, ATRIUM_DNS_TYPE_MX, 2 + 2 + 1);
    p_u16(&p, 10);
    p_u16(&p, 0xc00c);
    p_u8(&p, 0);
    assert_int_equal(parse(&p, ATRIUM_DNS_TYPE_MX, &a), ATRIUM_EINVAL);
    p_start(&p, 1, ATRIUM_DNS_TYPE_MX);
    p_rr(&p, ATRIUM_DNS_TYPE_MX, 2);
    p_u16(&p, 10);
    assert_int_equal(parse(&p, ATRIUM_DNS_TYPE_MX, &a), ATRIUM_EINVAL);
}

static void test_other_owners_and_cname(void **state)
{
    (void)state;
    struct pkt p;
    struct atrium_dns_answer a;
    p_start(&p, 4, ATRIUM_DNS_TYPE_TXT);
    /* A record for _sub.contoso.example does not count for contoso.example. */
    p_u8(&p, 4);
    p_bytes(&p, "_sub", 4);
    p_u16(&p, 0xc00c);
    p_u16(&p, ATRIUM_DNS_TYPE_TXT);
    p_u16(&p, 1);
    p_u16(&p, 0);
    p_u16(&p, 60);
    p_u16(&p, 4);
    p_u8(&p, 3);
    p_bytes(&p, "sub", 3);
    /* contoso.example CNAME alias.example; alias.example TXT "via"; a CH-class record. */
    size_t cname_at = p.len + 12;
    p_rr(&p, ATRIUM_DNS_TYPE_CNAME, 15);
    p_name(&p, "alias.example");
    p_u16(&p, 0xc000 | (unsigned)cname_at);
    p_u16(&p, ATRIUM_DNS_TYPE_TXT);
    p_u16(&p, 1);
    p_u16(&p, 0);
    p_u16(&p, 60);
    p_u16(&p, 4);
    p_u8(&p, 3);
    p_bytes(&p, "via", 3);
    p_u16(&p, 0xc00c);
    p_u16(&p, ATRIUM_DNS_TYPE_TXT);
    p_u16(&p, 3); /* class CH */
    p_u16(&p, 0);
    p_u16(&p, 60);
    p_u16(&p, 3);
    p_u8(&p, 2);
    p_bytes(&p, "ch", 2);
    assert_int_equal(parse(&p, ATRIUM_DNS_TYPE_TXT, &a), 0);
    assert_int_equal(a.txt_count, 1);
    assert_string_equal(a.txt[0], "via");
    atrium_dns_answer_release(&a);
}

static void test_not_our_answer(void **state)
{
    (void)state;
    struct pkt p;
    struct atrium_dns_answer a;
    /* Wrong id. */
    p_header(&p, ID + 1, 0x8180, 1, 1);
    p_name(&p, NAME);
    p_u16(&p, 16);
    p_u16(&p, 1);
    p_txt(&p, "MS=ms12345678");
    assert_int_equal(parse(&p, 16, &a), ATRIUM_ENOTFOUND);
    /* A query, not a response; another opcode. */
    p.b[0] = ID >> 8, p.b[1] = ID & 0xff, p.b[2] = 0x01;
    assert_int_equal(parse(&p, 16, &a), ATRIUM_ENOTFOUND);
    p.b[2] = 0x81 | 0x10; /* QR, opcode 2 */
    assert_int_equal(parse(&p, 16, &a), ATRIUM_ENOTFOUND);
    /* Another question type, name or class; no question; two questions. */
    p_start(&p, 1, ATRIUM_DNS_TYPE_MX);
    p_txt(&p, "MS=ms12345678");
    assert_int_equal(parse(&p, ATRIUM_DNS_TYPE_TXT, &a), ATRIUM_ENOTFOUND);
    p_header(&p, ID, 0x8180, 1, 0);
    p_name(&p, "contoso.example.evil");
    p_u16(&p, 16);
    p_u16(&p, 1);
    assert_int_equal(parse(&p, 16, &a), ATRIUM_ENOTFOUND);
    p_header(&p, ID, 0x8180, 1, 0);
    p_name(&p, NAME);
    p_u16(&p, 16);
    p_u16(&p, 3);
    assert_int_equal(parse(&p, 16, &a), ATRIUM_ENOTFOUND);
    p_header(&p, ID, 0x8183, 0, 0);
    assert_int_equal(parse(&p, 16, &a), ATRIUM_ENOTFOUND);
    p_header(&p, ID, 0x8180, 2, 0);
    p_name(&p, NAME);
    p_u16(&p, 16);
    p_u16(&p, 1);
    assert_int_equal(parse(&p, 16, &a), ATRIUM_ENOTFOUND);
}

static void test_rcode_and_truncation(void **state)
{
    (void)state;
    struct pkt p;
    struct atrium_dns_answer a;
    p_header(&p, ID, 0x8183, 1, 0); /* NXDOMAIN */
    p_name(&p, NAME);
    p_u16(&p, 16);
    p_u16(&p, 1);
    assert_int_equal(parse(&p, 16, &a), 0);
    assert_int_equal(a.rcode, ATRIUM_DNS_RCODE_NXDOMAIN);
    assert_int_equal(a.txt_count, 0);
    atrium_dns_answer_release(&a);

    /* TC set: records are not read, even when garbage follows. */
    p_header(&p, ID, 0x8380, 1, 9);
    p_name(&p, NAME);
    p_u16(&p, 16);
    p_u16(&p, 1);
    p_u8(&p, 0xff);
    assert_int_equal(parse(&p, 16, &a), 0);
    assert_true(a.truncated);
    assert_int_equal(a.txt_count, 0);
    atrium_dns_answer_release(&a);
}

/* Every proper prefix of a valid answer is refused; none is read past its end. */
static void test_every_truncation(void **state)
{
    (void)state;
    struct pkt p;
    struct atrium_dns_answer a;
    p_start(&p, 2, ATRIUM_DNS_TYPE_TXT);
    p_txt(&p, "MS=ms12345678");
    p_rr(&p, ATRIUM_DNS_TYPE_TXT, 4);
    p_u8(&p, 3);
    p_bytes(&p, "abc", 3);
    for (size_t len = 0; len < p.len; len++) {
        int r = parse_len(&p, len, ATRIUM_DNS_TYPE_TXT, &a);
        assert_true(r == ATRIUM_EINVAL || r == ATRIUM_ENOTFOUND);
    }
    assert_int_equal(parse(&p, ATRIUM_DNS_TYPE_TXT, &a), 0);
    atrium_dns_answer_release(&a);
}

static void test_pointer_attacks(void **state)
{
    (void)state;
    struct pkt p;
    struct atrium_dns_answer a;
    size_t at;

    /* An owner name that points to itself. */
    p_start(&p, 1, 16);
    at = p.len;
    p_u16(&p, 0xc000 | (unsigned)at);
    p_u16(&p, 16);
    p_u16(&p, 1);
    p_u16(&p, 0);
    p_u16(&p, 0);
    p_u16(&p, 0);
    assert_int_equal(parse(&p, 16, &a), ATRIUM_EINVAL);

    /* A forward pointer. */
    p_start(&p, 1, 16);
    at = p.len;
    p_u16(&p, 0xc000 | (unsigned)(at + 2));
    p_u8(&p, 0);
    p_u16(&p, 16);
    p_u16(&p, 1);
    p_u16(&p, 0);
    p_u16(&p, 0);
    p_u16(&p, 0);
    assert_int_equal(parse(&p, 16, &a), ATRIUM_EINVAL);

    /* A backward pointer into a label that leads to the pointer again. */
    p_start(&p, 1, 16);
    at = p.len;
    p_u8(&p, 2);
    p_u8(&p, 0xc0);
    p_u8(&p, (unsigned)at);
    p_u16(&p, 0xc000 | (unsigned)(at + 1));
    p_u16(&p, 16);
    p_u16(&p, 1);
    p_u16(&p, 0);
    p_u16(&p, 0);
    p_u16(&p, 0);
    assert_int_equal(parse(&p, 16, &a), ATRIUM_EINVAL);

    /* A pointer past the end; the extended label types 0x40 and 0x80. */
    p_start(&p, 1, 16);
    p_u16(&p, 0xc000 | 0x3fff);
    assert_int_equal(parse(&p, 16, &a), ATRIUM_EINVAL);
    p_start(&p, 1, 16);
    p_u8(&p, 0x41);
    p_u8(&p, 0);
    assert_int_equal(parse(&p, 16, &a), ATRIUM_EINVAL);

    /* A name longer than 255 bytes through a chain of pointers (hidden in an unknown record). */
    p_start(&p, 2, 16);
    p_rr(&p, 99, 60 * 6);
    size_t prev = 12;
    for (int i = 0; i < 60; i++) {
        size_t here = p.len;
        p_u8(&p, 3);
        p_bytes(&p, "abc", 3);
        p_u16(&p, 0xc000 | (unsigned)prev);
        prev = here;
    }
    p_u16(&p, 0xc000 | (unsigned)prev);
    p_u16(&p, 16);
    p_u16(&p, 1);
    p_u16(&p, 0);
    p_u16(&p, 0);
    p_u16(&p, 0);
    assert_int_equal(parse(&p, 16, &a), ATRIUM_EINVAL);
}

static void test_oversized_fields(void **state)
{
    (void)state;
    struct pkt p;
    struct atrium_dns_answer a;
    /* ANCOUNT far beyond the records present. */
    p_start(&p, 0xffff, 16);
    p_txt(&p, "MS=ms12345678");
    assert_int_equal(parse(&p, 16, &a), ATRIUM_EINVAL);
    /* RDLENGTH beyond the packet. */
    p_start(&p, 1, 16);
    p_rr(&p, 16, 200);
    p_u8(&p, 3);
    p_bytes(&p, "abc", 3);
    assert_int_equal(parse(&p, 16, &a), ATRIUM_EINVAL);
    /* A character-string longer than its RDATA. */
    p_start(&p, 1, 16);
    p_rr(&p, 16, 4);
    p_u8(&p, 10);
    p_bytes(&p, "abc", 3);
    p_bytes(&p, "0123456789", 10);
    assert_int_equal(parse(&p, 16, &a), ATRIUM_EINVAL);
    /* Far more records than we keep: capped, not refused. */
    p_start(&p, 200, 16);
    for (int i = 0; i < 200; i++)
        p_txt(&p, "x");
    assert_int_equal(parse(&p, 16, &a), 0);
    assert_int_equal(a.txt_count, ATRIUM_DNS_RECORDS_MAX);
    atrium_dns_answer_release(&a);
    /* More CNAMEs than we follow. */
    p_start(&p, ATRIUM_DNS_CNAME_HOPS + 1, 16);
    size_t owner = 12;
    for (int i = 0; i <= ATRIUM_DNS_CNAME_HOPS; i++) {
        p_u16(&p, 0xc000 | (unsigned)owner);
        p_u16(&p, ATRIUM_DNS_TYPE_CNAME);
        p_u16(&p, 1);
        p_u16(&p, 0);
        p_u16(&p, 0);
        p_u16(&p, 4);
        owner = p.len;
        p_u8(&p, 1);
        p_u8(&p, 'a' + (unsigned)i);
        p_u16(&p, 0xc00c);
    }
    assert_int_equal(parse(&p, 16, &a), ATRIUM_EINVAL);
}

/* Random corruption of valid answers: any result but a crash or an over-read. */
static void test_mutations(void **state)
{
    (void)state;
    struct pkt base, p;
    struct atrium_dns_answer a;
    p_start(&base, 3, ATRIUM_DNS_TYPE_MX);
    p_rr(&base, ATRIUM_DNS_TYPE_MX, 2 + 25);
    p_u16(&base, 32767);
    p_name(&base, "ms12345678.msv1.invalid");
    p_rr(&base, ATRIUM_DNS_TYPE_MX, 2 + 5 + 2);
    p_u16(&base, 10);
    p_u8(&base, 4);
    p_bytes(&base, "mail", 4);
    p_u16(&base, 0xc00c);
    p_rr(&base, ATRIUM_DNS_TYPE_TXT, 2);
    p_u8(&base, 1);
    p_u8(&base, 'x');
    for (int i = 0; i < 20000; i++) {
        uint8_t rnd[8];
        atrium_random_bytes(rnd, sizeof(rnd));
        p = base;
        for (int k = 0; k < 1 + rnd[0] % 4; k++) {
            size_t at = 2 + (((size_t)rnd[1 + k] << 8) | rnd[5]) % (p.len - 2);
            p.b[at] = rnd[6 + k % 2];
        }
        size_t len = rnd[7] < 32 ? p.len - rnd[7] % 16 : p.len;
        int r = parse_len(&p, len, ATRIUM_DNS_TYPE_MX, &a);
        assert_true(r == 0 || r == ATRIUM_EINVAL || r == ATRIUM_ENOTFOUND);
        if (r == 0)
            atrium_dns_answer_release(&a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_query),      cmocka_unit_test(test_txt_answer),
        cmocka_unit_test(test_mx_answer),        cmocka_unit_test(test_other_owners_and_cname),
        cmocka_unit_test(test_not_our_answer),   cmocka_unit_test(test_rcode_and_truncation),
        cmocka_unit_test(test_every_truncation), cmocka_unit_test(test_pointer_attacks),
        cmocka_unit_test(test_oversized_fields), cmocka_unit_test(test_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
