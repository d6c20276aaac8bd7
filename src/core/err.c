/* SPDX-License-Identifier: MIT */
/* Error detail helpers; see err.h. */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
