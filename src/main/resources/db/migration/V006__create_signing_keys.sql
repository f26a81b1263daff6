-- Keys that sign Roster's access tokens. The private key is AES-GCM encrypted (the kid is the associated data).
-- The newest unretired key signs; retired keys stay published until the tokens they signed have expired.
CREATE TABLE signing_keys (
    kid                   text        PRIMARY KEY,
    algorithm             text        NOT NULL,
    public_jwk            text        NOT NULL,
    private_key_encrypted bytea       NOT NULL,
    created_at            timestamptz NOT NULL DEFAULT now(),
    retired_at            timestamptz
);
