-- The outgoing mail queue (src/mail/): one row per mail, inserted in the transaction of the
-- action that causes it and sent by a worker after the commit. `dedupe_key` names the event and
-- the person (`notification:{id}`, `digest:daily:{user}:{date}`, …): unique, so nothing is
-- queued twice. States: pending → sending (claimed until `locked_until`) → sent | pending
-- (retried at `next_attempt_at`) | failed (permanent; staff see it and may retry).
CREATE TABLE mails (
    id TEXT PRIMARY KEY NOT NULL,
    dedupe_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    to_address TEXT NOT NULL,
    to_name TEXT,
    locale TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    list_unsubscribe TEXT,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
-- What the workers claim next.
CREATE INDEX mails_due ON mails (next_attempt_at) WHERE state IN ('pending', 'sending');
-- Staff's page: counts by state, the failed ones.
CREATE INDEX mails_by_state ON mails (state, created_at);

-- When a periodic pass of the mail worker last ran (`phase-starts`): the next one looks at what
-- happened since, so a restart neither misses nor repeats an event.
CREATE TABLE mail_passes (
    name TEXT PRIMARY KEY NOT NULL,
    ran_at TIMESTAMP NOT NULL
);
