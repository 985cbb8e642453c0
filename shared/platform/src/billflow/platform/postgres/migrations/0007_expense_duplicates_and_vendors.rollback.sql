DROP TABLE vendors;
ALTER TABLE expenses DROP COLUMN vendor_signature;
DROP INDEX expenses_by_invoice;
ALTER TABLE expenses DROP COLUMN possible_duplicate_of;
DROP INDEX expenses_same_file;
ALTER TABLE expenses DROP COLUMN content_sha256;
DELETE FROM expenses WHERE media_type IN ('image/webp', 'image/heic');
ALTER TABLE expenses DROP CONSTRAINT expenses_media_type_check;
ALTER TABLE expenses ADD CONSTRAINT expenses_media_type_check CHECK (
    media_type IN ('application/pdf', 'image/png', 'image/jpeg')
);
