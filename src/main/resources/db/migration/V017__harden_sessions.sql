-- Refresh-token grace window (ADR 003): a rotated token keeps its successor for a few seconds, AES-GCM-sealed under a
-- key derived from the rotated token itself, so an honest client that presents it again (two tabs, a lost answer)
-- gets the same successor instead of revoking the session. The database alone cannot open it: it holds only the
-- token's SHA-256, not the token. Rows are deleted as soon as the window has passed (SessionCleanup), so that an old
-- rotated token and a copy of the database together do not open a successor either.
CREATE TABLE refresh_token_successors (
    token_hash        bytea       PRIMARY KEY,
    successor_sealed  bytea       NOT NULL,
    sealed_at         timestamptz NOT NULL DEFAULT now()
);

-- Each upstream token is exchanged once. The key is a SHA-256 of the issuer and the token's jti (or of the token
-- itself when it has none); the row lives until the token could no longer be accepted anyway.
CREATE TABLE exchanged_upstream_tokens (
    token_hash  bytea       PRIMARY KEY,
    expires_at  timestamptz NOT NULL
);

CREATE INDEX exchanged_upstream_tokens_expires_at_idx ON exchanged_upstream_tokens (expires_at);

-- Whether the upstream vouched for the address at the last sign-in or sync. Only a verified address is trusted.
ALTER TABLE users ADD COLUMN email_verified boolean NOT NULL DEFAULT false;
