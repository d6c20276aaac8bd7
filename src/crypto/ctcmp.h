/* SPDX-License-Identifier: MIT */
/*
 * Constant-time comparison of secrets (MACs, tokens, hashes). Use it instead
 * of memcmp/strcmp whenever one side is secret.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * True when a[0..alen) and b[0..blen) are equal. The content is compared even
 * when the lengths differ, and the running time depends only on alen, never
 * on where the bytes differ. NULL is allowed with a zero length.
 */
bool atrium_ct_equal(const void *a, size_t alen, const void *b, size_t blen);
