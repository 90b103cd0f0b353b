-- A list page filters on hidden and state: with them in the index (INCLUDE), the 20 ids of a page
-- are read by an index-only scan instead of a heap visit per candidate row.
DROP INDEX proposals_process_random;
CREATE INDEX proposals_process_random ON proposals(process_id, random_key, id) INCLUDE (hidden, state);
DROP INDEX proposals_process_created;
CREATE INDEX proposals_process_created ON proposals(process_id, created_at, id) INCLUDE (hidden, state);
DROP INDEX proposals_process_endorsements;
CREATE INDEX proposals_process_endorsements ON proposals(process_id, endorsement_count, id) INCLUDE (hidden, state);
