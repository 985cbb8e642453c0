-- One row per invoice email: the claim a sender takes before talking to the SMTP server and the
-- proof it was accepted, so a crash, a redelivery or a second worker never resends blindly.
CREATE TABLE email_deliveries (
    invoice_id    uuid PRIMARY KEY REFERENCES invoices (id),
    message_id    text NOT NULL,          -- the RFC 5322 Message-ID, the same on every attempt
    state         text NOT NULL CHECK (state IN ('claimed', 'released', 'accepted')),
    attempts      integer NOT NULL,
    takeovers     integer NOT NULL DEFAULT 0,  -- claims taken over from a sender that vanished
    taken_over    boolean NOT NULL DEFAULT false,  -- whether the current claim is such a takeover
    lease_until   timestamptz NOT NULL,
    accepted_at   timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Failed invoices can be retried: remember how often.
ALTER TABLE invoices ADD COLUMN retries integer NOT NULL DEFAULT 0;
