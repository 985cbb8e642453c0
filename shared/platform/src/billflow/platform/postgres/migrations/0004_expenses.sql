-- Expenses: invoices and receipts people upload, the file Billflow filed them under, and what was
-- read from them. Amounts are numeric beside their ISO 4217 currency, like everywhere else.
CREATE TABLE expenses (
    id                 uuid PRIMARY KEY,
    user_id            uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status             text NOT NULL
                       CHECK (status IN ('processing', 'extracted', 'needs_review', 'confirmed', 'failed')),
    failure_reason     text,
    file_key           text NOT NULL UNIQUE,   -- chosen by Billflow, never from the filename
    media_type         text NOT NULL CHECK (media_type IN ('application/pdf', 'image/png', 'image/jpeg')),
    original_filename  text NOT NULL,          -- for display only
    note               text,
    vendor             text,
    invoice_number     text,
    invoice_date       date,
    currency           char(3),
    tax                numeric(20, 4),
    total              numeric(20, 4),
    confidence         jsonb NOT NULL DEFAULT '{}'::jsonb,
    notified_at        timestamptz,            -- when the uploader was told what was read
    uploaded_at        timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX expenses_by_user ON expenses (user_id, uploaded_at);
CREATE INDEX expenses_by_month ON expenses (uploaded_at);

-- One row per (user, month) statement email: the same claim-before-send, accepted-after life as
-- email_deliveries, so a redelivered request never mails a statement twice.
CREATE TABLE statement_deliveries (
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    month         text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    message_id    text NOT NULL,
    state         text NOT NULL CHECK (state IN ('claimed', 'released', 'accepted')),
    attempts      integer NOT NULL,
    takeovers     integer NOT NULL DEFAULT 0,
    taken_over    boolean NOT NULL DEFAULT false,
    lease_until   timestamptz NOT NULL,
    accepted_at   timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, month)
);
