-- Exact member totals without counting rows: memberships per (tenant, role). A changing statement appends its net
-- change per (tenant, role) to member_count_deltas (statement-level triggers, in the same transaction), which no two
-- writers contend on; a periodic job folds the deltas into member_counts. A total is the sum over both, read in one
-- statement (one snapshot), so it is exact at every instant, however large the tenant.
CREATE TABLE member_counts (
    tenant_id uuid   NOT NULL,
    role_id   uuid   NOT NULL,
    members   bigint NOT NULL,
    PRIMARY KEY (tenant_id, role_id)
);

INSERT INTO member_counts (tenant_id, role_id, members)
SELECT tenant_id, role_id, count(*) FROM memberships GROUP BY tenant_id, role_id;

CREATE TABLE member_count_deltas (
    id        bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid    NOT NULL,
    role_id   uuid    NOT NULL,
    delta     integer NOT NULL
);

CREATE INDEX member_count_deltas_tenant_id_idx ON member_count_deltas (tenant_id, role_id);

CREATE FUNCTION member_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO member_count_deltas (tenant_id, role_id, delta)
        SELECT tenant_id, role_id, count(*) FROM new_rows GROUP BY tenant_id, role_id;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO member_count_deltas (tenant_id, role_id, delta)
        SELECT tenant_id, role_id, -count(*) FROM old_rows GROUP BY tenant_id, role_id;
    ELSE
        INSERT INTO member_count_deltas (tenant_id, role_id, delta)
        SELECT tenant_id, role_id, sum(delta) FROM (
            SELECT tenant_id, role_id, -1 AS delta FROM old_rows
            UNION ALL
            SELECT tenant_id, role_id, 1 AS delta FROM new_rows) d
        GROUP BY tenant_id, role_id
        HAVING sum(delta) <> 0;
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
