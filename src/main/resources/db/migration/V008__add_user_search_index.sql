-- Trigram search over who a user is (email, names), for admin user search.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX users_search_trgm_idx ON users USING gin (
    (lower(email || ' ' || coalesce(display_name, '') || ' ' || coalesce(first_name, '') || ' ' || coalesce(last_name, ''))) gin_trgm_ops
);
