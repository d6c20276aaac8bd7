/* SPDX-License-Identifier: MIT */
/* Start-up of the sign-in/token services' shared state; see serve_oauth.h. */
#include "app/serve_oauth.h"

#include <string.h>

#include "core/err.h"
#include "crypto/keyring.h"
#include "crypto/mac.h"
#include "crypto/masterkey.h"
#include "crypto/secret.h"

#define BEARER_CACHE_CAPACITY 16384
#define PAGING_KEY_LABEL "atrium graph skiptoken v1"

int atrium_serve_oauth_init(struct atrium_oauth *o, const char *data_dir, const char *store_uri,
                            struct atrium_pwhasher *hasher, struct atrium_errinfo *e)
{
    memset(o, 0, sizeof(*o));
    o->cfg = (struct atrium_oauth_config)ATRIUM_OAUTH_CONFIG_DEFAULT;
    o->hasher = hasher;
    struct atrium_masterkey *mk = NULL;
    struct atrium_store *st = NULL;
    int rc = atrium_masterkey_load(data_dir, &mk, e);
    if (rc == 0)
        rc = atrium_store_open(store_uri, &st, e);
    if (rc == 0)
        rc = atrium_oauth_keys_load(st, mk, &o->keyring, e);
    if (rc == 0 && (rc = atrium_secret_hasher_new(mk, &o->secrets)) < 0)
        atrium_err(e, rc, "", "The secret hasher could not be set up.");
    if (rc == 0 && (rc = atrium_mac_key_derive(mk, PAGING_KEY_LABEL, &o->paging_key)) < 0)
        atrium_err(e, rc, "", "The paging key could not be derived.");
    atrium_store_close(st);
    atrium_masterkey_free(mk);
    if (rc < 0) {
        atrium_serve_oauth_release(o);
        return rc;
    }
    o->bearer_cache = atrium_bearer_cache_new(BEARER_CACHE_CAPACITY);
    return 0;
}

void atrium_serve_oauth_release(struct atrium_oauth *o)
{
    atrium_keyring_free(o->keyring);
    atrium_secret_hasher_free(o->secrets);
    atrium_mac_key_free(o->paging_key);
    atrium_bearer_cache_free(o->bearer_cache);
    memset(o, 0, sizeof(*o));
}
