/* SPDX-License-Identifier: MIT */
/*
 * The one table from ATRIUM_E* codes to what clients see: the HTTP status and
 * Graph error.code of the REST API, and the OAuth `error` string and status
 * of the token endpoint. Internal failures get a generic message: their
 * detail is logged, never sent.
 */
#pragma once

#include <stdbool.h>

struct atrium_errmap_entry {
    int code;                    /* ATRIUM_E* */
    unsigned status;             /* Graph/REST HTTP status */
    const char *graph_code;      /* error.code of the Graph envelope */
    const char *oauth_error;     /* RFC 6749 §5.2 `error` */
    unsigned oauth_status;       /* status for the OAuth token endpoint */
    unsigned retry_after;        /* default Retry-After seconds; 0: none */
    bool public_message;         /* may the errinfo message reach the client? */
    const char *default_message; /* when the message is empty or not public */
};

/* The row for code; unknown codes get the internal-error row. Never NULL. */
const struct atrium_errmap_entry *atrium_errmap_get(int code);
