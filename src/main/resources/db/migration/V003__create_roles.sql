-- Roles: global (tenant_id NULL) or defined by one tenant. A higher priority wins when several apply.
-- URN: role:global:<id> or role:tenant:<id>.
CREATE TABLE roles (
    id         uuid        PRIMARY KEY,
    tenant_id  uuid        REFERENCES tenants (id) ON DELETE CASCADE,
    slug       text        NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    name       text        NOT NULL,
    priority   integer     NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT roles_tenant_id_slug_key UNIQUE NULLS NOT DISTINCT (tenant_id, slug)
);

INSERT INTO roles (id, tenant_id, slug, name, priority) VALUES
    ('00000000-0000-0000-0000-000000000101', NULL, 'super_admin',  'Super admin',  500),
    ('00000000-0000-0000-0000-000000000102', NULL, 'tenant_admin', 'Tenant admin', 400),
    ('00000000-0000-0000-0000-000000000103', NULL, 'operator',     'Operator',     300),
    ('00000000-0000-0000-0000-000000000104', NULL, 'developer',    'Developer',    200),
    ('00000000-0000-0000-0000-000000000105', NULL, 'viewer',       'Viewer',       100);
