-- SPDX-License-Identifier: MIT
-- Migration 8: what the periodic purge of sign-in records needs
-- (store_oauth.h purge, oauth/maintenance.c). Codes, device codes, refresh
-- tokens and sessions already have an index on expires (0002); the sign-in
-- log is kept for a retention period counted from its creation time, across
-- tenants, so it gets an index on created alone (the existing ones lead with
-- tenant_id and would make the purge scan every tenant's log).
CREATE INDEX signin_events_by_age ON signin_events (created);
