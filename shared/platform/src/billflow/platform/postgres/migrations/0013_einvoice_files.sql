-- Issue 15: where a rendered client document's e-invoice files are filed, beside its PDF (the CII
-- embedded in its Factur-X PDF, and the UBL), and whether the UBL is a Peppol BIS 3 document.
ALTER TABLE invoices ADD COLUMN einvoice_cii_key text;
ALTER TABLE invoices ADD COLUMN einvoice_ubl_key text;
ALTER TABLE invoices ADD COLUMN einvoice_peppol boolean;
ALTER TABLE credit_notes ADD COLUMN einvoice_cii_key text;
ALTER TABLE credit_notes ADD COLUMN einvoice_ubl_key text;
ALTER TABLE credit_notes ADD COLUMN einvoice_peppol boolean;
