/* SPDX-License-Identifier: MIT */
/*
 * One TLS record per small response. libmicrohttpd sends a response's
 * headers and body with two gnutls_record_send() calls: two TLS records, two
 * TCP segments, and two wake-ups of the client. Corking the GnuTLS session
 * while the response is queued and uncorking it when libmicrohttpd reports
 * the request complete sends both as one record with one system call.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <microhttpd.h>

/* Largest body that is corked: headers + body stay within one TLS record
 * and within the send buffer of a fresh connection. */
#define ATRIUM_TLS_CORK_MAX_BODY (8u << 10)

/* Cork the connection's TLS session if it has one, body_len is small and the
 * socket has nothing of earlier responses left to send (a client that keeps
 * up). True when corked: atrium_tls_uncork() must then follow. */
bool atrium_tls_cork(struct MHD_Connection *conn, size_t body_len);
/* Send what the cork holds. If the socket cannot take it within a short
 * bounded wait (a client that pipelines requests and reads nothing), the
 * connection is shut down rather than left with a response half sent. */
void atrium_tls_uncork(struct MHD_Connection *conn);
