-- Participatory budgets (postgres). Keep in step with ../../sqlite/ — same tables, same columns.
-- Amounts are exact decimal text ("106165.64"), never floating point.

CREATE TABLE budgets (
    id TEXT PRIMARY KEY NOT NULL,
    process_id TEXT NOT NULL REFERENCES processes(id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    amount TEXT NOT NULL,
    currency TEXT NOT NULL,
    ballot_type TEXT NOT NULL,
    min_choices INTEGER NOT NULL DEFAULT 0,
    max_choices INTEGER NOT NULL DEFAULT 0,
    points INTEGER NOT NULL DEFAULT 0,
    rule TEXT NOT NULL,
    live_tallies BOOLEAN NOT NULL DEFAULT FALSE,
    published_outcome TEXT,
    ballot_log_sha256 TEXT,
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (process_id, slug)
);

CREATE TABLE budget_projects (
    id TEXT PRIMARY KEY NOT NULL,
    budget_id TEXT NOT NULL REFERENCES budgets(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    cost TEXT NOT NULL,
    proposal_id TEXT REFERENCES proposals(id) ON DELETE SET NULL,
    UNIQUE (budget_id, code)
);

-- A ballot carries no account and no time. voter_tag is a keyed hash (HMAC with the instance's
-- secret key, kept outside the database) of budget and account: it lets the voter replace their
-- ballot, and someone holding only the database cannot link it back to an account.
CREATE TABLE ballots (
    budget_id TEXT NOT NULL REFERENCES budgets(id) ON DELETE CASCADE,
    voter_tag TEXT NOT NULL,
    receipt_hash TEXT NOT NULL UNIQUE,
    choices TEXT NOT NULL,
    points TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (budget_id, voter_tag)
);

-- Who has voted (for "you have voted" and turnout), apart from what they voted.
CREATE TABLE ballot_casts (
    budget_id TEXT NOT NULL REFERENCES budgets(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    first_cast_at TIMESTAMP NOT NULL,
    PRIMARY KEY (budget_id, user_id)
);

-- Ed25519 keys that sign published objects (FEP-8b32 integrity proofs), one per owner (a
-- process). The public half is published in the owner actor's assertionMethod.
CREATE TABLE signing_keys (
    owner_id TEXT PRIMARY KEY NOT NULL,
    private_key TEXT NOT NULL,
    public_multibase TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Implementation of funded projects: dated updates with a status and a progress percentage.
CREATE TABLE project_updates (
    id TEXT PRIMARY KEY NOT NULL,
    project_id TEXT NOT NULL REFERENCES budget_projects(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    progress INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX project_updates_project ON project_updates(project_id, created_at);
