-- V032's check, proved over the existing rows in a transaction of its own: VALIDATE CONSTRAINT takes only a SHARE
-- UPDATE EXCLUSIVE lock, so members are read and written meanwhile.
ALTER TABLE memberships VALIDATE CONSTRAINT memberships_source_check;
