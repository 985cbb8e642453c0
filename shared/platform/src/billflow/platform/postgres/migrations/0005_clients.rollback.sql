ALTER TABLE billing_runs DROP COLUMN kind;
DROP INDEX workdays_by_project_day;
ALTER TABLE workdays RESET (fillfactor);
ALTER TABLE workdays DROP COLUMN client_invoice_id, DROP COLUMN employee_invoice_id;
DROP TABLE invoice_timesheets;
DROP TABLE invoice_taxes;
DELETE FROM invoice_lines l USING invoices i WHERE i.id = l.invoice_id AND i.kind = 'client';
DELETE FROM invoices WHERE kind = 'client';
ALTER TABLE invoice_lines
    DROP COLUMN last_day, DROP COLUMN first_day, DROP COLUMN tax_rate, DROP COLUMN employee_name, DROP COLUMN employee_id,
    DROP COLUMN project_name, DROP COLUMN project_id,
    ALTER COLUMN hours TYPE numeric(5, 2), ALTER COLUMN day SET NOT NULL;
ALTER TABLE invoices
    DROP CONSTRAINT invoices_party,
    DROP COLUMN billed_buyer_reference, DROP COLUMN billed_language, DROP COLUMN billed_vat_id,
    DROP COLUMN billed_country, DROP COLUMN billed_postal_code, DROP COLUMN billed_city,
    DROP COLUMN billed_street, DROP COLUMN billed_email, DROP COLUMN billed_name, DROP COLUMN client_id, DROP COLUMN kind,
    ALTER COLUMN employee_id SET NOT NULL, ALTER COLUMN employee_name SET NOT NULL,
    ALTER COLUMN employee_email SET NOT NULL, ALTER COLUMN tax_rate SET NOT NULL;
DELETE FROM workdays w USING employees e WHERE e.id = w.employee_id AND w.project_id <> e.project_id;
ALTER TABLE workdays DROP CONSTRAINT workdays_pkey;
ALTER TABLE workdays ADD PRIMARY KEY (employee_id, day);
ALTER TABLE workdays DROP COLUMN project_id;
DROP TABLE project_members;
ALTER TABLE projects DROP CONSTRAINT projects_client_rate, DROP COLUMN archived,
    DROP COLUMN hourly_rate, DROP COLUMN client_id;
ALTER TABLE employees DROP COLUMN archived;
ALTER TABLE departments DROP COLUMN archived;
DROP TABLE clients;
