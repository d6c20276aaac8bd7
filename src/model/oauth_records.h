/* SPDX-License-Identifier: MIT */
/*
 * What the sign-in and token services persist: authorization codes, refresh
 * tokens (in rotation families), device codes, browser sessions, signing
 * keys, smart-lockout counters and sign-in events. Codes, tokens and session
 * ids are stored only as hashes (crypto/secret.h atrium_token_hash). Pure structs.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "core/rand.h"

#define ATRIUM_HASH_TEXT_MAX 64 /* base64url SHA-256 is 43 characters */

struct atrium_auth_code {
    char code_hash[ATRIUM_HASH_TEXT_MAX + 1];
    char tenant_id[ATRIUM_UUID_LEN + 1];
    char client_id[ATRIUM_UUID_LEN + 1]; /* appId */
    char user_id[ATRIUM_UUID_LEN + 1];
    char family_id[ATRIUM_UUID_LEN + 1]; /* tokens issued from this code share it */
    char *redirect_uri;
    char *scope;
    char *nonce;          /* NULL when none */
    char *code_challenge; /* NULL when no PKCE; method is always S256 */
    char *session_id;     /* browser session that approved it ("" when none) */
    int64_t auth_time;
    int64_t created;
    int64_t expires;
    bool redeemed;
};

struct atrium_refresh_token {
    char token_hash[ATRIUM_HASH_TEXT_MAX + 1];
    char tenant_id[ATRIUM_UUID_LEN + 1];
    char family_id[ATRIUM_UUID_LEN + 1];
    char client_id[ATRIUM_UUID_LEN + 1]; /* appId */
    char user_id[ATRIUM_UUID_LEN + 1];
    char *scope;
    int64_t auth_time;
    int64_t created;
    int64_t expires; /* sliding: each rotation sets a new one */
    bool used;       /* rotated: presenting it again is reuse */
    bool revoked;
};

enum atrium_device_status {
    ATRIUM_DEVICE_PENDING = 0,
    ATRIUM_DEVICE_APPROVED = 1,
    ATRIUM_DEVICE_DENIED = 2,
    ATRIUM_DEVICE_REDEEMED = 3,
};

struct atrium_device_code {
    char device_code_hash[ATRIUM_HASH_TEXT_MAX + 1];
    char user_code[16]; /* e.g. "ABCD-EFGH"; unique among live codes of the tenant */
    char tenant_id[ATRIUM_UUID_LEN + 1];
    char client_id[ATRIUM_UUID_LEN + 1];
    char user_id[ATRIUM_UUID_LEN + 1]; /* "" until approved */
    char *scope;
    enum atrium_device_status status;
    int64_t created;
    int64_t expires;
    int64_t last_poll;
    int64_t auth_time;
};

struct atrium_session {
    char id_hash[ATRIUM_HASH_TEXT_MAX + 1];
    char tenant_id[ATRIUM_UUID_LEN + 1];
    char user_id[ATRIUM_UUID_LEN + 1];
    int64_t auth_time;
    int64_t created;
    int64_t expires;
};

/* A signing key as stored: the private key only sealed under the master key. Global. */
struct atrium_signing_key_record {
    char kid[ATRIUM_HASH_TEXT_MAX + 1];
    char *sealed_private; /* masterkey blob */
    char *cert_pem;
    int64_t created;
    int64_t not_after; /* 0: no end; else published until then (grace period) */
    bool active;       /* the one used to sign */
};

/* Smart-lockout counters of one user. */
struct atrium_lockout {
    char tenant_id[ATRIUM_UUID_LEN + 1];
    char user_id[ATRIUM_UUID_LEN + 1];
    int failed_count;
    char last_bad_hash[ATRIUM_HASH_TEXT_MAX + 1]; /* keyed hash of the last wrong password */
    int64_t last_failure;
    int64_t locked_until;
    int lockout_count; /* grows the next lockout's length */
};

struct atrium_signin_event {
    char id[ATRIUM_UUID_LEN + 1];
    char tenant_id[ATRIUM_UUID_LEN + 1];
    char user_id[ATRIUM_UUID_LEN + 1]; /* "" when the user is unknown */
    char *user_principal_name;         /* as typed, bounded */
    char app_id[ATRIUM_UUID_LEN + 1];
    char *app_display_name;
    char *ip_address;
    char *client_request_id; /* correlation id */
    char *grant;             /* "authorization_code", "password", "device_code", ... */
    int error_code;          /* 0 success, else the AADSTS number */
    char *failure_reason;    /* NULL on success */
    int64_t created;
};

void atrium_auth_code_release(struct atrium_auth_code *c);
void atrium_refresh_token_release(struct atrium_refresh_token *t);
void atrium_device_code_release(struct atrium_device_code *d);
void atrium_signing_key_record_release(struct atrium_signing_key_record *k);
void atrium_signin_event_release(struct atrium_signin_event *ev);
