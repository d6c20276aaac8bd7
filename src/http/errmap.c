/* SPDX-License-Identifier: MIT */
/* Error code mapping table; see errmap.h. */
#include "http/errmap.h"

#include <stddef.h>

#include "core/err.h"

#define INTERNAL_MESSAGE "An internal server error occurred."

static const struct atrium_errmap_entry errmap[] = {
    {ATRIUM_EINVAL, 400, "Request_BadRequest", "invalid_request", 400, 0, true,
     "The request is invalid."},
    {ATRIUM_ENOTFOUND, 404, "Request_ResourceNotFound", "invalid_request", 400, 0, true,
     "The requested resource does not exist."},
    {ATRIUM_ECONFLICT, 409, "Request_MultipleObjectsWithSameKeyValue", "invalid_request", 400, 0,
     true, "Another object with the same value for a unique property already exists."},
    {ATRIUM_EAUTH, 401, "InvalidAuthenticationToken", "invalid_client", 401, 0, true,
     "Authentication failed."},
    {ATRIUM_EFORBIDDEN, 403, "Authorization_RequestDenied", "unauthorized_client", 400, 0, true,
     "Insufficient privileges to complete the operation."},
    {ATRIUM_ETOOBIG, 413, "Request_EntityTooLarge", "invalid_request", 413, 0, true,
     "The request is too large."},
    {ATRIUM_ERATE, 429, "TooManyRequests", "temporarily_unavailable", 429, 60, true,
     "Too many requests. Retry after the delay given in the Retry-After header."},
    {ATRIUM_EBUSY, 503, "ServiceUnavailable", "temporarily_unavailable", 503, 5, true,
     "The service is temporarily unavailable. Retry after the delay given in the Retry-After "
     "header."},
    {ATRIUM_EUNSUPPORTED, 415, "UnsupportedMediaType", "invalid_request", 400, 0, true,
     "The request's media type is not supported."},
    {ATRIUM_ESTORE, 500, "InternalServerError", "server_error", 500, 0, false, INTERNAL_MESSAGE},
    {ATRIUM_ECRYPTO, 500, "InternalServerError", "server_error", 500, 0, false, INTERNAL_MESSAGE},
    {ATRIUM_EINTERNAL, 500, "InternalServerError", "server_error", 500, 0, false, INTERNAL_MESSAGE},
    {ATRIUM_EIO, 500, "InternalServerError", "server_error", 500, 0, false, INTERNAL_MESSAGE},
};

static const struct atrium_errmap_entry internal_row = {
    ATRIUM_EINTERNAL, 500, "InternalServerError", "server_error", 500, 0, false, INTERNAL_MESSAGE};

const struct atrium_errmap_entry *atrium_errmap_get(int code)
{
    for (size_t i = 0; i < sizeof(errmap) / sizeof(errmap[0]); i++)
        if (errmap[i].code == code)
            return &errmap[i];
    return &internal_row;
}
