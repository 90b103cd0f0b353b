-- A proposal that came from a post on another server (a Lemmy user posting in a process): the
-- post's id, so that replies and votes there, which name the post, reach the proposal here.
CREATE TABLE posted_proposals (
    ap_id TEXT PRIMARY KEY NOT NULL,
    proposal_id TEXT NOT NULL UNIQUE REFERENCES proposals (id) ON DELETE CASCADE
);
