-- The mass-deprovisioning guard (docs/sync.md#deprovisioning) stays shut while the upstream keeps asking: every
-- refusal moves tripped_until one window on, so a directory answering 404 for everyone is refused for as long as it
-- does, not allowed max-deprovisions-per-hour more every hour. It reopens a window after the last refusal.
CREATE TABLE sync_guards (
    name          text        PRIMARY KEY,
    tripped_until timestamptz
);

INSERT INTO sync_guards (name) VALUES ('deprovision');
