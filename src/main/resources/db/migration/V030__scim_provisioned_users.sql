-- Which SCIM client provisioned which users (docs/provisioning.md#who-sees-whom). A client sees, and changes, the
-- members of its tenants and the users it created: a user it has just created holds no membership yet and would
-- otherwise vanish from its view. A SCIM DELETE ends the row (the user, deactivated, stays for audit).
CREATE TABLE scim_provisioned_users (
    scim_client_id uuid        NOT NULL REFERENCES scim_clients (id) ON DELETE CASCADE,
    user_id        uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scim_client_id, user_id)
);

-- The visibility probe is by (client, user): the primary key. This one serves the cascade from users.
CREATE INDEX scim_provisioned_users_user_idx ON scim_provisioned_users (user_id);
