-- Exact member totals without counting rows: memberships per (tenant, role), kept by statement-level triggers in
-- the transaction that changes memberships. A member list's total is then a sum over a handful of rows, however
-- large the tenant.
CREATE TABLE member_counts (
    tenant_id uuid   NOT NULL,
    role_id   uuid   NOT NULL,
    members   bigint NOT NULL,
    PRIMARY KEY (tenant_id, role_id)
);

INSERT INTO member_counts (tenant_id, role_id, members)
SELECT tenant_id, role_id, count(*) FROM memberships GROUP BY tenant_id, role_id;

-- One upsert per statement, rows in (tenant, role) order: two transactions moving members between the same two
-- roles lock the counter rows in the same order and cannot deadlock. Writers make the membership change their last
-- statement before commit, so a counter row stays locked only for the commit itself.
CREATE FUNCTION member_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO member_counts AS c (tenant_id, role_id, members)
        SELECT tenant_id, role_id, count(*) FROM new_rows GROUP BY tenant_id, role_id ORDER BY tenant_id, role_id
        ON CONFLICT (tenant_id, role_id) DO UPDATE SET members = c.members + EXCLUDED.members;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO member_counts AS c (tenant_id, role_id, members)
        SELECT tenant_id, role_id, -count(*) FROM old_rows GROUP BY tenant_id, role_id ORDER BY tenant_id, role_id
        ON CONFLICT (tenant_id, role_id) DO UPDATE SET members = c.members + EXCLUDED.members;
    ELSE
        INSERT INTO member_counts AS c (tenant_id, role_id, members)
        SELECT tenant_id, role_id, sum(delta) FROM (
            SELECT tenant_id, role_id, -1 AS delta FROM old_rows
            UNION ALL
            SELECT tenant_id, role_id, 1 AS delta FROM new_rows) d
        GROUP BY tenant_id, role_id
        HAVING sum(delta) <> 0
        ORDER BY tenant_id, role_id
        ON CONFLICT (tenant_id, role_id) DO UPDATE SET members = c.members + EXCLUDED.members;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER member_counts_on_insert AFTER INSERT ON memberships
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION member_counts_apply();
CREATE TRIGGER member_counts_on_update AFTER UPDATE ON memberships
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION member_counts_apply();
CREATE TRIGGER member_counts_on_delete AFTER DELETE ON memberships
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION member_counts_apply();
