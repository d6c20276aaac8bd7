/* SPDX-License-Identifier: MIT */
/*
 * Development TLS: a local CA and a "localhost" server certificate signed by
 * it, created once in a directory and reused on every start, so a developer
 * trusts ca.pem once (NODE_EXTRA_CA_CERTS, curl --cacert) and keeps it.
 */
#pragma once

#include <stdbool.h>

struct atrium_errinfo;

/* The files in the dev TLS directory. Heap strings owned by the struct. */
struct atrium_tls_paths {
    char *ca_cert;      /* <dir>/ca.pem: the CA certificate to trust */
    char *ca_key;       /* <dir>/ca.key (0600) */
    char *server_cert;  /* <dir>/server.pem: the localhost certificate */
    char *server_key;   /* <dir>/server.key (0600) */
    bool created_ca;    /* this call created a new CA */
    bool issued_server; /* this call issued a new server certificate */
};

/* Days a dev server certificate is valid; ≤ 397 so browsers accept it. */
#define ATRIUM_TLS_DEV_SERVER_DAYS 397
/* Reissue the server certificate (same CA) when it expires within this many days. */
#define ATRIUM_TLS_DEV_RENEW_DAYS 30

/*
 * Make sure dir (created 0700 if missing) holds ca.pem, ca.key, server.pem and
 * server.key. Missing files are created (EC P-256 keys; the CA is CA:TRUE,
 * keyCertSign, 10 years; the server certificate has SAN DNS:localhost,
 * IP:127.0.0.1, IP:::1, EKU serverAuth and ATRIUM_TLS_DEV_SERVER_DAYS
 * validity), each written atomically. Existing files are never regenerated:
 * only a server certificate that is missing, near expiry or not issued by
 * the CA is reissued with the same CA. Fills *ret (release with
 * atrium_tls_paths_release). ATRIUM_EIO/ATRIUM_ECRYPTO with a message in *e.
 */
int atrium_tls_dev_ensure(const char *dir, struct atrium_tls_paths *ret, struct atrium_errinfo *e);

void atrium_tls_paths_release(struct atrium_tls_paths *p);
