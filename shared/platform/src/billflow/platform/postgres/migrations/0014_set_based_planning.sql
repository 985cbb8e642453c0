-- Set-based planning of billing runs (decision 0033). A chunk of 500 employee invoices writes
-- 10,500 lines in one INSERT ... SELECT; the row-level foreign key of invoice_lines checked each
-- of them with a query of its own (1.0 s of the chunk's 1.3 s under EXPLAIN ANALYZE). The same
-- rule is now one check per statement over its new lines: every line names an invoice. (Nothing
-- else the key did is lost: invoices are never deleted, so there is nothing to cascade, and a
-- line's invoice_id is never updated; the invoice is always inserted first, in the same
-- transaction, by the invoice repository.)
ALTER TABLE invoice_lines DROP CONSTRAINT invoice_lines_invoice_id_fkey;

CREATE FUNCTION invoice_lines_name_an_invoice() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_lines l WHERE NOT EXISTS (SELECT 1 FROM invoices i WHERE i.id = l.invoice_id)) THEN
        RAISE EXCEPTION 'an invoice line names no invoice' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER invoice_lines_inserted_name_an_invoice AFTER INSERT ON invoice_lines
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION invoice_lines_name_an_invoice();
CREATE TRIGGER invoice_lines_updated_name_an_invoice AFTER UPDATE ON invoice_lines
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION invoice_lines_name_an_invoice();

-- "invoice.issued" once per statement: one look for a subscribed endpoint, then an event per
-- new invoice, instead of a plpgsql call and that look per row. Status and payment changes stay
-- per row (a transition table cannot go with UPDATE OF a column list).
CREATE FUNCTION webhook_on_invoices_issued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled AND 'invoice.issued' = ANY (events)) THEN
        PERFORM webhook_record('invoice.issued', n.id, NULL) FROM issued n;
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER webhook_invoice_events ON invoices;
CREATE TRIGGER webhook_invoice_events AFTER UPDATE OF status, payment_status ON invoices
    FOR EACH ROW EXECUTE FUNCTION webhook_on_invoice();
CREATE TRIGGER webhook_invoices_issued AFTER INSERT ON invoices
    REFERENCING NEW TABLE AS issued FOR EACH STATEMENT EXECUTE FUNCTION webhook_on_invoices_issued();
