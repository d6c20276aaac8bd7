/* SPDX-License-Identifier: MIT */
/*
 * INTERNAL to src/crypto/: small helpers around the jose library. Exposes
 * jose types; never include it from another layer.
 */
#pragma once

#include <jose/cfg.h>

/*
 * A fresh jose configuration whose error callback prints nothing (jose's
 * default writes to stderr; our callers report errors themselves). One per
 * call: jose_cfg_t's reference count is not thread-safe. Never NULL; release
 * with jose_cfg_decref or declare it jose_cfg_auto_t.
 */
jose_cfg_t *atrium_jose_cfg_quiet(void);
