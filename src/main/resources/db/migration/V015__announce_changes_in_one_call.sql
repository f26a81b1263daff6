-- Ends a changing transaction in one round trip: takes the version lock (held until commit), draws the next version
-- and notifies every node of the transaction's keys with that version on the last line. Taken this late, the lock
-- adds almost nothing to the serialization PostgreSQL's NOTIFY already imposes on committing transactions.
CREATE FUNCTION roster_announce(channel text, lock_key bigint, payload text) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    v bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    v := nextval('roster_version');
    PERFORM pg_notify(channel, CASE WHEN payload = '' THEN '' ELSE payload || E'\n' END || 'version:' || v);
    RETURN v;
END
$$;
