-- Change-feed subscriptions (docs/outbox.md#change-feed-webhooks): applications that want to hear of Roster's changes
-- (to drop their own caches, say) get them as Standard Webhooks, delivered through the outbox.
CREATE TABLE webhook_subscriptions (
    id              uuid        PRIMARY KEY,
    url             text        NOT NULL,
    description     text,
    event_types     text[]      NOT NULL DEFAULT '{}', -- empty: every event type
    enabled         boolean     NOT NULL DEFAULT true,
    disabled_reason text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    version         bigint      NOT NULL DEFAULT 0
);

-- Signing secrets, encrypted at rest (platform.SecretEncryption, the row id as associated data). One current secret
-- (expires_at NULL) and, while a rotation's overlap lasts, the previous one: deliveries are signed with both.
CREATE TABLE webhook_subscription_secrets (
    id              uuid        PRIMARY KEY,
    subscription_id uuid        NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    secret          bytea       NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz
);

CREATE INDEX webhook_subscription_secrets_subscription_id_idx ON webhook_subscription_secrets (subscription_id);
