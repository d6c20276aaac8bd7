/* SPDX-License-Identifier: MIT */
/* Helpers around the jose library; see joseutil.h. */
#include "crypto/joseutil.h"

#include <stdlib.h>

static void quiet_err(void *misc, const char *file, int line, uint64_t err, const char *fmt,
                      va_list ap)
{
}

jose_cfg_t *atrium_jose_cfg_quiet(void)
{
    jose_cfg_t *cfg = jose_cfg();
    if (!cfg)
        abort(); /* out of memory */
    jose_cfg_set_err_func(cfg, quiet_err, NULL);
    return cfg;
}
