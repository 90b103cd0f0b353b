-- What a person hears about: one row per person and event. `event_key` names the event (e.g.
-- `answer:{proposal}:{digest}`), unique per person, so an action repeated (or an activity
-- received twice) notifies once. `mailed_at` is for the mail worker: a row not yet mailed is
-- sent at once or gathered into the person's digest, per `users.email_frequency`.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    event_key TEXT NOT NULL,
    process_id TEXT REFERENCES processes (id) ON DELETE CASCADE,
    proposal_id TEXT REFERENCES proposals (id) ON DELETE CASCADE,
    comment_id TEXT REFERENCES comments (id) ON DELETE CASCADE,
    args TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    mailed_at TIMESTAMP,
    UNIQUE (user_id, event_key)
);
-- The list, newest first, and the header's unread count (a partial index: only unread rows).
CREATE INDEX notifications_by_user ON notifications (user_id, created_at);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
-- What the mail worker has still to send.
CREATE INDEX notifications_unmailed ON notifications (created_at) WHERE mailed_at IS NULL;

-- A person follows a process or a proposal (`target_kind`: process | proposal).
CREATE TABLE subscriptions (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, target_kind, target_id)
);
CREATE INDEX subscriptions_by_target ON subscriptions (target_kind, target_id);

-- How often a person wants e-mail about their notifications: immediate, daily, weekly, none.
ALTER TABLE users ADD COLUMN email_frequency TEXT NOT NULL DEFAULT 'daily';

-- Authors follow their own proposals: those written before this migration too.
INSERT INTO subscriptions (user_id, target_kind, target_id, created_at)
SELECT author_id, 'proposal', id, created_at FROM proposals WHERE author_id IS NOT NULL;
