-- Service accounts (docs/authorization.md#service-accounts): a backend's own identity. Each is a users row of its own
-- provider ('roster:service-account', external_id = client_id), so memberships, grants, checks, deactivation and the
-- audit log apply to it unchanged; the directory sync, which only ever selects users of the upstream's provider,
-- never touches it.
CREATE TABLE service_accounts (
    user_id     uuid        PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    client_id   text        NOT NULL UNIQUE,
    name        text        NOT NULL,
    description text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Client secrets, stored only as their SHA-256 (256 random bits each: a slow hash would add nothing). An account has
-- one current secret (expires_at NULL) and, for the overlap after a rotation, at most one previous one.
CREATE TABLE service_account_secrets (
    secret_hash bytea       PRIMARY KEY,
    user_id     uuid        NOT NULL REFERENCES service_accounts (user_id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz
);

CREATE INDEX service_account_secrets_user_id_idx ON service_account_secrets (user_id);
