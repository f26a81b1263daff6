-- Directory sync (docs/sync.md).

-- Who deactivated a user, and when: a later active answer from the upstream reactivates only a user the upstream
-- deactivated, never one an admin deactivated; the deprovisioning guard counts the upstream's recent ones.
ALTER TABLE users ADD COLUMN deactivated_by text CHECK (deactivated_by IN ('upstream', 'admin'));
ALTER TABLE users ADD COLUMN deactivated_at timestamptz;
CREATE INDEX users_deactivated_by_upstream_idx ON users (deactivated_at) WHERE deactivated_by = 'upstream';

-- A user's manager as the directory names them, kept until that manager is known locally (reports_to_id).
ALTER TABLE users ADD COLUMN reports_to_external_id text;

-- Cluster-once jobs (the sweep): one row per job; a node runs it only while it holds the lease, renews it while it
-- works, and a node that dies simply lets it expire. last_started_at spaces the runs across the whole cluster.
CREATE TABLE sync_jobs (
    name             text        PRIMARY KEY,
    holder           text,
    lease_until      timestamptz,
    last_started_at  timestamptz,
    last_finished_at timestamptz,
    last_result      jsonb
);

INSERT INTO sync_jobs (name) VALUES ('sweep');

-- The upstream rate budget shared by every node: permits are handed out per one-second window of the database's
-- clock (so nodes' clocks do not matter), in small chunks; paused_until holds the upstream's Retry-After.
CREATE TABLE upstream_budget (
    name          text        PRIMARY KEY,
    window_start  timestamptz NOT NULL DEFAULT 'epoch',
    used          integer     NOT NULL DEFAULT 0,
    paused_until  timestamptz
);

INSERT INTO upstream_budget (name) VALUES ('default');
