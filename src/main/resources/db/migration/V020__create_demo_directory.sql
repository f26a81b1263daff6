-- The directory of the demo upstream (dev mode and benchmarks only; empty everywhere else): the people the demo
-- identity provider signs in and its simulated REST directory serves under /demo/directory. Not Roster's users
-- (those are in users): this is what the upstream knows, as the upstream would store it.
-- id is the upstream's id (the OIDC subject: demo-<local part> for the demo people, the email for generated users);
-- email is stored lower-cased; roles is the directory's answer as served:
-- [{"role": "developer", "on": {"tenant": "acme", "name": "Acme Corp"}}].
CREATE TABLE demo_directory_users (
    id              text        PRIMARY KEY,
    email           text        NOT NULL UNIQUE CHECK (email = lower(email)),
    username        text,
    first_name      text,
    middle_name     text,
    last_name       text,
    display_name    text,
    image           text,
    position_title  text,
    division        text,
    department      text,
    section         text,
    custom_team     text,
    hierarchy_level integer,
    reports_to      text,
    is_active       boolean     NOT NULL DEFAULT true,
    is_leader       boolean     NOT NULL DEFAULT false,
    roles           jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(roles) = 'array'),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- What the directory's search matches (case-insensitively, anywhere in it): computed once per write.
    search_text     text        GENERATED ALWAYS AS (
                        lower(email || ' ' || coalesce(username, '') || ' ' || coalesce(first_name, '') || ' '
                              || coalesce(last_name, ''))) STORED
);

-- Search: contains and prefix matches of 3+ characters (pg_trgm comes with V008). Results are ordered by email,
-- which the UNIQUE constraint's index serves when a query matches most users.
CREATE INDEX demo_directory_users_search_idx ON demo_directory_users USING gin (search_text gin_trgm_ops);
