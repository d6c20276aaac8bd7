-- SPDX-License-Identifier: MIT
-- Migration 2: applications, service principals, permission grants, and
-- what sign-in persists (codes, refresh tokens, device codes, sessions,
-- signing keys, lockout counters, sign-in events).
--
-- Same conventions as 0001: portable SQL (TEXT / INTEGER, 0/1 booleans,
-- composite keys, partial indexes, ON CONFLICT upserts, RETURNING) so the
-- PostgreSQL dialect mirrors it file for file (INTEGER times become BIGINT).
-- tenant_id is the first column of every tenant-scoped key. Codes, tokens
-- and session ids are stored only as hashes. Times are Unix seconds.
--
-- ON DELETE: everything a tenant owns goes with it (CASCADE); passwords go
-- with their application; grants and assignments go with the service
-- principals they name; codes, tokens, sessions and lockout counters go
-- with their user. Sign-in events and device codes keep a plain user id
-- (it may be "" and the log outlives the user).

-- app_id (the client id) is unique across all tenants: it names the client
-- in every token request, whichever tenant the request is for.
CREATE TABLE applications (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    app_id TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    sign_in_audience TEXT NOT NULL,
    definition TEXT NOT NULL,
    created INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- Client secrets: only a keyed hash and the 3-character hint are kept.
CREATE TABLE app_passwords (
    tenant_id TEXT NOT NULL,
    app_object_id TEXT NOT NULL,
    key_id TEXT NOT NULL,
    display_name TEXT,
    hint TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    start_time INTEGER NOT NULL,
    end_time INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, app_object_id, key_id),
    FOREIGN KEY (tenant_id, app_object_id) REFERENCES applications (tenant_id, id)
        ON DELETE CASCADE
);

-- An application's presence in one tenant. No foreign key to applications:
-- built-in resources have no application row, and a multi-tenant
-- application's principals live in other tenants than its home.
CREATE TABLE service_principals (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    app_id TEXT NOT NULL,
    app_owner_tenant_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    definition TEXT NOT NULL,
    account_enabled INTEGER NOT NULL CHECK (account_enabled IN (0, 1)),
    created INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, app_id)
);

-- principal_id is a service principal, user or group of the same tenant
-- (checked on insert); resource_id a service principal of the tenant.
CREATE TABLE app_role_assignments (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    principal_id TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    app_role_id TEXT NOT NULL,
    created INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, principal_id, resource_id, app_role_id),
    FOREIGN KEY (tenant_id, resource_id) REFERENCES service_principals (tenant_id, id)
        ON DELETE CASCADE
);
CREATE INDEX app_role_assignments_by_resource ON app_role_assignments (tenant_id, resource_id);

-- Delegated consent. principal_id is "" for AllPrincipals (so the unique key
-- also covers tenant-wide consent), else a user of the tenant.
CREATE TABLE oauth2_grants (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    principal_id TEXT NOT NULL,
    consent_type TEXT NOT NULL,
    scope TEXT NOT NULL,
    created INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, client_id, resource_id, principal_id),
    CHECK ((consent_type = 'AllPrincipals' AND principal_id = '')
        OR (consent_type = 'Principal' AND principal_id <> '')),
    FOREIGN KEY (tenant_id, client_id) REFERENCES service_principals (tenant_id, id)
        ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, resource_id) REFERENCES service_principals (tenant_id, id)
        ON DELETE CASCADE
);
CREATE INDEX oauth2_grants_by_resource ON oauth2_grants (tenant_id, resource_id);

-- Single use: redeemed flips 0 -> 1 in one conditional UPDATE.
CREATE TABLE auth_codes (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    client_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    family_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    scope TEXT NOT NULL,
    nonce TEXT,
    code_challenge TEXT,
    session_id TEXT NOT NULL,
    auth_time INTEGER NOT NULL,
    created INTEGER NOT NULL,
    expires INTEGER NOT NULL,
    redeemed INTEGER NOT NULL CHECK (redeemed IN (0, 1)),
    PRIMARY KEY (tenant_id, code_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX auth_codes_by_expiry ON auth_codes (expires);
CREATE INDEX auth_codes_by_user ON auth_codes (tenant_id, user_id);

-- Rotation: used flips 0 -> 1 once; a family is revoked on reuse.
CREATE TABLE refresh_tokens (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    family_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    auth_time INTEGER NOT NULL,
    created INTEGER NOT NULL,
    expires INTEGER NOT NULL,
    used INTEGER NOT NULL CHECK (used IN (0, 1)),
    revoked INTEGER NOT NULL CHECK (revoked IN (0, 1)),
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (tenant_id, family_id);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (tenant_id, user_id);
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires);

-- status: 0 pending, 1 approved, 2 denied, 3 redeemed. A user code is unique
-- among the tenant's live codes: user_code_live is 1 until a later code
-- reuses the text after this one expired. prev_poll and prev_status keep the
-- values one poll replaced, so a single UPDATE can both advance the state
-- and report what it found.
CREATE TABLE device_codes (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    device_code_hash TEXT NOT NULL,
    user_code TEXT NOT NULL,
    user_code_live INTEGER NOT NULL CHECK (user_code_live IN (0, 1)),
    client_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    status INTEGER NOT NULL CHECK (status IN (0, 1, 2, 3)),
    prev_status INTEGER NOT NULL CHECK (prev_status IN (0, 1, 2, 3)),
    created INTEGER NOT NULL,
    expires INTEGER NOT NULL,
    last_poll INTEGER NOT NULL,
    prev_poll INTEGER NOT NULL,
    auth_time INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, device_code_hash)
);
CREATE UNIQUE INDEX device_codes_live_user_code ON device_codes (tenant_id, user_code)
    WHERE user_code_live = 1;
CREATE INDEX device_codes_by_expiry ON device_codes (expires);

CREATE TABLE sessions (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id_hash TEXT NOT NULL,
    user_id TEXT NOT NULL,
    auth_time INTEGER NOT NULL,
    created INTEGER NOT NULL,
    expires INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_by_user ON sessions (tenant_id, user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires);

-- Global: one set of token signing keys for the whole service. At most one
-- is active; not_after 0 means published without end.
CREATE TABLE signing_keys (
    kid TEXT NOT NULL PRIMARY KEY,
    sealed_private TEXT NOT NULL,
    cert_pem TEXT NOT NULL,
    created INTEGER NOT NULL,
    not_after INTEGER NOT NULL,
    active INTEGER NOT NULL CHECK (active IN (0, 1))
);
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (active) WHERE active = 1;

CREATE TABLE lockouts (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    failed_count INTEGER NOT NULL,
    last_bad_hash TEXT NOT NULL,
    last_failure INTEGER NOT NULL,
    locked_until INTEGER NOT NULL,
    lockout_count INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);

-- Newest first, ties by id: keyset paging on (created DESC, id).
CREATE TABLE signin_events (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    user_principal_name TEXT,
    app_id TEXT NOT NULL,
    app_display_name TEXT,
    ip_address TEXT,
    client_request_id TEXT,
    grant_type TEXT,
    error_code INTEGER NOT NULL,
    failure_reason TEXT,
    created INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX signin_events_by_created ON signin_events (tenant_id, created DESC, id);
