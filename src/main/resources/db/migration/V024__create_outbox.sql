-- The transactional outbox (docs/outbox.md): one row per event and target, written in the transaction of the change
-- it reports, delivered by the relay of any node. sequence is the change's version: increasing per aggregate in
-- commit order (not contiguous), which orders delivery per (target, aggregate).
CREATE TABLE outbox (
    id              bigserial   PRIMARY KEY,
    event_id        uuid        NOT NULL,
    target          text        NOT NULL,
    aggregate_type  text        NOT NULL,
    aggregate_id    text        NOT NULL,
    sequence        bigint      NOT NULL,
    event_type      text        NOT NULL,
    payload         jsonb       NOT NULL,
    origin          text        NOT NULL CHECK (origin IN ('local', 'upstream')),
    created_at      timestamptz NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    claimed_until   timestamptz,
    last_error      text,
    delivered_at    timestamptz,
    dead_at         timestamptz,
    CONSTRAINT outbox_event_id_target_key UNIQUE (event_id, target)
);

-- What the relay claims: the undelivered, by when they are due.
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at, id) WHERE delivered_at IS NULL AND dead_at IS NULL;

-- Whether an earlier event of the same target and aggregate is still undelivered (it goes first).
CREATE INDEX outbox_pending_order_idx ON outbox (target, aggregate_type, aggregate_id, sequence, id)
    WHERE delivered_at IS NULL AND dead_at IS NULL;

-- Retention prunes delivered events by age.
CREATE INDEX outbox_delivered_at_idx ON outbox (delivered_at) WHERE delivered_at IS NOT NULL;
