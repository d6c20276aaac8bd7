/* SPDX-License-Identifier: MIT */
/*
 * The opaque $skiptoken of directory listings: base64url of a small
 * payload (format version, id and sort key of the last object of the page)
 * followed by a truncated HMAC over the tenant, the listing, the canonical
 * filter/search/order and the payload. See odata_request.h.
 */
#include "graph/odata_request.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"
#include "crypto/b64url.h"
#include "crypto/mac.h"

#define TAG_LEN 16
#define BINDING_MAX (64u << 10)
#define PAYLOAD_VERSION "1"

/* The text the MAC covers: purpose, tenant, listing, canonical query, payload. */
static int binding(const char *tenant_id, const char *scope, const struct atrium_odata_request *q,
                   const char *payload, size_t len, struct atrium_buf *b)
{
    int r = atrium_buf_printf(b, "atrium-skiptoken-v1\n%s\n%s\n", tenant_id, scope);
    if (r == 0)
        r = atrium_qnode_print(q->filter, b);
    if (r == 0)
        r = atrium_buf_puts(b, "\n");
    if (r == 0)
        r = atrium_qnode_print(q->search, b);
    if (r == 0)
        r = atrium_buf_printf(b, "\no%d:%d\n", q->order.prop, q->order.desc ? 1 : 0);
    if (r == 0)
        r = atrium_buf_append(b, payload, len);
    return r;
}

int atrium_odata_token_encode(const struct atrium_mac_key *key, const char *tenant_id,
                              const char *scope, const struct atrium_odata_request *q,
                              const struct atrium_qcursor *cursor, char **ret)
{
    struct atrium_buf p, b;
    atrium_buf_init(&p, ATRIUM_ODATA_SKIPTOKEN_MAX);
    atrium_buf_init(&b, BINDING_MAX);
    int r = atrium_buf_printf(&p, PAYLOAD_VERSION "\n%s\n", cursor->id);
    if (r == 0 && cursor->has_text)
        r = atrium_buf_printf(&p, "s%s", cursor->text ? cursor->text : "");
    else if (r == 0 && q->order.prop >= 0)
        r = atrium_buf_printf(&p, "i%" PRId64, cursor->num);
    else if (r == 0)
        r = atrium_buf_puts(&p, "n");
    unsigned char tag[ATRIUM_MAC_LEN];
    if (r == 0 && (r = binding(tenant_id, scope, q, p.buf, p.len, &b)) == 0)
        r = atrium_mac_sign(key, b.buf, b.len, tag);
    if (r == 0)
        r = atrium_buf_append(&p, tag, TAG_LEN);
    if (r == 0)
        *ret = atrium_b64url_encode_alloc(p.buf, p.len);
    atrium_buf_release(&b);
    atrium_buf_release(&p);
    return r;
}

static int invalid(struct atrium_errinfo *e)
{
    return atrium_err(e, ATRIUM_EINVAL, "$skiptoken", "The $skiptoken is invalid.");
}

/* "1\n<id>\n" then s<text>, i<number> or n. */
static int parse_payload(const char *p, size_t len, struct atrium_qcursor *ret)
{
    size_t head = strlen(PAYLOAD_VERSION) + 1 + ATRIUM_UUID_LEN + 1;
    if (len < head + 1 || memcmp(p, PAYLOAD_VERSION "\n", 2) != 0 || p[head - 1] != '\n')
        return ATRIUM_EINVAL;
    memcpy(ret->id, p + 2, ATRIUM_UUID_LEN);
    ret->id[ATRIUM_UUID_LEN] = '\0';
    if (!atrium_uuid_is_valid(ret->id))
        return ATRIUM_EINVAL;
    const char *rest = p + head + 1;
    size_t rest_len = len - head - 1;
    char kind = p[head];
    if (kind == 's') {
        ret->has_text = true;
        ret->text = xstrndup(rest, rest_len);
        if (strlen(ret->text) != rest_len || !atrium_str_is_clean_utf8(ret->text))
            return ATRIUM_EINVAL;
    } else if (kind == 'i') {
        char num[24];
        if (rest_len == 0 || rest_len >= sizeof(num))
            return ATRIUM_EINVAL;
        memcpy(num, rest, rest_len);
        num[rest_len] = '\0';
        if (atrium_str_to_i64(num, INT64_MIN, INT64_MAX, &ret->num) < 0)
            return ATRIUM_EINVAL;
    } else if (kind != 'n' || rest_len != 0) {
        return ATRIUM_EINVAL;
    }
    ret->set = true;
    return 0;
}

int atrium_odata_token_decode(const struct atrium_mac_key *key, const char *tenant_id,
                              const char *scope, const struct atrium_odata_request *q,
                              struct atrium_qcursor *ret, struct atrium_errinfo *e)
{
    unsigned char *raw = NULL;
    size_t n = 0;
    const char *t = q->skiptoken;
    memset(ret, 0, sizeof(*ret));
    if (!t || !*t || strlen(t) > ATRIUM_ODATA_SKIPTOKEN_MAX ||
        atrium_b64url_decode_alloc(t, strlen(t), &raw, &n) < 0)
        return invalid(e);
    struct atrium_buf b;
    atrium_buf_init(&b, BINDING_MAX);
    bool ok = n > TAG_LEN && binding(tenant_id, scope, q, (const char *)raw, n - TAG_LEN, &b) == 0;
    ok = ok && atrium_mac_verify(key, b.buf, b.len, raw + n - TAG_LEN, TAG_LEN);
    atrium_buf_release(&b);
    ok = ok && parse_payload((const char *)raw, n - TAG_LEN, ret) == 0;
    xfree(raw);
    if (!ok) {
        atrium_qcursor_release(ret);
        return invalid(e);
    }
    return 0;
}
