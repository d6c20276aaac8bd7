/* SPDX-License-Identifier: MIT */
/*
 * Private to src/store/: the constructors of the backends, called by
 * atrium_store_open (store.c) once it has parsed the URI. Each returns a
 * handle whose ops table the caller then checks against
 * ATRIUM_STORE_OPS_VERSION.
 */
#pragma once

#include "store/store.h"

struct atrium_errinfo;

/*
 * Open (creating if needed) the SQLite database at path, or a private
 * in-memory database for ":memory:". Sets WAL, synchronous=FULL,
 * foreign_keys=ON and a 5 s busy timeout. Caller owns *ret.
 */
int atrium_store_sqlite_open(const char *path, struct atrium_store **ret, struct atrium_errinfo *e);
