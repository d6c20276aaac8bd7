/* SPDX-License-Identifier: MIT */
/* Constant-time comparison over OpenSSL's CRYPTO_memcmp; see ctcmp.h. */
#include "crypto/ctcmp.h"

#include <openssl/crypto.h>

bool atrium_ct_equal(const void *a, size_t alen, const void *b, size_t blen)
{
    static const unsigned char empty[1];
    if (alen == 0)
        a = empty;
    /*
     * Always compare alen bytes: against b when the lengths match, else
     * against a itself, so a length mismatch costs the same time as a
     * content mismatch and the result is decided without a shortcut.
     */
    const void *other = (alen == blen) ? b : a;
    int diff = CRYPTO_memcmp(a, other, alen);
    return (diff == 0) & (alen == blen);
}
