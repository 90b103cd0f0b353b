ALTER TABLE endorsements DROP COLUMN attested_by;
ALTER TABLE processes DROP COLUMN eligibility_vote;
ALTER TABLE processes DROP COLUMN eligibility_comment;
ALTER TABLE processes DROP COLUMN eligibility_propose;
DROP TABLE verification_events;
DROP TABLE verifications;
DROP TABLE census_entries;
