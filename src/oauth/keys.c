/* SPDX-License-Identifier: MIT */
/*
 * Token signing keys: load the published keys from the store into a keyring
 * (private keys sealed with the master key), create the first key on first
 * start, rotate, and bring a running server's keyring in line with the store
 * (a rotation by the CLI or another node). The kid is the key's JWK thumbprint, so it is stable
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
            return atrium_err(e, rc, "",
                              "Cannot open signing key %s (wrong master key or damaged blob?).",
                              r->kid);
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

/* The first active key of the list (the one keyring_fill makes active), or NULL. */
static const struct atrium_signing_key_record *list_active(const struct atrium_signing_key_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i].active)
            return &l->items[i];
    return NULL;
}

/* The end of publication a listed key has in a keyring (the active key: none). */
static int64_t listed_end(const struct atrium_signing_key_record *r,
                          const struct atrium_signing_key_record *active)
{
    return r == active ? 0 : r->not_after;
}

static const struct atrium_keyring_entry *held_find(const struct atrium_keyring_entry *held,
                                                    size_t n, const char *kid)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(held[i].kid, kid) == 0)
            return &held[i];
    return NULL;
}

static bool list_has_kid(const struct atrium_signing_key_list *l, const char *kid)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i].kid, kid) == 0)
            return true;
    return false;
}

/* True when the keyring holds exactly the listed keys, the same one active, with the same ends. */
static bool keyring_matches(const struct atrium_signing_key_list *l,
                            const struct atrium_signing_key_record *active,
                            const struct atrium_keyring_entry *held, size_t n)
{
    if (n != l->count)
        return false;
    for (size_t i = 0; i < l->count; i++) {
        const struct atrium_signing_key_record *r = &l->items[i];
        const struct atrium_keyring_entry *h = held_find(held, n, r->kid);
        if (!h || h->active != (r == active) || h->not_after != listed_end(r, active))
            return false;
    }
    return true;
}

/*
 * Open every listed key the keyring does not hold yet into fresh[i] (same
 * index as the list). All or nothing: on failure every opened key is freed.
 */
static int import_new(const struct atrium_masterkey *mk, const struct atrium_signing_key_list *l,
                      const struct atrium_signing_key_record *active,
                      const struct atrium_keyring_entry *held, size_t n,
                      struct atrium_signing_key **fresh, struct atrium_errinfo *e)
{
    for (size_t i = 0; i < l->count; i++) {
        const struct atrium_signing_key_record *r = &l->items[i];
        if (held_find(held, n, r->kid))
            continue;
        int rc = atrium_signing_key_import(mk, r->kid, r->sealed_private, r->created,
                                           listed_end(r, active), &fresh[i]);
        if (rc < 0) {
            for (size_t j = 0; j < i; j++)
                fresh[j] = atrium_signing_key_free(fresh[j]);
            return atrium_err(e, rc, "",
                              "Cannot open signing key %s (wrong master key or damaged blob?).",
                              r->kid);
        }
    }
    return 0;
}

/*
 * Bring kr in line with the list, the new keys already opened (fresh,
 * consumed): add them, switch the active key, apply the listed ends, drop
 * what is no longer listed. Each step leaves a usable keyring for signers.
 */
static void keyring_apply(struct atrium_keyring *kr, const struct atrium_signing_key_list *l,
                          const struct atrium_signing_key_record *active,
                          const struct atrium_keyring_entry *held, size_t n,
                          struct atrium_signing_key **fresh, int64_t now,
                          struct atrium_oauth_keys_change *c)
{
    for (size_t i = 0; i < l->count; i++) {
        if (!fresh[i])
            continue;
        /* The only writer is the caller; ECONFLICT would mean a concurrent refresh. */
        if (atrium_keyring_add(kr, fresh[i], &l->items[i] == active) == 0)
            c->imported++;
        fresh[i] = NULL;
    }
    const struct atrium_keyring_entry *was = held_find(held, n, active->kid);
    if (!was || !was->active) {
        atrium_keyring_activate(kr, active->kid);
        c->active_changed = true;
    }
    for (size_t i = 0; i < l->count; i++) {
        const struct atrium_signing_key_record *r = &l->items[i];
        const struct atrium_keyring_entry *h = held_find(held, n, r->kid);
        if (r != active && h && (h->active || h->not_after != r->not_after) &&
            atrium_keyring_retire(kr, r->kid, r->not_after) == 0)
            c->retired++;
    }
    for (size_t i = 0; i < n; i++)
        if (!list_has_kid(l, held[i].kid) && atrium_keyring_remove(kr, held[i].kid) == 0)
            c->removed++;
    c->removed += atrium_keyring_prune(kr, now);
}

int atrium_oauth_keys_refresh(struct atrium_store *s, const struct atrium_masterkey *mk,
                              struct atrium_keyring *kr, struct atrium_oauth_keys_change *ret,
                              struct atrium_errinfo *e)
{
    struct atrium_oauth_keys_change c = {0};
    struct atrium_signing_key_list l = {0};
    int64_t now = atrium_now();
    int rc = need_store(s, e);
    if (rc < 0)
        return rc;
    if ((rc = s->oauth->signing_key_list(s, now, &l)) < 0)
        return atrium_err(e, rc, "", "Cannot list the signing keys.");
    const struct atrium_signing_key_record *active = list_active(&l);
    struct atrium_keyring_entry *held = NULL;
    size_t n = 0;
    atrium_keyring_list(kr, &held, &n);
    if (!active) {
        rc = atrium_err(e, ATRIUM_EINTERNAL, "", "The store lists no active signing key.");
    } else if (!keyring_matches(&l, active, held, n)) {
        struct atrium_signing_key **fresh = xcalloc(l.count, sizeof(*fresh));
        rc = import_new(mk, &l, active, held, n, fresh, e);
        if (rc == 0)
            keyring_apply(kr, &l, active, held, n, fresh, now, &c);
        xfree(fresh);
    }
    xfree(held);
    atrium_signing_key_list_release(&l);
    if (rc == 0 && ret)
        *ret = c;
    return rc;
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
