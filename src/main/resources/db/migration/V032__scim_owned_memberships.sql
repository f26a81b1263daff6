-- A membership a SCIM client provisioned (a group member) is owned by SCIM: directory pulls, sign-ins' roles claims
-- and the directory's webhooks reconcile only the upstream's own rows ('upstream'), so they no longer take away
-- memberships no directory could name (docs/provisioning.md#who-owns-a-membership). The new check is added NOT VALID
-- (no scan under this migration's ACCESS EXCLUSIVE lock); V033 proves it with a scan that blocks no reads or writes.
ALTER TABLE memberships DROP CONSTRAINT memberships_source_check;
ALTER TABLE memberships
    ADD CONSTRAINT memberships_source_check CHECK (source IN ('upstream', 'local', 'scim')) NOT VALID;
