DROP INDEX proposals_process_endorsements;
CREATE INDEX proposals_process_endorsements ON proposals(process_id, endorsement_count);
DROP INDEX proposals_process_created;
CREATE INDEX proposals_process_created ON proposals(process_id, created_at);
DROP INDEX proposals_process_random;
CREATE INDEX proposals_process_random ON proposals(process_id, random_key, id);
