-- Member listings filtered by role (GET /v1/tenants/{id}/members?role=): one range of one index per page.
CREATE INDEX memberships_tenant_id_role_id_user_id_idx ON memberships (tenant_id, role_id, user_id);
