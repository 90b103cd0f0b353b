DROP TABLE verification_events;
DROP TABLE verifications;
DROP TABLE census_entries;
