-- Grants: a principal (user:<id>, role:global:<id>, role:tenant:<id>) may do permission (resource:action, or
-- resource:* for every action) on resources matching selector (*, an exact name, or prefix*) in one tenant.
-- principal_urn has no foreign key (it names a user or a role); writers check it exists.
CREATE TABLE grants (
    id            uuid        PRIMARY KEY,
    tenant_id     uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    principal_urn text        NOT NULL,
    permission    text        NOT NULL CHECK (permission ~ '^[a-z0-9_-]+:([a-z0-9_-]+|\*)$'),
    selector      text        NOT NULL DEFAULT '*' CHECK (length(selector) BETWEEN 1 AND 255),
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    text,
    version       bigint      NOT NULL DEFAULT 0,
    CONSTRAINT grants_tenant_id_principal_urn_permission_selector_key
        UNIQUE (tenant_id, principal_urn, permission, selector)
);

-- Listing a tenant's grants in id order (keyset pages), and loading a tenant's grant index.
CREATE INDEX grants_tenant_id_id_idx ON grants (tenant_id, id);
