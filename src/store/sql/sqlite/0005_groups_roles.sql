-- SPDX-License-Identifier: MIT
-- Migration 5: group owners, activated directory roles, and the indexes the
-- group and role management API pages and filters by.
--
-- A directoryRole is addressed by its role template id in every tenant (the
-- template id is the directoryRole id), so activation is one row per
-- (tenant, template). Global Administrator is active everywhere without a
-- row; a role holding an assignment counts as active too (store query).

-- owner_id is a user of the same tenant (checked on insert).
CREATE TABLE group_owners (
    tenant_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, group_id, owner_id),
    FOREIGN KEY (tenant_id, group_id) REFERENCES groups (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX group_owners_by_owner ON group_owners (tenant_id, owner_id);

CREATE TABLE directory_roles (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    role_template_id TEXT NOT NULL,
    created INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, role_template_id)
);

-- Members of a role in id order (directoryRoles/{id}/members, roleAssignments $filter).
CREATE INDEX role_assignments_by_role ON role_assignments (tenant_id, role_template_id, id);
-- memberOf in group id order.
CREATE INDEX group_members_by_member_group ON group_members (tenant_id, member_id, group_id);
