/* SPDX-License-Identifier: MIT */
/* Building the sign-in/token services' shared state for `atrium serve`. */
#pragma once

#include "oauth/oauth.h"

struct atrium_errinfo;

/*
 * Fill *o: master key from the data dir (or ATRIUM_MASTER_KEY[_FILE]),
 * signing keys loaded (or created) through the store at uri, the client
 * secret hasher and the verified-token cache. public_url is borrowed.
 */
int atrium_serve_oauth_init(struct atrium_oauth *o, const char *data_dir, const char *store_uri,
                            struct atrium_pwhasher *hasher, struct atrium_errinfo *e);
void atrium_serve_oauth_release(struct atrium_oauth *o);
