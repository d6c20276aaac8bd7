/* SPDX-License-Identifier: MIT */
/*
 * Random bytes from the kernel CSPRNG (getrandom), GUIDs and random tokens.
 * Safe to call from any thread. Requests of up to 64 bytes come from a
 * per-thread pool refilled 512 bytes at a time (one system call per many
 * GUIDs or token ids); a forked child drops the forking thread's pool.
 */
#pragma once

#include <stddef.h>

#define ATRIUM_UUID_LEN 36 /* without the NUL */

/* Fill buf with n cryptographically secure random bytes; aborts if the kernel cannot. */
void atrium_random_bytes(void *buf, size_t n);
/* Write a lowercase RFC 4122 version-4 GUID plus NUL into out. */
void atrium_uuid_v4(char out[ATRIUM_UUID_LEN + 1]);
/* True when s is a GUID in 8-4-4-4-12 hex form (any case). */
int atrium_uuid_is_valid(const char *s);
/* Write 2*n lowercase hex characters of random data plus NUL into out. */
void atrium_random_hex(char *out, size_t n);
