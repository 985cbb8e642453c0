-- Billflow's first schema: the company, workdays, invoices, users and the outbox.
-- Money is numeric, never float; every amount sits beside its ISO 4217 currency.

CREATE TABLE departments (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE projects (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    tax_rate    numeric NOT NULL DEFAULT 0 CHECK (tax_rate BETWEEN 0 AND 100),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE employees (
    id             uuid PRIMARY KEY,
    full_name      text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
    email          text NOT NULL,
    department_id  uuid NOT NULL REFERENCES departments (id),
    project_id     uuid NOT NULL REFERENCES projects (id),
    hourly_rate    numeric NOT NULL CHECK (hourly_rate >= 0),
    currency       char(3) NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE workdays (
    employee_id  uuid NOT NULL REFERENCES employees (id),
    day          date NOT NULL,
    hours        numeric(5, 2) NOT NULL CHECK (hours > 0 AND hours <= 24),
    description  text CHECK (length(description) <= 500),
    PRIMARY KEY (employee_id, day)
);
CREATE INDEX workdays_by_day ON workdays (day);

CREATE TABLE users (
    id             uuid PRIMARY KEY,
    email          text NOT NULL,
    password_hash  text NOT NULL,
    role           text NOT NULL CHECK (role IN ('admin', 'accountant', 'viewer', 'employee')),
    employee_id    uuid REFERENCES employees (id),
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE billing_runs (
    id            uuid PRIMARY KEY,
    period_start  date NOT NULL,
    period_end    date NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per year; the row lock taken by the increment makes numbering gapless, because the
-- allocation commits or rolls back with the invoice that uses it.
CREATE TABLE invoice_number_sequences (
    year        integer PRIMARY KEY,
    last_value  integer NOT NULL
);

CREATE TABLE invoices (
    id               uuid PRIMARY KEY,
    number           text NOT NULL UNIQUE,
    status           text NOT NULL CHECK (status IN ('pending', 'rendered', 'sent', 'failed')),
    failure_reason   text,
    employee_id      uuid NOT NULL REFERENCES employees (id),
    employee_name    text NOT NULL,
    employee_email   text NOT NULL,
    billing_run_id   uuid REFERENCES billing_runs (id),
    period_start     date NOT NULL,
    period_end       date NOT NULL CHECK (period_end >= period_start),
    issue_date       date NOT NULL,
    due_date         date NOT NULL,
    currency         char(3) NOT NULL,
    subtotal         numeric NOT NULL,
    tax_rate         numeric NOT NULL,
    tax              numeric NOT NULL,
    total            numeric NOT NULL CHECK (total = subtotal + tax),
    issuer_name      text NOT NULL,
    issuer_address   text NOT NULL,
    issuer_tax_id    text NOT NULL,
    pdf_key          text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (status <> 'failed' OR failure_reason IS NOT NULL),
    CHECK (status NOT IN ('rendered', 'sent') OR pdf_key IS NOT NULL)
);
CREATE INDEX invoices_by_employee_period ON invoices (employee_id, period_start, period_end);
CREATE INDEX invoices_by_run_status ON invoices (billing_run_id, status);
CREATE INDEX invoices_by_status_number ON invoices (status, number);

CREATE TABLE invoice_lines (
    invoice_id   uuid NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    position     integer NOT NULL,
    day          date NOT NULL,
    hours        numeric(5, 2) NOT NULL,
    rate         numeric NOT NULL,
    amount       numeric NOT NULL,
    description  text,
    PRIMARY KEY (invoice_id, position)
);

-- Transactional outbox: messages recorded in the same transaction as the change that causes
-- them, published to SQS by the relay after commit.
CREATE TABLE outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id      uuid NOT NULL UNIQUE,
    message_type    text NOT NULL,
    correlation_id  text NOT NULL,
    body            bytea NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    published_at    timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
