-- SCIM clients (docs/provisioning.md): the identities enterprise IdPs (Entra ID, Okta) provision Roster with over
-- /scim/v2. Each sees and changes only users and groups of its tenants.
CREATE TABLE scim_clients (
    id         uuid        PRIMARY KEY,
    name       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The tenants a client provisions. A tenant deleted later (soft) simply stops counting: every SCIM read joins live
-- tenants only. (The cascade on tenants is for hard deletes, which only tests do.)
CREATE TABLE scim_client_tenants (
    client_id uuid NOT NULL REFERENCES scim_clients (id) ON DELETE CASCADE,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    PRIMARY KEY (client_id, tenant_id)
);

CREATE INDEX scim_client_tenants_tenant_id_idx ON scim_client_tenants (tenant_id);

-- Bearer tokens, stored only as their SHA-256 (256 random bits each: a slow hash would add nothing). A client has one
-- current token (expires_at NULL) and, for the overlap after a rotation, at most one previous one. Every SCIM request
-- looks its token up by this primary key.
CREATE TABLE scim_client_tokens (
    token_hash bytea       PRIMARY KEY,
    client_id  uuid        NOT NULL REFERENCES scim_clients (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz
);

CREATE INDEX scim_client_tokens_client_id_idx ON scim_client_tokens (client_id);

-- SCIM's userName is Roster's username, or the email when there is none; provisioners look users up by it
-- (filter=userName eq "…"), case-insensitively (RFC 7643: caseExact false).
CREATE INDEX users_scim_user_name_idx ON users (lower(coalesce(username, email)));

-- ... and by externalId (caseExact).
CREATE INDEX users_external_id_idx ON users (external_id);
