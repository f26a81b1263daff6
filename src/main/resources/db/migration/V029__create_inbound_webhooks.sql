-- Inbound webhooks (docs/provisioning.md#webhook-sources): the directories that push their changes to Roster, signed
-- as Standard Webhooks, and every event they sent.
CREATE TABLE webhook_sources (
    name        text        PRIMARY KEY,
    description text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    version     bigint      NOT NULL DEFAULT 0
);

-- Signing secrets, encrypted at rest (platform.SecretEncryption, the row id as associated data): the current one
-- (expires_at NULL) and, while a rotation's overlap lasts, the previous one. A delivery signed with either is good.
CREATE TABLE webhook_source_secrets (
    id          uuid        PRIMARY KEY,
    source      text        NOT NULL REFERENCES webhook_sources (name) ON DELETE CASCADE,
    secret      bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz
);

CREATE INDEX webhook_source_secrets_source_idx ON webhook_source_secrets (source);

-- Every event a source sent, recorded once — (source, event_id) is the Standard Webhooks message id — in the
-- transaction that accepts it, before it is applied; a redelivery finds it and changes nothing. subject orders the
-- events (user:<upstream id>, tenant:<upstream id>); outcome says what applying it did (NULL: not yet applied).
-- No foreign key to the source: what a deleted source sent stays on record.
CREATE TABLE inbound_events (
    id          bigserial   PRIMARY KEY,
    source      text        NOT NULL,
    event_id    text        NOT NULL,
    event_type  text        NOT NULL,
    occurred_at timestamptz NOT NULL,
    subject     text        NOT NULL,
    payload     jsonb       NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    outcome     text,
    detail      text,
    applied_at  timestamptz,
    CONSTRAINT inbound_events_source_event_id_key UNIQUE (source, event_id)
);

-- The newest event applied about each fact the upstream states — a user (profile and activity), one membership
-- (user:<id>/tenant:<id>), a tenant — whichever source sent it: an older one (a late duplicate under another id, a
-- retry of a superseded change) is recorded and skipped, and a deletion beats anything else stamped with its time, so
-- a stale user.created cannot bring back a deleted user.
CREATE TABLE inbound_facts (
    fact        text        PRIMARY KEY,
    occurred_at timestamptz NOT NULL,
    deleted     boolean     NOT NULL,
    source      text        NOT NULL,
    event_id    text        NOT NULL
);

-- Operators list a source's events by outcome (pending: not applied yet), newest first.
CREATE INDEX inbound_events_source_outcome_idx ON inbound_events (source, (coalesce(outcome, 'pending')), id);

-- A user's refused events, queued again once the user's own event is applied (a membership that came first).
CREATE INDEX inbound_events_refused_idx ON inbound_events (source, subject) WHERE outcome = 'refused';

-- Retention prunes what is settled (applied, unchanged, stale, ignored) by age; refused and pending events stay.
CREATE INDEX inbound_events_applied_at_idx ON inbound_events (applied_at)
    WHERE outcome IN ('applied', 'unchanged', 'stale', 'ignored');
