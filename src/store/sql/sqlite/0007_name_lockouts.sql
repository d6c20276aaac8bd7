-- SPDX-License-Identifier: MIT
-- Migration 7: smart-lockout counters of names that are no user of the
-- tenant, so that a made-up name locks exactly like an account and
-- lockouts do not tell which accounts exist (oauth/authn.c).
--
-- name_key is a keyed hash (HMAC under the server's secret) of the tenant
-- and the normalised name: the typed name, which may be a password typed in
-- the wrong field, is never stored. Columns as in lockouts (0002). The rows
-- go with their tenant. Rows whose lockout ended and whose last failure is
-- older than the observation window count as zeros; every write purges at
-- most 100 of them (store_oauth.h name_lockout_put), by last_failure.
CREATE TABLE name_lockouts (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name_key TEXT NOT NULL,
    failed_count INTEGER NOT NULL,
    last_bad_hash TEXT NOT NULL,
    last_failure INTEGER NOT NULL,
    locked_until INTEGER NOT NULL,
    lockout_count INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, name_key)
);
CREATE INDEX name_lockouts_by_last_failure ON name_lockouts (last_failure);
