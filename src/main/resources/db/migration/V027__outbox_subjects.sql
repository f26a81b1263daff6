-- What an event is about, when it is one row of the API (membership:<user>:<tenant>, grant:<id>): the admin API
-- shows each such row's sync state from its latest event (docs/outbox.md#sync-state).
ALTER TABLE outbox ADD COLUMN subject text;

CREATE INDEX outbox_subject_idx ON outbox (subject, id) WHERE subject IS NOT NULL;
