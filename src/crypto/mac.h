/* SPDX-License-Identifier: MIT */
/*
 * Keyed message authentication (HMAC-SHA256) for server-issued opaque
 * values that must come back unmodified, such as the $skiptoken of a
 * directory listing. Each purpose has its own key, derived from the master
 * key under a fixed label, so a tag minted for one purpose is worthless
 * for another.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct atrium_masterkey;
struct atrium_mac_key;

#define ATRIUM_MAC_LEN 32

/* Derive a key from mk under label (e.g. "atrium graph skiptoken v1"). Caller owns *ret. */
int atrium_mac_key_derive(const struct atrium_masterkey *mk, const char *label,
                          struct atrium_mac_key **ret);
/* A fresh random key (tests, or a server without a master key). Caller owns. */
struct atrium_mac_key *atrium_mac_key_random(void);
/* Wipe and free; accepts NULL, returns NULL. */
struct atrium_mac_key *atrium_mac_key_free(struct atrium_mac_key *k);

/* HMAC-SHA256 of msg[0..len) under k into out. ATRIUM_ECRYPTO on failure. */
int atrium_mac_sign(const struct atrium_mac_key *k, const void *msg, size_t len,
                    unsigned char out[ATRIUM_MAC_LEN]);
/*
 * Does tag[0..tag_len) equal the first tag_len bytes of the MAC of msg
 * (constant time)? tag_len must be 16..ATRIUM_MAC_LEN, else false.
 */
bool atrium_mac_verify(const struct atrium_mac_key *k, const void *msg, size_t len,
                       const unsigned char *tag, size_t tag_len);
