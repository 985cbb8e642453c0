DROP TABLE statement_deliveries;
DROP TABLE expenses;
