ALTER TABLE users DROP COLUMN email_frequency;
DROP TABLE subscriptions;
DROP TABLE notifications;
