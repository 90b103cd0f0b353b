-- Account mails (issue 22): a confirmed e-mail address, password resets, address changes.
-- `email_confirmed_at` is null until the person followed the link mailed to their address;
-- accounts made before this migration count as confirmed.
ALTER TABLE users ADD COLUMN email_confirmed_at TIMESTAMP;
UPDATE users SET email_confirmed_at = created_at WHERE email IS NOT NULL;

-- The single-use links mailed for an account: only a SHA-256 of the token is stored. `purpose`
-- is what the link does (`confirm`, `reset`, `change-email`), `email` the address it was sent
-- to (for a change: the new address, which becomes the account's only when the link is
-- followed). `used_at` is set once, by a conditional update, so a link works once.
CREATE TABLE account_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    email TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX account_tokens_by_user ON account_tokens (user_id, purpose);
