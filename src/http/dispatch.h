/* SPDX-License-Identifier: MIT */
/*
 * The per-request flow as libmicrohttpd callbacks: create the request state
 * when the request line arrives, route, enforce the body limit, accumulate the
 * body, run the handler, send the response with the common headers, write the
 * access log line and free everything when the request completes.
 */
#pragma once

#include <stddef.h>

#include <microhttpd.h>

/* MHD_OPTION_URI_LOG_CALLBACK; cls is the struct atrium_http_server. */
void *atrium_http_on_uri(void *cls, const char *uri, struct MHD_Connection *conn);

/* The MHD access handler; cls is the struct atrium_http_server. */
enum MHD_Result atrium_http_on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                       const char *method, const char *version,
                                       const char *upload_data, size_t *upload_data_size,
                                       void **con_cls);

/* MHD_OPTION_NOTIFY_COMPLETED: access log and cleanup. */
void atrium_http_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                              enum MHD_RequestTerminationCode toe);
