DROP TRIGGER webhook_invoices_issued ON invoices;
DROP TRIGGER webhook_invoice_events ON invoices;
CREATE TRIGGER webhook_invoice_events AFTER INSERT OR UPDATE OF status, payment_status ON invoices
    FOR EACH ROW EXECUTE FUNCTION webhook_on_invoice();
DROP FUNCTION webhook_on_invoices_issued();
DROP TRIGGER invoice_lines_updated_name_an_invoice ON invoice_lines;
DROP TRIGGER invoice_lines_inserted_name_an_invoice ON invoice_lines;
DROP FUNCTION invoice_lines_name_an_invoice();
ALTER TABLE invoice_lines
    ADD CONSTRAINT invoice_lines_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices (id) ON DELETE CASCADE;
