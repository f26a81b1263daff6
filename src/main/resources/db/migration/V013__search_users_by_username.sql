-- User search covers email, username and names. The searched text is computed once per write into a stored column
-- (not at every match's recheck), and trigram-indexed.
CREATE FUNCTION user_search_text(email text, username text, display_name text, first_name text, last_name text)
    RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN lower(email || ' ' || coalesce(username, '') || ' ' || coalesce(display_name, '') || ' '
                 || coalesce(first_name, '') || ' ' || coalesce(last_name, ''));

ALTER TABLE users ADD COLUMN search_text text
    GENERATED ALWAYS AS (user_search_text(email, username, display_name, first_name, last_name)) STORED;

CREATE INDEX users_search_text_idx ON users USING gin (search_text gin_trgm_ops);

DROP INDEX users_search_trgm_idx;
