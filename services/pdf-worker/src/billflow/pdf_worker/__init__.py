"""pdf-worker: renders invoices to PDF and files them in S3."""
