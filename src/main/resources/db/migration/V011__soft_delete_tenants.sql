-- A deleted tenant disappears from listings and /v1/me, and its memberships stop counting; its rows stay for audit.
-- Its slug and external id stay taken.
ALTER TABLE tenants ADD COLUMN deleted_at timestamptz;
