-- Global roles the upstream defines (webhooks' role.*, seed 001: "global roles are populated by the provider's
-- webhook events"), beside the five built-ins. external_id is the upstream's id for the role (its slug when it has no
-- other). A built-in has neither a tenant nor an external id; a tenant's own role never has an external id.
ALTER TABLE roles ADD COLUMN external_id text;
ALTER TABLE roles ADD CONSTRAINT roles_external_id_global CHECK (external_id IS NULL OR tenant_id IS NULL);
CREATE UNIQUE INDEX roles_external_id_key ON roles (external_id) WHERE external_id IS NOT NULL;

-- A global role's slug may not hide a tenant's own: the check looks roles up by slug alone.
CREATE INDEX roles_slug_idx ON roles (slug);
