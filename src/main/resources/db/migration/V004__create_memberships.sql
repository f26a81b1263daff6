-- One effective role per user per tenant. source says who owns it: the upstream (a pull may change it) or Roster.
CREATE TABLE memberships (
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id  uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    role_id    uuid        NOT NULL REFERENCES roles (id),
    source     text        NOT NULL DEFAULT 'upstream' CHECK (source IN ('upstream', 'local')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, tenant_id)
);

-- Member listings of a tenant.
CREATE INDEX memberships_tenant_id_user_id_idx ON memberships (tenant_id, user_id);
CREATE INDEX memberships_role_id_idx ON memberships (role_id);
