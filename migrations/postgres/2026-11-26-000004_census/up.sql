-- The census as keyed hashes (HMAC-SHA256 under a key kept outside the database), the accounts
-- verified against it or in person, and a log of verifications for staff.
CREATE TABLE census_entries (
    hash TEXT PRIMARY KEY NOT NULL
);

-- One row per verified account; a census entry verifies at most one account (unique hash).
CREATE TABLE verifications (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    method TEXT NOT NULL,
    census_hash TEXT UNIQUE,
    verified_by TEXT,
    created_at TIMESTAMP NOT NULL
);

-- verified, conflict, revoked, expired, imported: what staff see, with who acted.
CREATE TABLE verification_events (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT,
    kind TEXT NOT NULL,
    actor_id TEXT,
    detail TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX verification_events_time ON verification_events(created_at);

-- Who may act, per capability (endorsing is `processes.eligibility`): open, residents or peers.
ALTER TABLE processes ADD COLUMN eligibility_propose TEXT NOT NULL DEFAULT 'open';
ALTER TABLE processes ADD COLUMN eligibility_comment TEXT NOT NULL DEFAULT 'open';
ALTER TABLE processes ADD COLUMN eligibility_vote TEXT NOT NULL DEFAULT 'open';

-- The peer town (host) whose residency attestation made an endorsement count, for staff.
ALTER TABLE endorsements ADD COLUMN attested_by TEXT;

-- Fediverse reactions that are not endorsements: a boost (share) and a vote against (Lemmy's
-- Dislike). One of each kind per person and proposal; counted apart on the proposal.
CREATE TABLE reactions (
    id TEXT PRIMARY KEY NOT NULL,
    proposal_id TEXT NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    ap_id TEXT UNIQUE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (proposal_id, user_id, kind)
);
ALTER TABLE proposals ADD COLUMN share_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE proposals ADD COLUMN against_count BIGINT NOT NULL DEFAULT 0;
