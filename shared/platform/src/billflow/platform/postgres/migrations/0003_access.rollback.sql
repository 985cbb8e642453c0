DROP TABLE idempotency_keys;
DROP TABLE rate_limit_events;
ALTER TABLE users DROP COLUMN external_subject;
