-- Issue 15: e-invoices from the same data. The company becomes a record (the seller every
-- document snapshots), clients gain their Peppol participant id, projects their VAT category,
-- and the tax rows of invoices and credit notes become one per (category, rate).

-- One row: the company. `id` is always true, so a second row cannot exist.
CREATE TABLE company (
    id               boolean PRIMARY KEY DEFAULT true CHECK (id),
    name             text NOT NULL,
    street           text NOT NULL,
    city             text NOT NULL,
    postal_code      text NOT NULL,
    country          char(2) NOT NULL,
    vat_id           text NOT NULL,
    tax_number       text,
    contact_name     text NOT NULL,
    contact_phone    text NOT NULL,
    contact_email    text NOT NULL,
    iban             text NOT NULL,
    bic              text,
    endpoint_scheme  text,
    endpoint_id      text,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((endpoint_scheme IS NULL) = (endpoint_id IS NULL))
);

ALTER TABLE clients
    ADD COLUMN endpoint_scheme text,
    ADD COLUMN endpoint_id     text,
    ADD CONSTRAINT clients_endpoint_whole CHECK ((endpoint_scheme IS NULL) = (endpoint_id IS NULL));

-- A project at a rate of 0 was zero rated in all but name: say so, as S needs a rate above 0.
ALTER TABLE projects
    ADD COLUMN tax_category     text NOT NULL DEFAULT 'S'
        CHECK (tax_category IN ('S', 'Z', 'E', 'AE', 'K', 'G', 'O')),
    ADD COLUMN exemption_reason text,
    ADD COLUMN exemption_code   text;
UPDATE projects SET tax_category = 'Z' WHERE tax_rate = 0;

-- The seller as it was at issue (the company record, as JSON); NULL on documents issued before,
-- which keep their issuer_name, issuer_address and issuer_tax_id. The buyer's Peppol id too.
ALTER TABLE invoices
    ADD COLUMN issuer_snapshot        jsonb,
    ADD COLUMN billed_endpoint_scheme text,
    ADD COLUMN billed_endpoint_id     text;

ALTER TABLE invoice_lines ADD COLUMN tax_category text NOT NULL DEFAULT 'S';
UPDATE invoice_lines SET tax_category = 'Z' WHERE tax_rate = 0;

ALTER TABLE invoice_taxes
    ADD COLUMN category         text NOT NULL DEFAULT 'S',
    ADD COLUMN exemption_reason text,
    ADD COLUMN exemption_code   text;
UPDATE invoice_taxes SET category = 'Z' WHERE rate = 0;
ALTER TABLE invoice_taxes DROP CONSTRAINT invoice_taxes_pkey, ADD PRIMARY KEY (invoice_id, category, rate);

ALTER TABLE credit_note_taxes
    ADD COLUMN category         text NOT NULL DEFAULT 'S',
    ADD COLUMN exemption_reason text,
    ADD COLUMN exemption_code   text;
UPDATE credit_note_taxes SET category = 'Z' WHERE rate = 0;
ALTER TABLE credit_note_taxes DROP CONSTRAINT credit_note_taxes_pkey,
    ADD PRIMARY KEY (credit_note_id, category, rate);
