/* SPDX-License-Identifier: MIT */
/* Development CA and localhost certificate, created once; see tlsgen.h. */
#include "crypto/tlsgen.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "crypto/atomicfile.h"
#include "crypto/x509util.h"

#define DAY 86400
#define CA_DAYS 3650
#define BACKDATE 300 /* tolerate small clock differences between processes */
#define PEM_MAX (64 * 1024)

static const struct atrium_x509_ext ca_exts[] = {
    {NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
    {NID_key_usage, "critical,keyCertSign,cRLSign"},
    {NID_subject_key_identifier, "hash"},
    {0, NULL},
};

static const struct atrium_x509_ext server_exts[] = {
    {NID_basic_constraints, "critical,CA:FALSE"},
    {NID_key_usage, "critical,digitalSignature"},
    {NID_ext_key_usage, "serverAuth"},
    {NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1"},
    {NID_subject_key_identifier, "hash"},
    {NID_authority_key_identifier, "keyid:always"},
    {0, NULL},
};

/* A loaded or freshly made CA. */
struct dev_ca {
    X509 *cert;
    EVP_PKEY *key;
};

static void dev_ca_release(struct dev_ca *ca)
{
    X509_free(ca->cert);
    EVP_PKEY_free(ca->key);
}

static int write_pair(const char *cert_path, X509 *cert, const char *key_path, EVP_PKEY *key,
                      struct atrium_errinfo *e)
{
    AUTO_FREE char *cert_pem = atrium_x509_cert_pem(cert);
    char *key_pem = atrium_x509_key_pem(key);

    if (!cert_pem || !key_pem) {
        xfree(key_pem);
        return atrium_err(e, ATRIUM_ECRYPTO, "", "cannot encode a certificate or key as PEM");
    }
    size_t key_len = strlen(key_pem);
    int r = atrium_file_write_atomic(key_path, key_pem, key_len, 0600, true, e);
    OPENSSL_cleanse(key_pem, key_len);
    xfree(key_pem);
    if (r < 0)
        return r;
    return atrium_file_write_atomic(cert_path, cert_pem, strlen(cert_pem), 0644, true, e);
}

static int ca_create(const struct atrium_tls_paths *p, struct dev_ca *ca, struct atrium_errinfo *e)
{
    char tag[9];
    atrium_random_hex(tag, 4);
    AUTO_FREE char *cn = xasprintf("Atrium Development CA %s", tag);
    int64_t now = atrium_now();
    struct atrium_x509_spec spec = {
        .common_name = cn,
        .not_before = now - BACKDATE,
        .not_after = now + (int64_t)CA_DAYS * DAY,
        .exts = ca_exts,
    };

    ca->key = EVP_EC_gen("P-256");
    ca->cert = ca->key ? atrium_x509_build(&spec, ca->key, NULL, NULL) : NULL;
    if (!ca->cert)
        return atrium_err(e, ATRIUM_ECRYPTO, "", "cannot create the development CA");
    return write_pair(p->ca_cert, ca->cert, p->ca_key, ca->key, e);
}

static int read_cert(const char *path, X509 **ret, struct atrium_errinfo *e)
{
    AUTO_FREE unsigned char *pem = NULL;
    size_t len = 0;
    int r = atrium_file_read_small(path, PEM_MAX, false, &pem, &len, e);
    if (r < 0)
        return r;
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    *ret = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    if (!*ret)
        return atrium_err(e, ATRIUM_ECRYPTO, "", "%s is not a PEM certificate", path);
    return 0;
}

static int read_key(const char *path, EVP_PKEY **ret, struct atrium_errinfo *e)
{
    unsigned char *pem = NULL;
    size_t len = 0;
    int r = atrium_file_read_small(path, PEM_MAX, true, &pem, &len, e);
    if (r < 0)
        return r;
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    *ret = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    OPENSSL_cleanse(pem, len);
    xfree(pem);
    if (!*ret)
        return atrium_err(e, ATRIUM_ECRYPTO, "", "%s is not a PEM private key", path);
    return 0;
}

static int ca_load(const struct atrium_tls_paths *p, struct dev_ca *ca, struct atrium_errinfo *e)
{
    int r = read_cert(p->ca_cert, &ca->cert, e);
    if (r == 0)
        r = read_key(p->ca_key, &ca->key, e);
    if (r < 0)
        return r;
    if (X509_check_private_key(ca->cert, ca->key) != 1)
        return atrium_err(e, ATRIUM_ECRYPTO, "",
                          "%s does not match %s; delete both to create a new CA", p->ca_key,
                          p->ca_cert);
    return 0;
}

/* True when the server files exist, match, were issued by ca and are not near expiry. */
static bool server_usable(const struct atrium_tls_paths *p, const struct dev_ca *ca)
{
    if (!atrium_file_exists(p->server_cert) || !atrium_file_exists(p->server_key))
        return false;
    X509 *cert = NULL;
    EVP_PKEY *key = NULL;
    if (read_cert(p->server_cert, &cert, NULL) == 0)
        read_key(p->server_key, &key, NULL);
    time_t renew = (time_t)(atrium_now() + (int64_t)ATRIUM_TLS_DEV_RENEW_DAYS * DAY);
    bool ok = key && X509_check_private_key(cert, key) == 1 &&
              X509_verify(cert, X509_get0_pubkey(ca->cert)) == 1 &&
              X509_cmp_time(X509_get0_notAfter(cert), &renew) > 0;
    EVP_PKEY_free(key);
    X509_free(cert);
    return ok;
}

static int server_issue(const struct atrium_tls_paths *p, const struct dev_ca *ca,
                        struct atrium_errinfo *e)
{
    int64_t now = atrium_now();
    struct atrium_x509_spec spec = {
        .common_name = "localhost",
        .not_before = now - BACKDATE,
        .not_after = now - BACKDATE + (int64_t)ATRIUM_TLS_DEV_SERVER_DAYS * DAY,
        .exts = server_exts,
    };
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *cert = key ? atrium_x509_build(&spec, key, ca->cert, ca->key) : NULL;
    int r = cert ? write_pair(p->server_cert, cert, p->server_key, key, e)
                 : atrium_err(e, ATRIUM_ECRYPTO, "", "cannot issue the development certificate");
    X509_free(cert);
    EVP_PKEY_free(key);
    return r;
}

static int ensure_files(struct atrium_tls_paths *p, struct atrium_errinfo *e)
{
    struct dev_ca ca = {NULL, NULL};
    int r = 0;

    if (atrium_file_exists(p->ca_cert) && atrium_file_exists(p->ca_key)) {
        r = ca_load(p, &ca, e);
    } else {
        r = ca_create(p, &ca, e);
        p->created_ca = r == 0;
    }
    if (r == 0 && (p->created_ca || !server_usable(p, &ca))) {
        r = server_issue(p, &ca, e);
        p->issued_server = r == 0;
    }
    dev_ca_release(&ca);
    return r;
}

int atrium_tls_dev_ensure(const char *dir, struct atrium_tls_paths *ret, struct atrium_errinfo *e)
{
    struct atrium_tls_paths p = {
        .ca_cert = xasprintf("%s/ca.pem", dir),
        .ca_key = xasprintf("%s/ca.key", dir),
        .server_cert = xasprintf("%s/server.pem", dir),
        .server_key = xasprintf("%s/server.key", dir),
    };
    int r = 0;

    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        r = atrium_err(e, ATRIUM_EIO, "", "cannot create %s: %s", dir, strerror(errno));
    if (r == 0)
        r = ensure_files(&p, e);
    if (r < 0) {
        atrium_tls_paths_release(&p);
        return r;
    }
    *ret = p;
    return 0;
}

void atrium_tls_paths_release(struct atrium_tls_paths *p)
{
    p->ca_cert = xfree(p->ca_cert);
    p->ca_key = xfree(p->ca_key);
    p->server_cert = xfree(p->server_cert);
    p->server_key = xfree(p->server_key);
}
