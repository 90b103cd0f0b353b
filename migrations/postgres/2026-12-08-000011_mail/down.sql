DROP TABLE mail_passes;
DROP TABLE mails;
