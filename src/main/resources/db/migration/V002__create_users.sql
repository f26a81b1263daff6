-- Users as the upstream knows them (provider + external_id), with profile and hierarchy fields and sync state.
CREATE TABLE users (
    id                 uuid        PRIMARY KEY,
    provider           text        NOT NULL,
    external_id        text        NOT NULL,
    email              text        NOT NULL,
    username           text,
    first_name         text,
    last_name          text,
    middle_name        text,
    display_name       text,
    image              text,
    position_title     text,
    division           text,
    department         text,
    section            text,
    custom_team        text,
    hierarchy_level    integer,
    reports_to_id      uuid        REFERENCES users (id) ON DELETE SET NULL,
    is_active          boolean     NOT NULL DEFAULT true,
    is_leader          boolean     NOT NULL DEFAULT false,
    settings           jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(settings) = 'object'),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    last_synced_at     timestamptz,
    last_roles_sync_at timestamptz,
    sync_claimed_until timestamptz,
    CONSTRAINT users_provider_external_id_key UNIQUE (provider, external_id)
);

CREATE INDEX users_email_idx ON users (lower(email));
CREATE INDEX users_division_idx ON users (division);
CREATE INDEX users_department_idx ON users (department);
CREATE INDEX users_is_active_idx ON users (is_active);
CREATE INDEX users_reports_to_id_idx ON users (reports_to_id) WHERE reports_to_id IS NOT NULL;
CREATE INDEX users_last_roles_sync_at_idx ON users (last_roles_sync_at NULLS FIRST);
