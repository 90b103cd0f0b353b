-- Federation (PostgreSQL). Keep in step with ../../sqlite/ — same tables, same columns.

-- Who may endorse: 'open' (every account here, and support from elsewhere counts), 'residents'
-- (verified residents; support from elsewhere shown apart), 'peers' (residents here and of the
-- listed peer hosts count).
ALTER TABLE processes ADD COLUMN eligibility TEXT NOT NULL DEFAULT 'open';
ALTER TABLE processes ADD COLUMN peer_hosts TEXT NOT NULL DEFAULT '';

-- Each endorsement keeps the class it was made under: 'resident', 'peer', 'open' (binding) or
-- 'federated' (shown apart); `ap_id` is the remote Like's id.
ALTER TABLE endorsements ADD COLUMN class TEXT NOT NULL DEFAULT 'resident';
ALTER TABLE endorsements ADD COLUMN ap_id TEXT;
CREATE UNIQUE INDEX endorsements_ap_id ON endorsements(ap_id);
ALTER TABLE proposals ADD COLUMN federated_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN ap_id TEXT;
CREATE UNIQUE INDEX comments_ap_id ON comments(ap_id);

-- RSA keys of local actors (instance, process, person), for HTTP signatures.
CREATE TABLE actor_keys (
    owner_kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    public_pem TEXT NOT NULL,
    private_pem TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (owner_kind, owner_id)
);

-- Actors of other servers, as last fetched. A remote person who acts here gets a local account
-- row (no password, role 'remote') so endorsements and comments keep one shape.
CREATE TABLE remote_actors (
    ap_id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    host TEXT NOT NULL,
    preferred_username TEXT NOT NULL,
    name TEXT NOT NULL,
    inbox TEXT NOT NULL,
    shared_inbox TEXT,
    public_key_pem TEXT NOT NULL,
    url TEXT,
    local_user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    fetched_at TIMESTAMP NOT NULL
);
CREATE INDEX remote_actors_host ON remote_actors(host);

-- Remote actors following a local process; `inbox` is where deliveries go (shared if offered).
CREATE TABLE followers (
    process_id TEXT NOT NULL REFERENCES processes(id) ON DELETE CASCADE,
    actor_ap_id TEXT NOT NULL,
    inbox TEXT NOT NULL,
    follow_ap_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (process_id, actor_ap_id)
);

-- Processes of other towns this instance follows, and what it last learnt of them.
CREATE TABLE remote_processes (
    id TEXT PRIMARY KEY NOT NULL,
    ap_id TEXT NOT NULL UNIQUE,
    host TEXT NOT NULL,
    handle TEXT NOT NULL,
    title TEXT NOT NULL,
    summary_html TEXT NOT NULL,
    url TEXT NOT NULL,
    inbox TEXT NOT NULL,
    current_phase TEXT,
    phases_json TEXT NOT NULL DEFAULT '[]',
    eligibility TEXT NOT NULL DEFAULT 'residents',
    follow_state TEXT NOT NULL,
    follow_ap_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE remote_proposals (
    id TEXT PRIMARY KEY NOT NULL,
    ap_id TEXT NOT NULL UNIQUE,
    remote_process_id TEXT NOT NULL REFERENCES remote_processes(id) ON DELETE CASCADE,
    author_name TEXT NOT NULL,
    author_ap_id TEXT NOT NULL,
    title TEXT NOT NULL,
    content_html TEXT NOT NULL,
    url TEXT NOT NULL,
    state TEXT NOT NULL,
    answer_html TEXT,
    binding_count BIGINT NOT NULL DEFAULT 0,
    federated_count BIGINT NOT NULL DEFAULT 0,
    comment_count BIGINT NOT NULL DEFAULT 0,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    published_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX remote_proposals_process ON remote_proposals(remote_process_id);

-- What local people did on remote proposals, so they can undo it and see it.
CREATE TABLE remote_endorsements (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    remote_proposal_id TEXT NOT NULL REFERENCES remote_proposals(id) ON DELETE CASCADE,
    like_ap_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, remote_proposal_id)
);

CREATE TABLE remote_comments (
    id TEXT PRIMARY KEY NOT NULL,
    ap_id TEXT NOT NULL UNIQUE,
    remote_proposal_id TEXT NOT NULL REFERENCES remote_proposals(id) ON DELETE CASCADE,
    author_name TEXT NOT NULL,
    author_ap_id TEXT NOT NULL,
    content_html TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX remote_comments_proposal ON remote_comments(remote_proposal_id);

-- Budget results published by followed processes: the signed document as received, and
-- whether its proof verified against the process's key.
CREATE TABLE remote_results (
    id TEXT PRIMARY KEY NOT NULL,
    ap_id TEXT NOT NULL UNIQUE,
    remote_process_id TEXT NOT NULL REFERENCES remote_processes(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    url TEXT NOT NULL,
    document TEXT NOT NULL,
    verified BOOLEAN NOT NULL DEFAULT FALSE,
    received_at TIMESTAMP NOT NULL
);

-- Inbound activity ids already applied: a repeat is refused, so nothing is applied twice.
CREATE TABLE received_activities (
    ap_id TEXT PRIMARY KEY NOT NULL,
    actor_ap_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL
);

-- The delivery queue: one activity, one row per target inbox.
CREATE TABLE outbound_activities (
    id TEXT PRIMARY KEY NOT NULL,
    ap_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    signer_kind TEXT NOT NULL,
    signer_id TEXT NOT NULL,
    body TEXT NOT NULL,
    -- Updates that only refresh counts share a key: a newer one replaces one not sent yet.
    coalesce_key TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX outbound_activities_coalesce ON outbound_activities(coalesce_key);

CREATE TABLE deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    activity_id TEXT NOT NULL REFERENCES outbound_activities(id) ON DELETE CASCADE,
    inbox TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    delivered_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (activity_id, inbox)
);
CREATE INDEX deliveries_due ON deliveries(state, next_attempt_at);

-- Instance policy: hosts explicitly allowed (used in allowlist mode) or blocked.
CREATE TABLE federation_peers (
    host TEXT PRIMARY KEY NOT NULL,
    policy TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
