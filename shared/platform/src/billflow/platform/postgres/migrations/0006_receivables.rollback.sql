DROP TABLE reminder_deliveries;
DROP TABLE credit_note_deliveries;
DROP TABLE payments;
DROP TABLE credit_note_taxes;
DROP TABLE credit_notes;
DROP TABLE credit_note_number_sequences;
DROP INDEX invoices_open_by_due;
ALTER TABLE invoices DROP COLUMN amount_credited, DROP COLUMN amount_paid, DROP COLUMN payment_status;
