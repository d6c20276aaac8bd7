-- SPDX-License-Identifier: MIT
-- Migration 1: tenants, domains, users, groups, membership, role assignments.
--
-- Portable SQL on purpose (TEXT / INTEGER columns, 0/1 booleans, composite
-- keys, partial indexes) so the PostgreSQL dialect can mirror it file for
-- file. tenant_id is the first key column of every tenant-scoped table, and
-- every query of the store filters by it. Times are Unix seconds.
-- The schema_version table is created by the migration runner itself.
-- Later features (applications, service principals, sign-in logs,
-- codes/tokens, signing keys, audit logs) come as new numbered files.

CREATE TABLE tenants (
    id TEXT NOT NULL PRIMARY KEY,
    display_name TEXT NOT NULL,
    country TEXT NOT NULL,
    contact_email TEXT,
    initial_domain TEXT NOT NULL UNIQUE,
    created INTEGER NOT NULL
);

-- name is lowercase (the store folds it). A verified name belongs to exactly
-- one tenant; unverified claims of the same name may coexist.
CREATE TABLE domains (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    is_initial INTEGER NOT NULL CHECK (is_initial IN (0, 1)),
    is_default INTEGER NOT NULL CHECK (is_default IN (0, 1)),
    is_verified INTEGER NOT NULL CHECK (is_verified IN (0, 1)),
    verification_code TEXT,
    created INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, name)
);
CREATE UNIQUE INDEX domains_verified_name ON domains (name) WHERE is_verified = 1;
CREATE UNIQUE INDEX domains_initial ON domains (tenant_id) WHERE is_initial = 1;
CREATE INDEX domains_by_name ON domains (name);

-- upn keeps the case as entered; upn_lower (ASCII-folded) carries uniqueness.
CREATE TABLE users (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    upn TEXT NOT NULL,
    upn_lower TEXT NOT NULL,
    display_name TEXT NOT NULL,
    given_name TEXT,
    surname TEXT,
    mail TEXT,
    job_title TEXT,
    account_enabled INTEGER NOT NULL CHECK (account_enabled IN (0, 1)),
    force_change_password INTEGER NOT NULL CHECK (force_change_password IN (0, 1)),
    password_hash TEXT,
    created INTEGER NOT NULL,
    password_changed INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, upn_lower)
);
CREATE INDEX users_by_display_name ON users (tenant_id, display_name, id);

CREATE TABLE groups (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    description TEXT,
    mail_nickname TEXT NOT NULL,
    security_enabled INTEGER NOT NULL CHECK (security_enabled IN (0, 1)),
    created INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX groups_by_display_name ON groups (tenant_id, display_name, id);

-- member_id is a user or a group of the same tenant (checked on insert).
CREATE TABLE group_members (
    tenant_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, group_id, member_id),
    FOREIGN KEY (tenant_id, group_id) REFERENCES groups (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX group_members_by_member ON group_members (tenant_id, member_id);

-- principal_id is a user or a group of the same tenant (checked on insert).
CREATE TABLE role_assignments (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    role_template_id TEXT NOT NULL,
    principal_id TEXT NOT NULL,
    created INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, role_template_id, principal_id)
);
CREATE INDEX role_assignments_by_principal ON role_assignments (tenant_id, principal_id);
