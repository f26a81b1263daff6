-- User search covers the username too. The searched text is one immutable function, so the index expression and
-- the query's expression are the same by construction.
CREATE FUNCTION user_search_text(email text, username text, display_name text, first_name text, last_name text)
    RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN lower(email || ' ' || coalesce(username, '') || ' ' || coalesce(display_name, '') || ' '
                 || coalesce(first_name, '') || ' ' || coalesce(last_name, ''));

CREATE INDEX users_search_idx ON users
    USING gin (user_search_text(email, username, display_name, first_name, last_name) gin_trgm_ops);

DROP INDEX users_search_trgm_idx;
