/* SPDX-License-Identifier: MIT */
/*
 * The master key: 32 random bytes that encrypt secrets at rest (signing-key
 * material, ...) and from which other server keys are derived (HKDF).
 *
 * Sealed blobs are self-describing text, "v1.<b64url nonce>.<b64url ct+tag>"
 * (AES-256-GCM, random 96-bit nonce). The caller's aad string names what the
 * blob is for (e.g. "signing-key:<kid>") and is authenticated, so a blob
 * cannot be moved to another purpose or row without failing to open.
 */
#pragma once

#include <stddef.h>

struct atrium_errinfo;
struct atrium_masterkey;

#define ATRIUM_MASTERKEY_LEN 32
#define ATRIUM_MASTERKEY_ENV "ATRIUM_MASTER_KEY"
#define ATRIUM_MASTERKEY_FILE_ENV "ATRIUM_MASTER_KEY_FILE"
#define ATRIUM_MASTERKEY_FILENAME "master.key"
/* Largest plaintext seal accepts and largest blob open accepts. */
#define ATRIUM_SEAL_MAX (1024 * 1024)

/*
 * Load the master key, first match wins:
 *   1. env ATRIUM_MASTER_KEY: base64url (no padding) of 32 bytes;
 *   2. env ATRIUM_MASTER_KEY_FILE: a file holding 32 raw bytes or their
 *      base64url text (a trailing newline is fine);
 *   3. <data_dir>/master.key (32 raw bytes), created with mode 0600 on first
 *      use (exclusive create, fsync of file and directory).
 * Files must be regular, not symlinks, and grant nothing to group/other.
 * Errors (ATRIUM_EINVAL bad value, ATRIUM_EFORBIDDEN permissions,
 * ATRIUM_EIO) come with a readable message in *e. Caller owns *ret.
 */
int atrium_masterkey_load(const char *data_dir, struct atrium_masterkey **ret,
                          struct atrium_errinfo *e);

/* Wrap len raw bytes (must be ATRIUM_MASTERKEY_LEN, else ATRIUM_EINVAL). Caller owns *ret. */
int atrium_masterkey_from_bytes(const void *key, size_t len, struct atrium_masterkey **ret);

/* A fresh random master key (tests, init). Caller owns. */
struct atrium_masterkey *atrium_masterkey_generate(void);

/* Wipe and free; accepts NULL, returns NULL. */
struct atrium_masterkey *atrium_masterkey_free(struct atrium_masterkey *mk);

/*
 * Encrypt plaintext[0..len) bound to aad (a NUL-terminated purpose string,
 * may be ""). *ret_blob is a heap string, caller owns. ATRIUM_ETOOBIG above
 * ATRIUM_SEAL_MAX, ATRIUM_ECRYPTO if the cipher fails.
 */
int atrium_masterkey_seal(const struct atrium_masterkey *mk, const void *plaintext, size_t len,
                          const char *aad, char **ret_blob);

/*
 * Decrypt a blob made by seal with the same aad. Any tampering (blob, nonce,
 * tag, aad), a wrong key or a malformed blob gives ATRIUM_ECRYPTO. *ret_pt is
 * NUL-terminated (not counted in *ret_len); release it with
 * atrium_masterkey_plaintext_free.
 */
int atrium_masterkey_open(const struct atrium_masterkey *mk, const char *blob, const char *aad,
                          unsigned char **ret_pt, size_t *ret_len);

/* Wipe len bytes of an opened plaintext and free it; accepts NULL. */
void atrium_masterkey_plaintext_free(unsigned char *pt, size_t len);

/*
 * Derive out_len bytes with HKDF-SHA256 from the master key and a fixed,
 * purpose-specific label ("atrium client-secret hmac v1"). Deterministic.
 */
int atrium_masterkey_derive(const struct atrium_masterkey *mk, const char *label, void *out,
                            size_t out_len);
