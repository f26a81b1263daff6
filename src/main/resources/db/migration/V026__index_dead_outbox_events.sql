-- Dead events, for operators (listing and replaying them) and their own retention.
CREATE INDEX outbox_dead_idx ON outbox (id) WHERE dead_at IS NOT NULL;
