/* SPDX-License-Identifier: MIT */
/*
 * A small cache of rendered documents (the discovery documents): key ->
 * body and tenant id, fresh for a fixed time. Fixed number of slots, direct
 * mapped by a hash of the key (a newer entry replaces an older one in its
 * slot), so memory stays bounded whatever the keys. Thread-safe; a hit costs
 * one lock and one copy, no store round trip.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rand.h"

struct atrium_buf;
struct atrium_doc_cache;

#define ATRIUM_DOC_CACHE_KEY_MAX 256   /* longer keys are never cached */
#define ATRIUM_DOC_CACHE_BODY_MAX 8192 /* larger bodies are never cached */

/* slots > 0; ttl in seconds (atrium_now() clock). Caller owns. */
struct atrium_doc_cache *atrium_doc_cache_new(size_t slots, int64_t ttl);
/* NULL is fine. */
void atrium_doc_cache_free(struct atrium_doc_cache *c);

/*
 * On a fresh hit for key, replace out's content with the body, copy the
 * tenant id (may be "") into ret_tenant and return true. c may be NULL.
 */
bool atrium_doc_cache_get(struct atrium_doc_cache *c, const char *key, struct atrium_buf *out,
                          char ret_tenant[ATRIUM_UUID_LEN + 1]);
/* Remember body for key (copied); oversized keys or bodies are ignored. c may be NULL. */
void atrium_doc_cache_put(struct atrium_doc_cache *c, const char *key, const char *body, size_t len,
                          const char *tenant_id);
