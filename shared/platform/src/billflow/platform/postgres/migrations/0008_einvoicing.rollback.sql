-- Back to one tax row per rate: only possible while no document has two categories at one rate.
ALTER TABLE credit_note_taxes DROP CONSTRAINT credit_note_taxes_pkey, ADD PRIMARY KEY (credit_note_id, rate);
ALTER TABLE credit_note_taxes DROP COLUMN exemption_code, DROP COLUMN exemption_reason, DROP COLUMN category;
ALTER TABLE invoice_taxes DROP CONSTRAINT invoice_taxes_pkey, ADD PRIMARY KEY (invoice_id, rate);
ALTER TABLE invoice_taxes DROP COLUMN exemption_code, DROP COLUMN exemption_reason, DROP COLUMN category;
ALTER TABLE invoice_lines DROP COLUMN tax_category;
ALTER TABLE invoices DROP COLUMN billed_endpoint_id, DROP COLUMN billed_endpoint_scheme, DROP COLUMN issuer_snapshot;
ALTER TABLE projects DROP COLUMN exemption_code, DROP COLUMN exemption_reason, DROP COLUMN tax_category;
ALTER TABLE clients DROP CONSTRAINT clients_endpoint_whole, DROP COLUMN endpoint_id, DROP COLUMN endpoint_scheme;
DROP TABLE company;
