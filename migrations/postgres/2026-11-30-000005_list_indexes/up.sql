-- The random order reads the proposals of a process in random_key order from here (a rotation
-- starting at the visitor's point), and the count of visible proposals reads only this index.
CREATE INDEX proposals_process_random ON proposals(process_id, random_key, id);
CREATE INDEX proposals_process_visible ON proposals(process_id, hidden, state);
