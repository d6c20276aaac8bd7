/* SPDX-License-Identifier: MIT */
/* X.509 certificate building and PEM/DER output; see x509util.h. */
#include "crypto/x509util.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"

static int set_serial(X509 *cert)
{
    unsigned char raw[16];
    atrium_random_bytes(raw, sizeof(raw));
    raw[0] &= 0x7F; /* positive */
    raw[0] |= 0x01; /* and non-zero */
    BIGNUM *bn = BN_bin2bn(raw, sizeof(raw), NULL);
    ASN1_INTEGER *serial = bn ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
    int ok = serial && X509_set_serialNumber(cert, serial) == 1;
    ASN1_INTEGER_free(serial);
    BN_free(bn);
    return ok ? 0 : ATRIUM_ECRYPTO;
}

static int set_names(X509 *cert, const char *cn, X509 *issuer)
{
    X509_NAME *name = X509_get_subject_name(cert);
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1,
                                   0) != 1)
        return ATRIUM_ECRYPTO;
    X509_NAME *iname = issuer ? X509_get_subject_name(issuer) : name;
    return X509_set_issuer_name(cert, iname) == 1 ? 0 : ATRIUM_ECRYPTO;
}

static int add_exts(X509 *cert, X509 *issuer, const struct atrium_x509_ext *exts)
{
    X509V3_CTX ctx;

    X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, NULL, NULL, 0);
    for (size_t i = 0; exts && exts[i].nid != 0; i++) {
        X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, exts[i].nid, exts[i].value);
        int ok = ext && X509_add_ext(cert, ext, -1) == 1;
        X509_EXTENSION_free(ext);
        if (!ok)
            return ATRIUM_ECRYPTO;
    }
    return 0;
}

X509 *atrium_x509_build(const struct atrium_x509_spec *spec, EVP_PKEY *subject_key, X509 *issuer,
                        EVP_PKEY *issuer_key)
{
    X509 *cert = X509_new();

    if (!cert)
        return NULL;
    if (X509_set_version(cert, 2) != 1 || set_serial(cert) < 0 ||
        set_names(cert, spec->common_name, issuer) < 0 ||
        !ASN1_TIME_set(X509_getm_notBefore(cert), (time_t)spec->not_before) ||
        !ASN1_TIME_set(X509_getm_notAfter(cert), (time_t)spec->not_after) ||
        X509_set_pubkey(cert, subject_key) != 1 || add_exts(cert, issuer, spec->exts) < 0 ||
        X509_sign(cert, issuer_key ? issuer_key : subject_key, EVP_sha256()) <= 0) {
        X509_free(cert);
        return NULL;
    }
    return cert;
}

/* Drain a memory BIO into a heap string. */
static char *bio_to_string(BIO *bio)
{
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    return n > 0 ? xstrndup(data, (size_t)n) : NULL;
}

char *atrium_x509_cert_pem(X509 *cert)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *pem = bio && PEM_write_bio_X509(bio, cert) == 1 ? bio_to_string(bio) : NULL;
    BIO_free(bio);
    return pem;
}

char *atrium_x509_key_pem(EVP_PKEY *key)
{
    /* Secure-heap BIO: cleared when freed. */
    BIO *bio = BIO_new(BIO_s_secmem());
    char *pem = bio && PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL) == 1
                    ? bio_to_string(bio)
                    : NULL;
    BIO_free(bio);
    return pem;
}

int atrium_x509_cert_der(X509 *cert, unsigned char **ret, size_t *ret_len)
{
    int n = i2d_X509(cert, NULL);
    if (n <= 0)
        return ATRIUM_ECRYPTO;
    unsigned char *der = xmalloc((size_t)n);
    unsigned char *p = der;
    if (i2d_X509(cert, &p) != n) {
        xfree(der);
        return ATRIUM_ECRYPTO;
    }
    *ret = der;
    *ret_len = (size_t)n;
    return 0;
}
