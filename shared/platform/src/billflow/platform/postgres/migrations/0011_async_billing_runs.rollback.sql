DROP TABLE billing_run_skips;
ALTER TABLE billing_runs
    DROP COLUMN status,
    DROP COLUMN planned,
    DROP COLUMN correlation_id,
    DROP COLUMN cursor_name,
    DROP COLUMN cursor_id;
