-- Every mutation made by an admin, the upstream or a sign-in: who, what, on what, before and after.
CREATE TABLE audit_log (
    id     bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor  text        NOT NULL,
    action text        NOT NULL,
    target text        NOT NULL,
    before jsonb,
    after  jsonb,
    at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX audit_log_target_idx ON audit_log (target, at);
CREATE INDEX audit_log_at_idx ON audit_log (at);
