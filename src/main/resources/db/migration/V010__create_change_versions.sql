-- The change version every write answers: taken under a transaction-scoped advisory lock held until commit, so
-- versions are handed out in commit order (docs/adr/002-versions.md). Rows that clients update with If-Match keep
-- the version of their last change.
CREATE SEQUENCE roster_version AS bigint;

ALTER TABLE tenants ADD COLUMN version bigint NOT NULL DEFAULT 0;
ALTER TABLE roles ADD COLUMN version bigint NOT NULL DEFAULT 0;
ALTER TABLE roles ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
