-- Two-factor sign-in (TOTP, RFC 6238). One row per person who started enrolling; `enabled_at`
-- is null until they confirmed a code, so a secret they never saw work does not lock them out.
-- `last_step` is the 30-second step of the last code accepted: a code is accepted once, and no
-- older one after it (replay). The secret must be readable to check codes, so it is stored as is:
-- a copy of the database gives it away, as it gives away everything the database holds.
CREATE TABLE two_factor (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    enabled_at TIMESTAMP,
    last_step BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);

-- One-time recovery codes, stored as a SHA-256 of the person's id and the code; `used_at` set
-- when one is spent, so each works once.
CREATE TABLE recovery_codes (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at TIMESTAMP,
    PRIMARY KEY (user_id, code_hash)
);

-- A sign-in half done: the password was right, the code is still to come. Short-lived, bound
-- to the browser's visitor cookie (`visitor_hash`), and in the database so any node can finish it.
CREATE TABLE pending_sign_ins (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    visitor_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX pending_sign_ins_by_user ON pending_sign_ins (user_id);
