/* SPDX-License-Identifier: MIT */
/*
 * X.509 building blocks shared by the dev TLS generator and the token
 * signing keys. INTERNAL to src/crypto/: this header exposes OpenSSL types
 * and must never be included from another layer.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

/* One X.509v3 extension in openssl.cnf syntax, e.g. {NID_key_usage, "critical,keyCertSign"}. */
struct atrium_x509_ext {
    int nid;
    const char *value;
};

struct atrium_x509_spec {
    const char *common_name;
    int64_t not_before; /* Unix seconds */
    int64_t not_after;
    const struct atrium_x509_ext *exts; /* terminated by nid 0; may be NULL */
};

/*
 * Build and sign (SHA-256) a certificate for subject_key. issuer/issuer_key
 * NULL means self-signed. A random positive 127-bit serial is used. Returns
 * NULL on failure. Caller owns (X509_free).
 */
X509 *atrium_x509_build(const struct atrium_x509_spec *spec, EVP_PKEY *subject_key, X509 *issuer,
                        EVP_PKEY *issuer_key);

/*
 * PEM of a certificate / of a private key (PKCS#8, unencrypted). Heap strings,
 * NULL on failure; wipe the key PEM (OPENSSL_cleanse) before freeing it.
 */
char *atrium_x509_cert_pem(X509 *cert);
char *atrium_x509_key_pem(EVP_PKEY *key);

/* DER of a certificate into a heap buffer. Returns 0 or ATRIUM_ECRYPTO. Caller owns *ret. */
int atrium_x509_cert_der(X509 *cert, unsigned char **ret, size_t *ret_len);
