-- Issue 18: phones' HEIC and WebP uploads; the same file uploaded twice; vendors Billflow learns.
ALTER TABLE expenses DROP CONSTRAINT expenses_media_type_check;
ALTER TABLE expenses ADD CONSTRAINT expenses_media_type_check CHECK (
    media_type IN ('application/pdf', 'image/png', 'image/jpeg', 'image/webp', 'image/heic')
);

-- The SHA-256 of the uploaded bytes: the same file from the same uploader is one expense.
ALTER TABLE expenses ADD COLUMN content_sha256 text;
CREATE UNIQUE INDEX expenses_same_file ON expenses (user_id, content_sha256)
    WHERE content_sha256 IS NOT NULL;

-- Another expense with the same vendor, number and total (kept, but sent to review).
ALTER TABLE expenses ADD COLUMN possible_duplicate_of uuid REFERENCES expenses (id) ON DELETE SET NULL;
CREATE INDEX expenses_by_invoice ON expenses (user_id, invoice_number, total)
    WHERE invoice_number IS NOT NULL;

-- How the document looked (the name read, VAT ids, the words at its top), kept so that a
-- correction of the vendor can teach the vendor memory.
ALTER TABLE expenses ADD COLUMN vendor_signature jsonb;

-- The company's memory of its vendors, one row per vendor (by its normalised name).
CREATE TABLE vendors (
    key          text PRIMARY KEY,       -- billflow.domain.expenses.vendor_memory.vendor_key(name)
    name         text NOT NULL,
    variants     text[] NOT NULL DEFAULT '{}',
    vat_ids      text[] NOT NULL DEFAULT '{}',
    header       text[] NOT NULL DEFAULT '{}',
    corrections  integer NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
