-- Grants to legacy role:<slug> principals (docs/authorization.md), in id order: the backfill walks them in batches
-- without scanning the canonical ones. Holds nothing once they are all rewritten.
CREATE INDEX grants_legacy_role_idx ON grants (id) WHERE principal_urn ~ '^role:[a-z0-9][a-z0-9_-]{0,62}$';
