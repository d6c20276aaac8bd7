/* SPDX-License-Identifier: MIT */
/*
 * Durable small-file helpers for key material: atomic create-or-replace
 * (temporary file, fsync, rename or link, fsync of the directory) and a
 * bounded read that can refuse files readable by group or others.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct atrium_errinfo;

/*
 * Write data[0..len) to path with permission bits mode. The content goes to a
 * temporary file in the same directory (O_CREAT|O_EXCL), is fsync'ed, then
 * renamed over path when replace is true, or linked to path when false (the
 * call then fails with ATRIUM_ECONFLICT if path already exists, and never
 * clobbers it). The directory is fsync'ed last. ATRIUM_EIO on OS errors.
 */
int atrium_file_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
                             bool replace, struct atrium_errinfo *e);

/*
 * Read the regular file path, at most max bytes, into a fresh buffer
 * (NUL-terminated, the NUL not counted). ATRIUM_ENOTFOUND when it does not
 * exist; ATRIUM_EFORBIDDEN when private_only and its mode grants any group or
 * other permission; ATRIUM_ETOOBIG when larger than max; ATRIUM_EIO otherwise.
 * Symbolic links are not followed. Caller owns *ret (wipe it if secret).
 */
int atrium_file_read_small(const char *path, size_t max, bool private_only, unsigned char **ret,
                           size_t *ret_len, struct atrium_errinfo *e);

/* True when path exists (any type). */
bool atrium_file_exists(const char *path);
