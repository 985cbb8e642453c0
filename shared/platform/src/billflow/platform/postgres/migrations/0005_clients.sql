-- Clients and the time billed to them: clients, projects with a client and a rate, project
-- members with their own rates, time entries keyed by (employee, day, project), client invoices
-- with their taxes per rate and the timesheet they bill. Nothing an invoice refers to is ever
-- deleted: master data is archived instead.

CREATE TABLE clients (
    id                  uuid PRIMARY KEY,
    name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email               text NOT NULL,
    street              text NOT NULL,
    city                text NOT NULL,
    postal_code         text NOT NULL,
    country             char(2) NOT NULL,
    vat_id              text,
    currency            char(3) NOT NULL,
    language            text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'de', 'fr', 'nl')),
    payment_terms_days  integer NOT NULL DEFAULT 30 CHECK (payment_terms_days BETWEEN 0 AND 365),
    buyer_reference     text,
    archived            boolean NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE departments ADD COLUMN archived boolean NOT NULL DEFAULT false;
ALTER TABLE employees ADD COLUMN archived boolean NOT NULL DEFAULT false;
ALTER TABLE projects
    ADD COLUMN client_id uuid REFERENCES clients (id),
    ADD COLUMN hourly_rate numeric CHECK (hourly_rate >= 0),
    ADD COLUMN archived boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT projects_client_rate CHECK (client_id IS NULL OR hourly_rate IS NOT NULL);
CREATE INDEX projects_by_client ON projects (client_id) WHERE client_id IS NOT NULL;

-- Who works on a project besides those whose own project it is, and at what rate to the client.
CREATE TABLE project_members (
    project_id   uuid NOT NULL REFERENCES projects (id),
    employee_id  uuid NOT NULL REFERENCES employees (id),
    hourly_rate  numeric CHECK (hourly_rate >= 0),
    PRIMARY KEY (project_id, employee_id)
);
CREATE INDEX project_members_by_employee ON project_members (employee_id);

-- A time entry is (employee, day, project); the existing ones were on the employee's project.
ALTER TABLE workdays ADD COLUMN project_id uuid REFERENCES projects (id);
UPDATE workdays w SET project_id = e.project_id FROM employees e WHERE e.id = w.employee_id;
ALTER TABLE workdays ALTER COLUMN project_id SET NOT NULL;
ALTER TABLE workdays DROP CONSTRAINT workdays_pkey;
ALTER TABLE workdays ADD PRIMARY KEY (employee_id, day, project_id);

-- Invoices of both kinds. An employee invoice bills an employee's own workdays to that employee;
-- a client invoice bills the hours on a client's projects to the client. billed_* is the party
-- billed as it was at issue, for both kinds.
ALTER TABLE invoices
    ADD COLUMN kind text NOT NULL DEFAULT 'employee' CHECK (kind IN ('employee', 'client')),
    ADD COLUMN client_id uuid REFERENCES clients (id),
    ADD COLUMN billed_name text,
    ADD COLUMN billed_email text,
    ADD COLUMN billed_street text,
    ADD COLUMN billed_city text,
    ADD COLUMN billed_postal_code text,
    ADD COLUMN billed_country char(2),
    ADD COLUMN billed_vat_id text,
    ADD COLUMN billed_language text NOT NULL DEFAULT 'en',
    ADD COLUMN billed_buyer_reference text,
    ALTER COLUMN employee_id DROP NOT NULL,
    ALTER COLUMN employee_name DROP NOT NULL,
    ALTER COLUMN employee_email DROP NOT NULL,
    ALTER COLUMN tax_rate DROP NOT NULL,
    ADD CONSTRAINT invoices_party CHECK (
        (kind = 'employee' AND employee_id IS NOT NULL AND client_id IS NULL)
        OR (kind = 'client' AND client_id IS NOT NULL AND employee_id IS NULL)
    );
UPDATE invoices SET billed_name = employee_name, billed_email = employee_email;
ALTER TABLE invoices ALTER COLUMN billed_name SET NOT NULL, ALTER COLUMN billed_email SET NOT NULL;
CREATE INDEX invoices_by_client ON invoices (client_id, number) WHERE client_id IS NOT NULL;
CREATE INDEX invoices_by_kind_number ON invoices (kind, number);

-- A line is one workday on an employee invoice, one (project, employee) on a client invoice.
ALTER TABLE invoice_lines
    ALTER COLUMN day DROP NOT NULL,
    ALTER COLUMN hours TYPE numeric,
    ADD COLUMN project_id uuid,
    ADD COLUMN project_name text,
    ADD COLUMN employee_id uuid,
    ADD COLUMN employee_name text,
    ADD COLUMN tax_rate numeric,
    ADD COLUMN first_day date,
    ADD COLUMN last_day date;

-- The tax per rate, each rounded once (employee invoices have one row: their project's rate).
CREATE TABLE invoice_taxes (
    invoice_id  uuid NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    rate        numeric NOT NULL,
    base        numeric NOT NULL,
    amount      numeric NOT NULL,
    PRIMARY KEY (invoice_id, rate)
);
INSERT INTO invoice_taxes (invoice_id, rate, base, amount)
    SELECT id, tax_rate, subtotal, tax FROM invoices;

-- The timesheet a client invoice bills, as it was (its appendix): one document per invoice, written
-- by the statement that claims the entries, before the invoice row exists (hence the deferred key).
-- json, not jsonb: a document kept as written and read whole, never queried inside.
-- One row per invoice, not per entry: a month-end run bills ~100,000 entries, and writing each as
-- an indexed row of its own was most of the run's time.
CREATE TABLE invoice_timesheets (
    invoice_id  uuid PRIMARY KEY REFERENCES invoices (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    entries     json NOT NULL
);

-- Billed time is locked: the invoice of each kind an entry is on (a full credit note will release
-- it by clearing the column). No foreign key: invoices are never deleted, so the reference cannot
-- dangle, and a key would cost a lookup per billed entry. Neither column is indexed and the table
-- keeps half of each page free (every entry of a month is marked once when it is billed, so a page
-- needs room for a new version of each of its rows), so marking is a HOT update that touches no
-- index: 0.41 s instead of 1.5 s for 115,000 entries (docs/benchmarks.md).
ALTER TABLE workdays SET (fillfactor = 50);
ALTER TABLE workdays
    ADD COLUMN employee_invoice_id uuid,
    ADD COLUMN client_invoice_id uuid;
UPDATE workdays w SET employee_invoice_id = i.id
    FROM invoices i
    WHERE i.employee_id = w.employee_id AND w.day BETWEEN i.period_start AND i.period_end;
CREATE INDEX workdays_by_project_day ON workdays (project_id, day);

ALTER TABLE billing_runs
    ADD COLUMN kind text NOT NULL DEFAULT 'employees' CHECK (kind IN ('employees', 'clients'));
