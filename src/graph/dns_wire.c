/* SPDX-License-Identifier: MIT */
/*
 * The DNS wire format (RFC 1035) for dns.h: building one query and parsing
 * its answer. Every read is checked against the packet length before it
 * happens; names are copied out in wire form (lowercased) with compression
 * pointers followed only backwards, at most ATRIUM_DNS_NAME_MAX bytes and a
 * bounded number of hops.
 */
#include "graph/dns.h"

#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/xalloc.h"

#define HEADER_LEN 12
#define FLAG_QR 0x8000
#define FLAG_TC 0x0200
#define FLAG_RD 0x0100
#define OPCODE_MASK 0x7800
#define RCODE_MASK 0x000f
#define CLASS_IN 1
#define POINTER_HOPS_MAX 64
#define TXT_TEXT_MAX (4 * ATRIUM_DNS_TCP_MAX) /* every byte escaped */

/* A name in wire form: length-prefixed lowercase labels ending with the empty label. */
struct dns_name {
    uint8_t b[ATRIUM_DNS_NAME_MAX];
    size_t len;
};

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)(v & 0xff);
}

static uint8_t lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

/* Text "a.b.c" (one trailing dot allowed) into wire form. EINVAL on a bad name. */
static int name_from_text(const char *text, struct dns_name *ret)
{
    size_t n = 0, tlen = strlen(text);
    if (tlen > 0 && text[tlen - 1] == '.')
        tlen--;
    if (tlen == 0 || tlen > 253)
        return ATRIUM_EINVAL;
    for (size_t start = 0; start <= tlen;) {
        const char *dot = memchr(text + start, '.', tlen - start);
        size_t l = dot ? (size_t)(dot - (text + start)) : tlen - start;
        if (l == 0 || l > 63 || n + 1 + l + 1 > sizeof(ret->b))
            return ATRIUM_EINVAL;
        ret->b[n++] = (uint8_t)l;
        for (size_t i = 0; i < l; i++)
            ret->b[n++] = lower((uint8_t)text[start + i]);
        start += l + 1;
    }
    ret->b[n++] = 0;
    ret->len = n;
    return 0;
}

/*
 * Read the (possibly compressed) name at *off into ret; *off moves past the
 * name's bytes at that place. A pointer must point before itself, so a
 * chain of pointers always goes backwards; together with the name length
 * limit (each label read grows the name) no packet can make this loop.
 */
static int read_name(const uint8_t *pkt, size_t len, size_t *off, struct dns_name *ret)
{
    size_t pos = *off, n = 0;
    unsigned hops = 0;
    bool jumped = false;
    for (;;) {
        if (pos >= len)
            return ATRIUM_EINVAL;
        uint8_t c = pkt[pos];
        if ((c & 0xc0) == 0xc0) {
            if (pos + 1 >= len || ++hops > POINTER_HOPS_MAX)
                return ATRIUM_EINVAL;
            size_t target = ((size_t)(c & 0x3f) << 8) | pkt[pos + 1];
            if (target >= pos)
                return ATRIUM_EINVAL;
            if (!jumped)
                *off = pos + 2;
            jumped = true;
            pos = target;
            continue;
        }
        if (c & 0xc0)
            return ATRIUM_EINVAL; /* the obsolete extended label types */
        if (n + 1 + c > sizeof(ret->b) || pos + 1 + (size_t)c > len)
            return ATRIUM_EINVAL;
        ret->b[n++] = c;
        if (c == 0)
            break;
        for (size_t i = 0; i < c; i++)
            ret->b[n++] = lower(pkt[pos + 1 + i]);
        pos += 1 + (size_t)c;
    }
    if (!jumped)
        *off = pos + 1;
    ret->len = n;
    return 0;
}

static bool name_eq(const struct dns_name *a, const struct dns_name *b)
{
    return a->len == b->len && memcmp(a->b, b->b, a->len) == 0;
}

/* Append byte c, escaping what is not printable ASCII (and the backslash) as \DDD. */
static void put_escaped(struct atrium_buf *b, uint8_t c)
{
    if (c >= 0x20 && c < 0x7f && c != '\\')
        atrium_buf_append(b, &c, 1);
    else
        atrium_buf_printf(b, "\\%03u", (unsigned)c);
}

/* The builder's string (heap), releasing the builder. */
static char *take(struct atrium_buf *b)
{
    char *out = atrium_buf_take(b);
    atrium_buf_release(b);
    return out;
}

/* The dotted text of a wire name, no trailing dot; "." for the root. Heap. */
static char *name_to_text(const struct dns_name *n)
{
    struct atrium_buf b;
    atrium_buf_init(&b, 4 * ATRIUM_DNS_NAME_MAX);
    for (size_t i = 0; i < n->len && n->b[i];) {
        if (i)
            atrium_buf_puts(&b, ".");
        uint8_t l = n->b[i++];
        for (size_t k = 0; k < l; k++, i++)
            if (n->b[i] == '.')
                atrium_buf_puts(&b, "\\.");
            else
                put_escaped(&b, n->b[i]);
    }
    if (b.len == 0)
        atrium_buf_puts(&b, ".");
    return take(&b);
}

int atrium_dns_build_query(uint16_t id, const char *name, uint16_t qtype, uint8_t *buf, size_t size,
                           size_t *ret_len)
{
    struct dns_name qn;
    if (!name || name_from_text(name, &qn) < 0)
        return ATRIUM_EINVAL;
    size_t len = HEADER_LEN + qn.len + 4;
    if (size < len)
        return ATRIUM_ETOOBIG;
    memset(buf, 0, HEADER_LEN);
    put16(buf, id);
    put16(buf + 2, FLAG_RD);
    put16(buf + 4, 1); /* QDCOUNT */
    memcpy(buf + HEADER_LEN, qn.b, qn.len);
    put16(buf + HEADER_LEN + qn.len, qtype);
    put16(buf + HEADER_LEN + qn.len + 2, CLASS_IN);
    *ret_len = len;
    return 0;
}

void atrium_dns_answer_release(struct atrium_dns_answer *a)
{
    for (size_t i = 0; i < a->txt_count; i++)
        xfree(a->txt[i]);
    xfree(a->txt);
    for (size_t i = 0; i < a->mx_count; i++)
        xfree(a->mx[i].host);
    xfree(a->mx);
    memset(a, 0, sizeof(*a));
}

/* One TXT record: its character-strings joined (escaped). EINVAL when one overruns the RDATA. */
static int read_txt(const uint8_t *rd, size_t rdlen, struct atrium_dns_answer *ret)
{
    struct atrium_buf b;
    atrium_buf_init(&b, TXT_TEXT_MAX);
    for (size_t i = 0; i < rdlen;) {
        size_t l = rd[i++];
        if (l > rdlen - i) {
            atrium_buf_release(&b);
            return ATRIUM_EINVAL;
        }
        for (size_t k = 0; k < l; k++)
            put_escaped(&b, rd[i + k]);
        i += l;
    }
    if (ret->txt_count >= ATRIUM_DNS_RECORDS_MAX) {
        atrium_buf_release(&b);
        return 0;
    }
    ret->txt = xrealloc(ret->txt, (ret->txt_count + 1) * sizeof(*ret->txt));
    ret->txt[ret->txt_count++] = take(&b);
    return 0;
}

/*
 * A name inside the RDATA at pkt[off..end): it must end exactly at end.
 * Reads are bounded by end; pointers may still reach earlier names.
 */
static int read_rdata_name(const uint8_t *pkt, size_t off, size_t end, struct dns_name *ret)
{
    size_t pos = off;
    int r = read_name(pkt, end, &pos, ret);
    return r < 0 || pos != end ? ATRIUM_EINVAL : 0;
}

static int read_mx(const uint8_t *pkt, size_t off, size_t rdlen, struct atrium_dns_answer *ret)
{
    struct dns_name host;
    if (rdlen < 3 || read_rdata_name(pkt, off + 2, off + rdlen, &host) < 0)
        return ATRIUM_EINVAL;
    if (ret->mx_count >= ATRIUM_DNS_RECORDS_MAX)
        return 0;
    ret->mx = xrealloc(ret->mx, (ret->mx_count + 1) * sizeof(*ret->mx));
    ret->mx[ret->mx_count].preference = get16(pkt + off);
    ret->mx[ret->mx_count++].host = name_to_text(&host);
    return 0;
}

/* The header and question of an answer: ours, or ENOTFOUND / EINVAL. */
static int check_question(const uint8_t *pkt, size_t len, uint16_t id, const struct dns_name *qn,
                          uint16_t qtype, size_t *ret_off)
{
    if (len < HEADER_LEN)
        return ATRIUM_EINVAL;
    uint16_t flags = get16(pkt + 2);
    if (get16(pkt) != id || !(flags & FLAG_QR) || (flags & OPCODE_MASK) != 0)
        return ATRIUM_ENOTFOUND;
    if (get16(pkt + 4) != 1)
        return ATRIUM_ENOTFOUND; /* an answer always repeats our one question */
    struct dns_name got;
    size_t off = HEADER_LEN;
    if (read_name(pkt, len, &off, &got) < 0 || off + 4 > len)
        return ATRIUM_EINVAL;
    if (!name_eq(&got, qn) || get16(pkt + off) != qtype || get16(pkt + off + 2) != CLASS_IN)
        return ATRIUM_ENOTFOUND;
    *ret_off = off + 4;
    return 0;
}

/* One resource record at *off: keep it when it belongs to *owner (following CNAMEs). */
static int read_record(const uint8_t *pkt, size_t len, size_t *off, uint16_t qtype,
                       struct dns_name *owner, unsigned *cname_hops, struct atrium_dns_answer *ret)
{
    struct dns_name name;
    if (read_name(pkt, len, off, &name) < 0 || *off + 10 > len)
        return ATRIUM_EINVAL;
    uint16_t type = get16(pkt + *off), class = get16(pkt + *off + 2);
    size_t rdlen = get16(pkt + *off + 8), rd = *off + 10;
    if (rdlen > len - rd)
        return ATRIUM_EINVAL;
    *off = rd + rdlen;
    if (class != CLASS_IN || !name_eq(&name, owner))
        return 0; /* not about our name: ignored */
    if (type == ATRIUM_DNS_TYPE_CNAME && qtype != ATRIUM_DNS_TYPE_CNAME) {
        if (++*cname_hops > ATRIUM_DNS_CNAME_HOPS)
            return ATRIUM_EINVAL;
        return read_rdata_name(pkt, rd, rd + rdlen, owner);
    }
    if (type != qtype)
        return 0;
    if (type == ATRIUM_DNS_TYPE_TXT)
        return read_txt(pkt + rd, rdlen, ret);
    if (type == ATRIUM_DNS_TYPE_MX)
        return read_mx(pkt, rd, rdlen, ret);
    return 0;
}

int atrium_dns_parse_answer(const uint8_t *pkt, size_t len, uint16_t id, const char *name,
                            uint16_t qtype, struct atrium_dns_answer *ret)
{
    struct dns_name qn;
    struct atrium_dns_answer a = {0};
    size_t off = 0;
    if (!pkt || !name || name_from_text(name, &qn) < 0)
        return ATRIUM_EINVAL;
    int r = check_question(pkt, len, id, &qn, qtype, &off);
    if (r < 0)
        return r;
    uint16_t flags = get16(pkt + 2);
    a.rcode = flags & RCODE_MASK;
    a.truncated = (flags & FLAG_TC) != 0;
    if (a.truncated) {
        *ret = a; /* the records are asked again over TCP */
        return 0;
    }
    /* Each record needs at least 11 bytes, so a count beyond the data fails below. */
    unsigned ancount = get16(pkt + 6), hops = 0;
    for (unsigned i = 0; r == 0 && i < ancount; i++)
        r = read_record(pkt, len, &off, qtype, &qn, &hops, &a);
    if (r < 0) {
        atrium_dns_answer_release(&a);
        return r;
    }
    *ret = a;
    return 0;
}
