/* SPDX-License-Identifier: MIT */
/*
 * JSON Web Tokens signed RS256 with the keyring, in JWS compact form.
 *
 * Tokens carry the header {"typ":"JWT","alg":"RS256","kid":<kid>,"x5t":<x5t>}
 * like Entra's. Verification accepts only RS256 with a kid published in the
 * keyring, and is strict about the encoding; it checks the signature only.
 * Time, audience and issuer are the caller's checks (atrium_jwt_check_times
 * helps with the first). Signing uses OpenSSL with each key loaded once (the
 * jose library rebuilds the key per call, 2.4x slower; see
 * docs/decisions.md); verification goes through jose. Both are safe from any
 * number of threads.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct atrium_errinfo;
struct atrium_keyring;

/* A sensible max_len for bearer tokens; ours are ~1-2 KiB. */
#define ATRIUM_JWT_MAX_LEN 16384
/* Default clock-skew tolerance for atrium_jwt_check_times, seconds (≤ 5 min). */
#define ATRIUM_JWT_LEEWAY 300

/*
 * Sign claims (a JSON object, serialized compactly in its key order) with the
 * active key. *ret_compact is a heap string, caller owns. ATRIUM_EINVAL when
 * claims is not an object, ATRIUM_ENOTFOUND when there is no usable active
 * key, ATRIUM_ECRYPTO when signing fails.
 */
int atrium_jwt_sign(struct atrium_keyring *kr, const json_t *claims, char **ret_compact);

/*
 * Verify a compact JWS (NUL-terminated, at most max_len bytes) and return its
 * claims object (caller owns *ret_claims). Every rejection is ATRIUM_EAUTH,
 * with the reason in *e (may be NULL), among them: too long, not three
 * segments, bad or non-canonical base64url, header or payload not a JSON
 * object, duplicate JSON keys, alg other than RS256 ("none", HS256, ...), a
 * "crit" header, missing or unknown kid (or a key past its not_after), and a
 * signature that does not verify. jku/x5u/jwk headers are ignored.
 */
int atrium_jwt_verify(struct atrium_keyring *kr, const char *compact, size_t max_len,
                      json_t **ret_claims, struct atrium_errinfo *e);

/* base64url of the left half of SHA-256: 16 bytes, 22 characters. */
#define ATRIUM_JWT_HALF_HASH_LEN 22

/*
 * OpenID Connect at_hash / c_hash for RS256 ID tokens: base64url of the left
 * 128 bits of SHA-256(value[0..len)), plus NUL, into out.
 */
void atrium_jwt_half_hash(const char *value, size_t len, char out[ATRIUM_JWT_HALF_HASH_LEN + 1]);

/*
 * Check exp (required), nbf and iat (optional) against now with leeway
 * seconds of tolerance: expired, not yet valid, or issued in the future give
 * ATRIUM_EAUTH; a non-integer value too.
 */
int atrium_jwt_check_times(const json_t *claims, int64_t now, int64_t leeway,
                           struct atrium_errinfo *e);
