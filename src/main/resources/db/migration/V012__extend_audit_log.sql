-- Audit entries name the request that made them and the tenant they concern (tenant admins read their tenant's).
-- Keyset pages walk id downwards; each filter has an index that serves that order.
ALTER TABLE audit_log ADD COLUMN request_id text;
ALTER TABLE audit_log ADD COLUMN tenant_id uuid;

CREATE INDEX audit_log_tenant_id_id_idx ON audit_log (tenant_id, id) WHERE tenant_id IS NOT NULL;
CREATE INDEX audit_log_actor_id_idx ON audit_log (actor, id);
CREATE INDEX audit_log_action_id_idx ON audit_log (action, id);
CREATE INDEX audit_log_target_id_idx ON audit_log (target, id);
DROP INDEX audit_log_target_idx;
