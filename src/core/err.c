/* SPDX-License-Identifier: MIT */
/* Error detail helpers; see err.h. */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/*
 * Drop a UTF-8 sequence cut in two at the end of s, as snprintf leaves when
 * it truncates: the JSON writer refuses invalid UTF-8, and the message would
 * then be lost.
 */
static void trim_partial_utf8(char *s)
{
    size_t len = strlen(s);
    size_t i = len, cont = 0;
    while (i > 0 && cont < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) {
        i--;
        cont++;
    }
    if (i == 0)
        return;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t need = 1;
    if ((lead & 0xE0) == 0xC0)
        need = 2;
    else if ((lead & 0xF0) == 0xE0)
        need = 3;
    else if ((lead & 0xF8) == 0xF0)
        need = 4;
    if (lead >= 0xC0 && cont + 1 < need)
        s[i - 1] = '\0';
}

int atrium_err(struct atrium_errinfo *e, int code, const char *field, const char *fmt, ...)
{
    if (!e)
        return code;
    e->code = code;
    snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof(e->message), fmt, ap);
    va_end(ap);
    trim_partial_utf8(e->field);
    trim_partial_utf8(e->message);
    return code;
}

void atrium_err_clear(struct atrium_errinfo *e)
{
    if (e)
        memset(e, 0, sizeof(*e));
}

const char *atrium_err_name(int code)
{
    switch (code) {
    case ATRIUM_OK:
        return "OK";
    case ATRIUM_EINVAL:
        return "EINVAL";
    case ATRIUM_ENOTFOUND:
        return "ENOTFOUND";
    case ATRIUM_ECONFLICT:
        return "ECONFLICT";
    case ATRIUM_EAUTH:
        return "EAUTH";
    case ATRIUM_EFORBIDDEN:
        return "EFORBIDDEN";
    case ATRIUM_ETOOBIG:
        return "ETOOBIG";
    case ATRIUM_ESTORE:
        return "ESTORE";
    case ATRIUM_ECRYPTO:
        return "ECRYPTO";
    case ATRIUM_EINTERNAL:
        return "EINTERNAL";
    case ATRIUM_EBUSY:
        return "EBUSY";
    case ATRIUM_ERATE:
        return "ERATE";
    case ATRIUM_EIO:
        return "EIO";
    case ATRIUM_EUNSUPPORTED:
        return "EUNSUPPORTED";
    }
    return "EUNKNOWN";
}
