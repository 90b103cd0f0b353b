-- A list page filters on hidden and state: with them in the index, the 20 ids of a page are read
-- from the index alone. Without them each candidate row was read from the table to check them
-- (a proposal row holds its text: several pages of the database file per row).
DROP INDEX proposals_process_random;
CREATE INDEX proposals_process_random ON proposals(process_id, random_key, id, hidden, state);
DROP INDEX proposals_process_created;
CREATE INDEX proposals_process_created ON proposals(process_id, created_at, id, hidden, state);
DROP INDEX proposals_process_endorsements;
CREATE INDEX proposals_process_endorsements ON proposals(process_id, endorsement_count, id, hidden, state);
