/* SPDX-License-Identifier: MIT */
/* GnuTLS record corking around a queued response; see tls_cork.h. */
#include "http/tls_cork.h"

#include <errno.h>
#include <poll.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <gnutls/gnutls.h>

#define UNCORK_WAIT_MS 100 /* total, for a socket whose send buffer is full */

static gnutls_session_t session_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    return ci ? (gnutls_session_t)ci->tls_session : NULL;
}

static int socket_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    return ci ? ci->connect_fd : -1;
}

/* Nothing of earlier responses is still unacknowledged: the client reads what
 * it is sent, so the cork's single record will fit the socket at once. A
 * client that pipelines requests without reading gets the uncorked path. */
static bool send_queue_empty(int fd)
{
    int queued = 0;
    return fd >= 0 && ioctl(fd, SIOCOUTQ, &queued) == 0 && queued == 0;
}

bool atrium_tls_cork(struct MHD_Connection *conn, size_t body_len)
{
    if (body_len > ATRIUM_TLS_CORK_MAX_BODY)
        return false;
    gnutls_session_t session = session_of(conn);
    if (!session || !send_queue_empty(socket_of(conn)))
        return false;
    gnutls_record_cork(session);
    return true;
}

void atrium_tls_uncork(struct MHD_Connection *conn)
{
    gnutls_session_t session = session_of(conn);
    if (!session)
        return;
    int fd = socket_of(conn);
    int waited_ms = 0;
    for (;;) {
        int r = gnutls_record_uncork(session, 0);
        if (r >= 0)
            return;
        if (r != GNUTLS_E_AGAIN && r != GNUTLS_E_INTERRUPTED)
            break; /* the connection is broken; libmicrohttpd will notice */
        if (fd < 0 || waited_ms >= UNCORK_WAIT_MS)
            break;
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int step = 20;
        if (poll(&p, 1, step) < 0 && errno != EINTR)
            break;
        waited_ms += step;
    }
    if (fd >= 0)
        shutdown(fd, SHUT_RDWR); /* never leave a response half sent */
}
