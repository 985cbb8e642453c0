ALTER TABLE credit_notes DROP COLUMN einvoice_peppol;
ALTER TABLE credit_notes DROP COLUMN einvoice_ubl_key;
ALTER TABLE credit_notes DROP COLUMN einvoice_cii_key;
ALTER TABLE invoices DROP COLUMN einvoice_peppol;
ALTER TABLE invoices DROP COLUMN einvoice_ubl_key;
ALTER TABLE invoices DROP COLUMN einvoice_cii_key;
