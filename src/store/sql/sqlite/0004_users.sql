-- SPDX-License-Identifier: MIT
-- Migration 4: the directory API's users and organization.
--
-- Users get the optional profile properties of Graph's user resource
-- (NULL when unset), two string collections kept as JSON arrays
-- (business_phones, other_mails; NULL when empty), and a soft-delete mark:
-- deleted is 0 for an active user, else the deletion time (Unix seconds).
-- A deleted user keeps its row, so its UPN stays reserved (the unique
-- (tenant_id, upn_lower) key) until it is purged.
--
-- Indexes serve the listing engine (store_sqlite_user_query.c): keyset
-- paging and startswith() ranges on display_name compared without ASCII
-- case, the mail look-up, createdDateTime ranges and ordering, and the
-- deleted-items listing. (tenant_id, upn_lower) is already unique.

ALTER TABLE users ADD COLUMN mail_nickname TEXT;
ALTER TABLE users ADD COLUMN mobile_phone TEXT;
ALTER TABLE users ADD COLUMN office_location TEXT;
ALTER TABLE users ADD COLUMN preferred_language TEXT;
ALTER TABLE users ADD COLUMN department TEXT;
ALTER TABLE users ADD COLUMN usage_location TEXT;
ALTER TABLE users ADD COLUMN company_name TEXT;
ALTER TABLE users ADD COLUMN employee_id TEXT;
ALTER TABLE users ADD COLUMN city TEXT;
ALTER TABLE users ADD COLUMN country TEXT;
ALTER TABLE users ADD COLUMN state TEXT;
ALTER TABLE users ADD COLUMN street_address TEXT;
ALTER TABLE users ADD COLUMN postal_code TEXT;
ALTER TABLE users ADD COLUMN user_type TEXT;
ALTER TABLE users ADD COLUMN business_phones TEXT;
ALTER TABLE users ADD COLUMN other_mails TEXT;
ALTER TABLE users ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;

DROP INDEX users_by_display_name;
CREATE INDEX users_by_name ON users (tenant_id, display_name COLLATE NOCASE, id);
CREATE INDEX users_by_mail ON users (tenant_id, mail COLLATE NOCASE, id);
CREATE INDEX users_by_created ON users (tenant_id, created, id);
CREATE INDEX users_deleted ON users (tenant_id, deleted, id) WHERE deleted <> 0;

-- The organization's technicalNotificationMails (JSON array; NULL: the
-- sign-up contact e-mail alone).
ALTER TABLE tenants ADD COLUMN technical_notification_mails TEXT;
