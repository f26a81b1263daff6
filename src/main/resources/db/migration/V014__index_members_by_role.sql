-- Member listings: one range of (tenant_id, user_id) per page, now carrying role_id so that a listing filtered by
-- role (GET /v1/tenants/{id}/members?role=) filters inside the index. Replaces V004's (tenant_id, user_id) index.
CREATE INDEX memberships_tenant_id_user_id_role_idx ON memberships (tenant_id, user_id) INCLUDE (role_id);

DROP INDEX memberships_tenant_id_user_id_idx;
