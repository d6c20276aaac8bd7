/* SPDX-License-Identifier: MIT */
/*
 * Where the master key comes from: environment, an explicit file, or
 * <data dir>/master.key created on first use. See masterkey.h for the order.
 */
#include "crypto/masterkey.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "crypto/atomicfile.h"
#include "crypto/b64url.h"

/* Largest file we read: 32 raw bytes or 43 base64url characters plus line ends. */
#define KEYFILE_MAX 128

/* Decode base64url text (trailing whitespace and '=' padding tolerated). */
static int key_from_text(const char *text, size_t len, const char *source,
                         struct atrium_masterkey **ret, struct atrium_errinfo *e)
{
    unsigned char raw[ATRIUM_MASTERKEY_LEN + 3];
    size_t n = 0;

    while (len > 0 && strchr(" \t\r\n=", text[len - 1]))
        len--;
    int r = atrium_b64url_decode(text, len, raw, sizeof(raw), &n);
    if (r == 0 && n == ATRIUM_MASTERKEY_LEN)
        r = atrium_masterkey_from_bytes(raw, n, ret);
    else
        r = ATRIUM_EINVAL;
    OPENSSL_cleanse(raw, sizeof(raw));
    if (r < 0)
        return atrium_err(e, ATRIUM_EINVAL, "",
                          "%s is not a base64url-encoded 32-byte key (generate one with: "
                          "openssl rand 32 | basenc --base64url)",
                          source);
    return 0;
}

/* Read a key file: 32 raw bytes, or (when text_ok) base64url text. */
static int key_from_file(const char *path, bool text_ok, struct atrium_masterkey **ret,
                         struct atrium_errinfo *e)
{
    unsigned char *data = NULL;
    size_t len = 0;

    int r = atrium_file_read_small(path, KEYFILE_MAX, true, &data, &len, e);
    if (r == ATRIUM_ETOOBIG)
        return atrium_err(e, ATRIUM_EINVAL, "", "master key file %s has the wrong size", path);
    if (r < 0)
        return r;
    if (len == ATRIUM_MASTERKEY_LEN)
        r = atrium_masterkey_from_bytes(data, len, ret);
    else if (text_ok)
        r = key_from_text((const char *)data, len, path, ret, e);
    else
        r = atrium_err(e, ATRIUM_EINVAL, "",
                       "master key file %s has the wrong size (%zu bytes, expected %d): it is "
                       "damaged or not a master key",
                       path, len, ATRIUM_MASTERKEY_LEN);
    OPENSSL_cleanse(data, len);
    xfree(data);
    return r;
}

/* Create path with a fresh key, mode 0600, without ever replacing an existing file. */
static int key_create(const char *path, struct atrium_masterkey **ret, struct atrium_errinfo *e)
{
    unsigned char raw[ATRIUM_MASTERKEY_LEN];

    atrium_random_bytes(raw, sizeof(raw));
    int r = atrium_file_write_atomic(path, raw, sizeof(raw), 0600, false, e);
    if (r == 0)
        r = atrium_masterkey_from_bytes(raw, sizeof(raw), ret);
    OPENSSL_cleanse(raw, sizeof(raw));
    /* Another process won the race: use its key. */
    if (r == ATRIUM_ECONFLICT)
        return key_from_file(path, false, ret, e);
    return r;
}

int atrium_masterkey_load(const char *data_dir, struct atrium_masterkey **ret,
                          struct atrium_errinfo *e)
{
    const char *env = getenv(ATRIUM_MASTERKEY_ENV);
    if (env && *env)
        return key_from_text(env, strlen(env), ATRIUM_MASTERKEY_ENV, ret, e);

    const char *file = getenv(ATRIUM_MASTERKEY_FILE_ENV);
    if (file && *file)
        return key_from_file(file, true, ret, e);

    if (!data_dir || !*data_dir)
        return atrium_err(e, ATRIUM_EINVAL, "",
                          "no master key: set " ATRIUM_MASTERKEY_ENV
                          " or " ATRIUM_MASTERKEY_FILE_ENV ", or give a data directory");
    AUTO_FREE char *path = xasprintf("%s/%s", data_dir, ATRIUM_MASTERKEY_FILENAME);
    int r = key_from_file(path, false, ret, e);
    if (r != ATRIUM_ENOTFOUND)
        return r;
    atrium_err_clear(e);
    return key_create(path, ret, e);
}
