-- Organizations, units and teams. The root tenant is reserved: platform administration happens there.
CREATE TABLE tenants (
    id           uuid        PRIMARY KEY,
    slug         text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name         text        NOT NULL,
    external_id  text        UNIQUE,
    parent_id    uuid        REFERENCES tenants (id),
    rbac_enabled boolean     NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX tenants_parent_id_idx ON tenants (parent_id) WHERE parent_id IS NOT NULL;

INSERT INTO tenants (id, slug, name)
VALUES ('00000000-0000-0000-0000-000000000000', 'root', 'Root');
