-- Access: external identities, rate-limit events and idempotency keys, shared by every API process.

-- The identity provider's subject (Cognito `sub`) a user is linked to, once they signed in with it.
ALTER TABLE users ADD COLUMN external_subject text UNIQUE;

-- One row per counted event (a login attempt, an invoice request) under a namespaced key. The
-- window is the caller's; rows older than a day are useless to every window and are swept.
CREATE TABLE rate_limit_events (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key       text NOT NULL,
    ticket    uuid NOT NULL,
    at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    settled   boolean NOT NULL DEFAULT false
);
CREATE INDEX rate_limit_events_by_key ON rate_limit_events (key, at);
CREATE INDEX rate_limit_events_by_ticket ON rate_limit_events (ticket);
CREATE INDEX rate_limit_events_by_age ON rate_limit_events (at);

-- Idempotency-Key records (Stripe's semantics), per user. `status` is NULL while the first request
-- is being answered; the stored answer is replayed for 24 hours.
CREATE TABLE idempotency_keys (
    user_id       uuid NOT NULL,
    key           text NOT NULL,
    fingerprint   text NOT NULL,
    status        integer,
    content_type  text,
    body          bytea,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
