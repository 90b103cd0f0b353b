-- Which peers an outbound activity is for: NULL for every peer, `lemmy` for software that wants
-- every change as the community's Announce of a person's activity (Lemmy, PieFed, Mbin), `classic`
-- for the others (Plenum, Mastodon, unknown). The worker skips deliveries of the other form.
ALTER TABLE outbound_activities ADD COLUMN form TEXT;

-- What software a peer runs (NodeInfo `software.name`), looked up by the delivery worker.
CREATE TABLE peer_software (
    host TEXT PRIMARY KEY NOT NULL,
    software TEXT NOT NULL,
    fetched_at TIMESTAMP NOT NULL
);
