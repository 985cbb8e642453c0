"""emailer: sends invoices (and later notifications) by email."""
