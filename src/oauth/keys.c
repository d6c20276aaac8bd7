/* SPDX-License-Identifier: MIT */
/*
 * Token signing keys: load the published keys from the store into a keyring
 * (private keys sealed with the master key), create the first key on first
 * start, and rotate. The kid is the key's JWK thumbprint, so it is stable
 * across restarts.
 */
#include "oauth/oauth.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "crypto/keyring.h"

static int need_store(struct atrium_store *s, struct atrium_errinfo *e)
{
    if (!s->oauth)
        return atrium_err(e, ATRIUM_ESTORE, "", "The store has no signing-key support.");
    return 0;
}

/* Generate a key and insert it sealed (inactive); *ret_kid: heap. */
static int key_create(struct atrium_store *s, const struct atrium_masterkey *mk, char **ret_kid,
                      struct atrium_errinfo *e)
{
    struct atrium_signing_key *key = NULL;
    struct atrium_signing_key_record rec = {0};
    int rc = atrium_signing_key_generate(&key);
    if (rc < 0)
        return atrium_err(e, rc, "", "Cannot generate a signing key.");
    rc = atrium_signing_key_export(key, mk, &rec.sealed_private);
    if (rc < 0) {
        atrium_signing_key_free(key);
        return atrium_err(e, rc, "", "Cannot seal the signing key.");
    }
    snprintf(rec.kid, sizeof(rec.kid), "%s", atrium_signing_key_kid(key));
    rec.cert_pem = atrium_signing_key_cert_pem(key);
    rec.created = atrium_signing_key_created(key);
    rec.not_after = 0;
    rec.active = false;
    rc = s->oauth->signing_key_insert(s, &rec);
    if (rc == 0)
        *ret_kid = xstrdup(rec.kid);
    else
        atrium_err(e, rc, "", "Cannot store the signing key.");
    free(rec.sealed_private);
    free(rec.cert_pem);
    atrium_signing_key_free(key);
    return rc;
}

/* Create a key and make it the only active one; the others retire at retire_at. */
static int key_create_active(struct atrium_store *s, const struct atrium_masterkey *mk,
                             int64_t retire_at, char **ret_kid, struct atrium_errinfo *e)
{
    char *kid = NULL;
    int rc = atrium_store_begin(s);
    if (rc < 0)
        return atrium_err(e, rc, "", "Cannot start a store transaction.");
    rc = key_create(s, mk, &kid, e);
    if (rc == 0 && (rc = s->oauth->signing_key_activate(s, kid, retire_at)) < 0)
        atrium_err(e, rc, "", "Cannot activate the signing key.");
    if (rc == 0 && (rc = atrium_store_commit(s)) < 0)
        atrium_err(e, rc, "", "Cannot commit the signing key.");
    if (rc < 0) {
        atrium_store_rollback(s);
        free(kid);
        return rc;
    }
    *ret_kid = kid;
    return 0;
}

static bool list_has_active(const struct atrium_signing_key_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i].active)
            return true;
    return false;
}

/* Import every listed key; the first active one signs. */
static int keyring_fill(struct atrium_keyring *kr, const struct atrium_masterkey *mk,
                        const struct atrium_signing_key_list *l, struct atrium_errinfo *e)
{
    bool have_active = false;
    for (size_t i = 0; i < l->count; i++) {
        const struct atrium_signing_key_record *r = &l->items[i];
        struct atrium_signing_key *key = NULL;
        int rc = atrium_signing_key_import(mk, r->kid, r->sealed_private, r->created,
                                           r->active ? 0 : r->not_after, &key);
        if (rc < 0)
            return atrium_err(e, rc, "", "Cannot open signing key %s (wrong master key?).", r->kid);
        bool make_active = r->active && !have_active;
        rc = atrium_keyring_add(kr, key, make_active);
        if (rc < 0)
            return atrium_err(e, rc, "", "Cannot load signing key %s.", r->kid);
        have_active = have_active || make_active;
    }
    return have_active ? 0 : atrium_err(e, ATRIUM_EINTERNAL, "", "No active signing key.");
}

/*
 * Make sure an active key exists: under the store's write lock, so two
 * processes starting at once do not both create (and retire) one.
 */
static int ensure_active_key(struct atrium_store *s, const struct atrium_masterkey *mk,
                             struct atrium_errinfo *e)
{
    struct atrium_signing_key_list l = {0};
    char *kid = NULL;
    int rc = atrium_store_begin(s);
    if (rc < 0)
        return atrium_err(e, rc, "", "Cannot start a store transaction.");
    if ((rc = s->oauth->signing_key_list(s, atrium_now(), &l)) < 0)
        atrium_err(e, rc, "", "Cannot list the signing keys.");
    else if (!list_has_active(&l) && (rc = key_create(s, mk, &kid, e)) == 0 &&
             (rc = s->oauth->signing_key_activate(s, kid, atrium_now())) < 0)
        atrium_err(e, rc, "", "Cannot activate the signing key.");
    atrium_signing_key_list_release(&l);
    free(kid);
    if (rc == 0 && (rc = atrium_store_commit(s)) < 0)
        atrium_err(e, rc, "", "Cannot commit the signing key.");
    if (rc < 0)
        atrium_store_rollback(s);
    return rc;
}

int atrium_oauth_keys_load(struct atrium_store *s, const struct atrium_masterkey *mk,
                           struct atrium_keyring **ret, struct atrium_errinfo *e)
{
    struct atrium_signing_key_list l = {0};
    int rc = need_store(s, e);
    if (rc < 0 || (rc = ensure_active_key(s, mk, e)) < 0)
        return rc;
    if ((rc = s->oauth->signing_key_list(s, atrium_now(), &l)) < 0)
        return atrium_err(e, rc, "", "Cannot list the signing keys.");
    struct atrium_keyring *kr = atrium_keyring_new();
    rc = keyring_fill(kr, mk, &l, e);
    atrium_signing_key_list_release(&l);
    if (rc < 0) {
        atrium_keyring_free(kr);
        return rc;
    }
    *ret = kr;
    return 0;
}

int atrium_oauth_keys_rotate(struct atrium_store *s, const struct atrium_masterkey *mk,
                             int64_t grace_period, char **ret_kid, struct atrium_errinfo *e)
{
    int rc = need_store(s, e);
    if (rc < 0)
        return rc;
    if (grace_period < 0)
        return atrium_err(e, ATRIUM_EINVAL, "grace_period", "The grace period is negative.");
    return key_create_active(s, mk, atrium_now() + grace_period, ret_kid, e);
}
