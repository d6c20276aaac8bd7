-- SPDX-License-Identifier: MIT
-- The directory audit log (Graph directoryAudits) and indexes for the
-- filtered sign-in log (Graph signIns). Entries go with their tenant.
CREATE TABLE directory_audits (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    activity_time INTEGER NOT NULL,
    category TEXT NOT NULL,
    activity TEXT NOT NULL,
    operation_type TEXT NOT NULL,
    success INTEGER NOT NULL CHECK (success IN (0, 1)),
    result_reason TEXT,
    correlation_id TEXT NOT NULL,
    initiator_type INTEGER NOT NULL CHECK (initiator_type IN (1, 2, 3)),
    initiator_id TEXT NOT NULL,
    initiator_app_id TEXT NOT NULL,
    initiator_upn TEXT,
    initiator_name TEXT,
    initiator_ip TEXT,
    targets TEXT NOT NULL,
    details TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX directory_audits_by_time ON directory_audits (tenant_id, activity_time DESC, id);

CREATE INDEX signin_events_by_user ON signin_events (tenant_id, user_id, created DESC, id);
CREATE INDEX signin_events_by_app ON signin_events (tenant_id, app_id, created DESC, id);
