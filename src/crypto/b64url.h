/* SPDX-License-Identifier: MIT */
/*
 * Base64url without padding (RFC 4648 §5, RFC 7515 §2), as used in JWS
 * segments, JWK members and our sealed blobs. Decoding is strict: only the
 * URL-safe alphabet, no padding, no whitespace, and the unused low bits of the
 * last character must be zero, so every value has exactly one encoding.
 */
#pragma once

#include <stddef.h>

/* Characters needed to encode n bytes, without the NUL. */
size_t atrium_b64url_encoded_len(size_t n);

/*
 * Encode data[0..n) into out, which must hold atrium_b64url_encoded_len(n) + 1
 * bytes; out is NUL-terminated. Returns the encoded length.
 */
size_t atrium_b64url_encode(const void *data, size_t n, char *out);

/* Encode into a fresh heap string. Caller owns. */
char *atrium_b64url_encode_alloc(const void *data, size_t n);

/* Upper bound of the decoded size of len input characters. */
size_t atrium_b64url_decoded_max(size_t len);

/*
 * Strictly decode in[0..len) into out (capacity out_cap). On success writes
 * the decoded size to *ret_len. ATRIUM_EINVAL for any character outside the
 * alphabet, a length of 1 mod 4, or non-zero trailing bits; ATRIUM_ETOOBIG
 * when out_cap is too small.
 */
int atrium_b64url_decode(const char *in, size_t len, void *out, size_t out_cap, size_t *ret_len);

/*
 * Strictly decode into a fresh heap buffer (NUL-terminated for convenience,
 * the NUL not counted in *ret_len). Caller owns *ret.
 */
int atrium_b64url_decode_alloc(const char *in, size_t len, unsigned char **ret, size_t *ret_len);
