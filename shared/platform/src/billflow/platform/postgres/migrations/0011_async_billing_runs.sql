-- Asynchronous billing runs (decision 0031): POST /v1/billing-runs records the run `planning`
-- and the planner issues its invoices in chunks, one transaction each. The run row carries where
-- planning stopped (a keyset position: the last subject's sort name and id), so a planner that
-- crashed is resumed by the next one exactly there; the chunk that moves the cursor is the chunk
-- that issued the invoices, in one transaction, so no subject is issued twice or left out.
-- Existing runs were issued synchronously: they are `issued` already.
ALTER TABLE billing_runs
    ADD COLUMN status text NOT NULL DEFAULT 'issued' CHECK (status IN ('planning', 'issued')),
    ADD COLUMN planned integer CHECK (planned >= 0),
    ADD COLUMN correlation_id text NOT NULL DEFAULT '',
    ADD COLUMN cursor_name text,
    ADD COLUMN cursor_id uuid;

-- Whom a run skipped (employees with an overlapping invoice; archived clients and clients with
-- nothing to bill), in the order planning met them.
CREATE TABLE billing_run_skips (
    billing_run_id  uuid NOT NULL REFERENCES billing_runs (id),
    position        bigint GENERATED ALWAYS AS IDENTITY,
    subject_id      uuid NOT NULL,
    PRIMARY KEY (billing_run_id, subject_id)
);
