DROP TABLE peer_software;
ALTER TABLE outbound_activities DROP COLUMN form;
