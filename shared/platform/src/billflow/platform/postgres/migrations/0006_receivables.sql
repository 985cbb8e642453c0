-- Issue 14: the life of an invoice after it is issued. Credit notes (their own gapless series),
-- payments, the money status derived from both, and the delivery records of credit note emails
-- and overdue reminders (the same claim/accept/release rows as the invoice emails).

ALTER TABLE invoices
    ADD COLUMN payment_status  text NOT NULL DEFAULT 'unpaid'
        CHECK (payment_status IN ('unpaid', 'partially_paid', 'paid', 'credited')),
    ADD COLUMN amount_paid     numeric NOT NULL DEFAULT 0,
    ADD COLUMN amount_credited numeric NOT NULL DEFAULT 0;
CREATE INDEX invoices_open_by_due ON invoices (due_date) WHERE payment_status IN ('unpaid', 'partially_paid');

CREATE TABLE credit_note_number_sequences (
    year        integer PRIMARY KEY,
    last_value  integer NOT NULL
);

CREATE TABLE credit_notes (
    id                  uuid PRIMARY KEY,
    number              text NOT NULL UNIQUE,
    status              text NOT NULL CHECK (status IN ('pending', 'rendered', 'sent', 'failed')),
    failure_reason      text,
    retries             integer NOT NULL DEFAULT 0,
    invoice_id          uuid NOT NULL REFERENCES invoices (id),
    reason              text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    issue_date          date NOT NULL,
    currency            char(3) NOT NULL,
    subtotal            numeric NOT NULL CHECK (subtotal > 0),
    tax                 numeric NOT NULL,
    total               numeric NOT NULL,
    "full"              boolean NOT NULL,
    pdf_key             text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credit_notes_by_invoice ON credit_notes (invoice_id, number);

CREATE TABLE credit_note_taxes (
    credit_note_id  uuid NOT NULL REFERENCES credit_notes (id) ON DELETE CASCADE,
    rate            numeric NOT NULL,
    base            numeric NOT NULL,
    amount          numeric NOT NULL,
    PRIMARY KEY (credit_note_id, rate)
);

CREATE TABLE payments (
    id           uuid PRIMARY KEY,
    invoice_id   uuid NOT NULL REFERENCES invoices (id),
    amount       numeric NOT NULL CHECK (amount > 0),
    paid_on      date NOT NULL,
    method       text,
    reference    text,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_by_invoice ON payments (invoice_id, paid_on);

CREATE TABLE credit_note_deliveries (
    credit_note_id  uuid PRIMARY KEY REFERENCES credit_notes (id),
    message_id      text NOT NULL,
    state           text NOT NULL CHECK (state IN ('claimed', 'released', 'accepted')),
    attempts        integer NOT NULL,
    takeovers       integer NOT NULL DEFAULT 0,
    taken_over      boolean NOT NULL DEFAULT false,
    lease_until     timestamptz NOT NULL,
    accepted_at     timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- One row per invoice and reminder level (its number of days overdue): exactly one email each.
CREATE TABLE reminder_deliveries (
    invoice_id    uuid NOT NULL REFERENCES invoices (id),
    level         integer NOT NULL CHECK (level > 0),
    message_id    text NOT NULL,
    state         text NOT NULL CHECK (state IN ('claimed', 'released', 'accepted')),
    attempts      integer NOT NULL,
    takeovers     integer NOT NULL DEFAULT 0,
    taken_over    boolean NOT NULL DEFAULT false,
    lease_until   timestamptz NOT NULL,
    accepted_at   timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (invoice_id, level)
);
