/* SPDX-License-Identifier: MIT */
/*
 * A small DNS stub resolver for the TXT and MX look-ups of custom-domain
 * verification: one question to one configured server (HOST:PORT, IPv4 or
 * IPv6 literal) or else the first nameserver of /etc/resolv.conf.
 *
 * The wire format is built and parsed here (dns_wire.c, pure) with every
 * read bounds-checked: answers only count when the id, the flags and the
 * question match ours; names are decompressed with backward-only pointers,
 * a hop limit and the 255-byte name limit, so a hostile packet can neither
 * loop nor over-read. Transport (dns.c): UDP from a fresh socket with a
 * random id, the socket connected to the server so datagrams from anywhere
 * else are dropped (and their source checked again); mismatching or
 * malformed datagrams are ignored until the deadline; a truncated answer is
 * asked again over TCP. Answers are capped at 512 bytes over UDP and 4 KiB
 * over TCP.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

struct atrium_errinfo;

#define ATRIUM_DNS_TYPE_CNAME 5
#define ATRIUM_DNS_TYPE_MX 15
#define ATRIUM_DNS_TYPE_TXT 16

#define ATRIUM_DNS_RCODE_NOERROR 0
#define ATRIUM_DNS_RCODE_SERVFAIL 2
#define ATRIUM_DNS_RCODE_NXDOMAIN 3

#define ATRIUM_DNS_UDP_MAX 512     /* bytes of a UDP answer (no EDNS) */
#define ATRIUM_DNS_TCP_MAX 4096    /* bytes of a TCP answer */
#define ATRIUM_DNS_NAME_MAX 255    /* wire bytes of a name */
#define ATRIUM_DNS_RECORDS_MAX 32  /* TXT or MX records kept per answer */
#define ATRIUM_DNS_CNAME_HOPS 8    /* CNAMEs followed inside one answer */
#define ATRIUM_DNS_TIMEOUT_MS 2000 /* per try */
#define ATRIUM_DNS_TRIES 2         /* UDP tries */
#define ATRIUM_DNS_SERVER_TEXT_MAX 80
#define ATRIUM_DNS_RESOLV_CONF "/etc/resolv.conf"

struct atrium_dns_server {
    struct sockaddr_storage addr;
    socklen_t addr_len;
    char text[ATRIUM_DNS_SERVER_TEXT_MAX]; /* "127.0.0.1:53", for messages */
    unsigned timeout_ms;                   /* per try; ATRIUM_DNS_TIMEOUT_MS */
    unsigned tries;                        /* UDP tries; ATRIUM_DNS_TRIES */
};

struct atrium_dns_mx {
    uint16_t preference;
    char *host; /* lowercase, no trailing dot ("." for the root) */
};

/* The records of the question's name (or of CNAME targets in the answer). */
struct atrium_dns_answer {
    int rcode;      /* ATRIUM_DNS_RCODE_* */
    bool truncated; /* TC: the records were not read */
    char **txt;     /* per TXT record, its strings joined; bytes outside printable ASCII
                       and '\' as \DDD */
    size_t txt_count;
    struct atrium_dns_mx *mx;
    size_t mx_count;
};

void atrium_dns_answer_release(struct atrium_dns_answer *a);

/*
 * "HOST:PORT", "[V6]:PORT" or a bare IPv4/IPv6 literal (port 53); numeric
 * only (no name look-up). ATRIUM_EINVAL naming field otherwise.
 */
int atrium_dns_server_parse(const char *spec, const char *field, struct atrium_dns_server *ret,
                            struct atrium_errinfo *e);
/* The first usable "nameserver" line of the resolv.conf at path (port 53). ENOTFOUND when none. */
int atrium_dns_server_from_resolv_conf(const char *path, struct atrium_dns_server *ret,
                                       struct atrium_errinfo *e);
/* spec when non-NULL and non-empty, else the system's first nameserver. */
int atrium_dns_server_pick(const char *spec, struct atrium_dns_server *ret,
                           struct atrium_errinfo *e);

/*
 * Ask srv for the qtype records of name. 0 with *ret filled (an NXDOMAIN or
 * empty answer is 0 too: look at rcode and the counts); ATRIUM_EBUSY with a
 * readable message when the server cannot be reached, does not answer in
 * time or answers garbage; ATRIUM_EINVAL for a name that cannot be asked.
 */
int atrium_dns_lookup(const struct atrium_dns_server *srv, const char *name, uint16_t qtype,
                      struct atrium_dns_answer *ret, struct atrium_errinfo *e);

/* --- wire format (dns_wire.c; pure) ------------------------------------------ */

/*
 * The query for (name, qtype, class IN, recursion desired) into buf.
 * ATRIUM_EINVAL for an empty label, a label over 63 bytes or a name over
 * 255; ATRIUM_ETOOBIG when size is too small.
 */
int atrium_dns_build_query(uint16_t id, const char *name, uint16_t qtype, uint8_t *buf, size_t size,
                           size_t *ret_len);

/*
 * Parse pkt[0..len) as the answer to the query (id, name, qtype).
 * ATRIUM_ENOTFOUND when it is not that answer (another id, not a response,
 * another question); ATRIUM_EINVAL when it is malformed (truncated, a bad
 * pointer or label, counts beyond the data, oversized names). On 0 the
 * caller releases *ret.
 */
int atrium_dns_parse_answer(const uint8_t *pkt, size_t len, uint16_t id, const char *name,
                            uint16_t qtype, struct atrium_dns_answer *ret);
