-- Key rollover publishes a new signing key before it signs: activates_at is when it starts signing (every node
-- switches then, by itself), after downstream verifiers' cached copies of the JWKS have expired. A retired_at in the
-- future is the previous key's scheduled end: it signs until then, and stays published until its last token expires.
ALTER TABLE signing_keys ADD COLUMN activates_at timestamptz;
UPDATE signing_keys SET activates_at = created_at;
ALTER TABLE signing_keys ALTER COLUMN activates_at SET NOT NULL;
ALTER TABLE signing_keys ALTER COLUMN activates_at SET DEFAULT now();
