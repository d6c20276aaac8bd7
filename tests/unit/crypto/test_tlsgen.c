/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the development TLS files (crypto/tlsgen.c): created once,
 * reused on restart, and a chain that verifies for localhost, 127.0.0.1 and
 * ::1 the way a TLS client checks it (X509_verify_cert with the CA as trust).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "crypto/tlsgen.h"

static char *make_tmpdir(void)
{
    const char *base = getenv("ATRIUM_TEST_TMP");
    char *tmpl = xasprintf("%s/tlsgen.XXXXXX", base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(tmpl));
    return tmpl;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = xcalloc(1, 65536);
    size_t n = fread(buf, 1, 65535, f);
    assert_true(n > 0);
    fclose(f);
    return buf;
}

static X509 *load_cert(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    X509 *cert = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    assert_non_null(cert);
    return cert;
}

static unsigned file_mode(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 0777;
}

/* Verify server against ca for a host name or an IP address, as a TLS client does. */
static int verify_for(const struct atrium_tls_paths *p, const char *host, const char *ip)
{
    X509 *ca = load_cert(p->ca_cert);
    X509 *leaf = load_cert(p->server_cert);
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();

    assert_int_equal(X509_STORE_add_cert(store, ca), 1);
    assert_int_equal(X509_STORE_CTX_init(ctx, store, leaf, NULL), 1);
    X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
    if (host)
        X509_VERIFY_PARAM_set1_host(param, host, 0);
    if (ip)
        X509_VERIFY_PARAM_set1_ip_asc(param, ip);
    int ok = X509_verify_cert(ctx);
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    X509_free(leaf);
    X509_free(ca);
    return ok;
}

static double days_valid(X509 *cert)
{
    int days = 0, secs = 0;
    assert_int_equal(
        ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(cert), X509_get0_notAfter(cert)), 1);
    return days + secs / 86400.0;
}

static void remove_dir(const char *dir, const struct atrium_tls_paths *p)
{
    unlink(p->ca_cert);
    unlink(p->ca_key);
    unlink(p->server_cert);
    unlink(p->server_key);
    assert_int_equal(rmdir(dir), 0); /* no temporary files left behind */
}

static void test_create_and_verify(void **state)
{
    AUTO_FREE char *dir = make_tmpdir();
    struct atrium_tls_paths p;
    struct atrium_errinfo e;

    assert_int_equal(atrium_tls_dev_ensure(dir, &p, &e), 0);
    assert_true(p.created_ca);
    assert_true(p.issued_server);
    assert_int_equal(file_mode(p.ca_key), 0600);
    assert_int_equal(file_mode(p.server_key), 0600);
    assert_int_equal(verify_for(&p, "localhost", NULL), 1);
    assert_int_equal(verify_for(&p, NULL, "127.0.0.1"), 1);
    assert_int_equal(verify_for(&p, NULL, "::1"), 1);
    assert_int_equal(verify_for(&p, "example.com", NULL), 0);
    assert_int_equal(verify_for(&p, NULL, "10.0.0.1"), 0);

    X509 *ca = load_cert(p.ca_cert);
    X509 *leaf = load_cert(p.server_cert);
    assert_int_equal(X509_check_ca(ca), 1);
    assert_true(X509_get_key_usage(ca) & KU_KEY_CERT_SIGN);
    assert_true(days_valid(ca) >= 3650);
    assert_int_equal(X509_check_ca(leaf), 0);
    assert_true(X509_get_extended_key_usage(leaf) & XKU_SSL_SERVER);
    assert_true(days_valid(leaf) <= 397.0);
    X509_free(ca);
    X509_free(leaf);
    remove_dir(dir, &p);
    atrium_tls_paths_release(&p);
}

static void test_not_regenerated(void **state)
{
    AUTO_FREE char *dir = make_tmpdir();
    struct atrium_tls_paths p, again;

    assert_int_equal(atrium_tls_dev_ensure(dir, &p, NULL), 0);
    AUTO_FREE char *ca1 = slurp(p.ca_cert);
    AUTO_FREE char *srv1 = slurp(p.server_cert);
    AUTO_FREE char *key1 = slurp(p.server_key);

    assert_int_equal(atrium_tls_dev_ensure(dir, &again, NULL), 0);
    assert_false(again.created_ca);
    assert_false(again.issued_server);
    AUTO_FREE char *ca2 = slurp(again.ca_cert);
    AUTO_FREE char *srv2 = slurp(again.server_cert);
    AUTO_FREE char *key2 = slurp(again.server_key);
    assert_string_equal(ca1, ca2);
    assert_string_equal(srv1, srv2);
    assert_string_equal(key1, key2);
    atrium_tls_paths_release(&again);

    /* A lost server certificate is reissued by the same CA. */
    unlink(p.server_cert);
    assert_int_equal(atrium_tls_dev_ensure(dir, &again, NULL), 0);
    assert_false(again.created_ca);
    assert_true(again.issued_server);
    AUTO_FREE char *ca3 = slurp(again.ca_cert);
    assert_string_equal(ca1, ca3);
    assert_int_equal(verify_for(&again, "localhost", NULL), 1);
    atrium_tls_paths_release(&again);

    remove_dir(dir, &p);
    atrium_tls_paths_release(&p);
}

/* Near its expiry the server certificate is reissued, by the same CA. */
static void test_renewed_near_expiry(void **state)
{
    AUTO_FREE char *dir = make_tmpdir();
    struct atrium_tls_paths p, later;

    assert_int_equal(atrium_tls_dev_ensure(dir, &p, NULL), 0);
    AUTO_FREE char *ca1 = slurp(p.ca_cert);
    AUTO_FREE char *srv1 = slurp(p.server_cert);
    atrium_clock_set_offset((int64_t)(ATRIUM_TLS_DEV_SERVER_DAYS - 10) * 86400);
    int r = atrium_tls_dev_ensure(dir, &later, NULL);
    atrium_clock_set_offset(0);
    assert_int_equal(r, 0);
    assert_false(later.created_ca);
    assert_true(later.issued_server);
    AUTO_FREE char *ca2 = slurp(later.ca_cert);
    AUTO_FREE char *srv2 = slurp(later.server_cert);
    assert_string_equal(ca1, ca2);
    assert_string_not_equal(srv1, srv2);
    atrium_tls_paths_release(&later);
    remove_dir(dir, &p);
    atrium_tls_paths_release(&p);
}

static void test_mismatched_ca_key_refused(void **state)
{
    AUTO_FREE char *a = make_tmpdir();
    AUTO_FREE char *b = make_tmpdir();
    struct atrium_tls_paths pa, pb, again;
    struct atrium_errinfo e;

    assert_int_equal(atrium_tls_dev_ensure(a, &pa, NULL), 0);
    assert_int_equal(atrium_tls_dev_ensure(b, &pb, NULL), 0);
    assert_int_equal(rename(pb.ca_key, pa.ca_key), 0);
    assert_int_equal(atrium_tls_dev_ensure(a, &again, &e), ATRIUM_ECRYPTO);
    assert_non_null(strstr(e.message, "does not match"));
    unlink(pb.ca_cert);
    unlink(pb.server_cert);
    unlink(pb.server_key);
    rmdir(b);
    remove_dir(a, &pa);
    atrium_tls_paths_release(&pa);
    atrium_tls_paths_release(&pb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_and_verify),
        cmocka_unit_test(test_not_regenerated),
        cmocka_unit_test(test_renewed_near_expiry),
        cmocka_unit_test(test_mismatched_ca_key_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
