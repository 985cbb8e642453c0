-- Webhooks (decision 0028): the endpoints an admin registers, the events recorded in the same
-- transaction as the change they report, one delivery per (event, subscribed endpoint) and every
-- attempt at it.

CREATE TABLE webhook_endpoints (
    id          uuid PRIMARY KEY,
    url         text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
    events      text[] NOT NULL CHECK (cardinality(events) > 0),
    secret      text NOT NULL,
    enabled     boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- What happened, to what; the body (`{type, timestamp, data}`) is written once, at the first
-- dispatch, so every endpoint and every retry gets the same bytes under the same signature.
CREATE TABLE webhook_events (
    id           uuid PRIMARY KEY,
    type         text NOT NULL,
    subject_id   uuid NOT NULL,
    parent_id    uuid,               -- the invoice of a payment
    occurred_at  timestamptz NOT NULL DEFAULT now(),
    body         bytea
);

CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY,  -- the webhook-id header: the same on every retry
    event_id         uuid NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    endpoint_id      uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id);

CREATE TABLE webhook_attempts (
    delivery_id      uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt          integer NOT NULL,
    attempted_at     timestamptz NOT NULL,
    status_code      integer,
    duration_ms      integer NOT NULL,
    error            text,
    next_attempt_at  timestamptz,
    PRIMARY KEY (delivery_id, attempt)
);
CREATE INDEX webhook_attempts_by_time ON webhook_attempts (attempted_at, delivery_id);

-- Recording an event: one function every trigger below calls, inside the writer's transaction.
-- Nothing is written when no enabled endpoint subscribes to the type (a billing run with no
-- webhooks pays one index-free lookup per invoice). The outbox row is the `webhook.dispatch.v1`
-- message (billflow.domain.contracts.DispatchWebhookEvent; a contract test decodes what this
-- function writes), so the relays carry it to the webhooks queue like every other message.
CREATE FUNCTION webhook_record(event_type text, subject uuid, parent uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    event uuid := gen_random_uuid();
    correlation text := coalesce(nullif(current_setting('billflow.correlation_id', true), ''), event::text);
BEGIN
    IF NOT EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled AND event_type = ANY (events)) THEN
        RETURN;
    END IF;
    INSERT INTO webhook_events (id, type, subject_id, parent_id) VALUES (event, event_type, subject, parent);
    INSERT INTO webhook_deliveries (id, event_id, endpoint_id, next_attempt_at)
        SELECT gen_random_uuid(), event, e.id, now()
        FROM webhook_endpoints e WHERE e.enabled AND event_type = ANY (e.events);
    INSERT INTO outbox (message_id, message_type, correlation_id, body)
        SELECT m, 'webhook.dispatch.v1', correlation,
               convert_to(json_build_object(
                   'type', 'webhook.dispatch.v1', 'message_id', m, 'occurred_at', now(),
                   'correlation_id', correlation, 'event_id', event)::text, 'UTF8')
        FROM gen_random_uuid() AS m;
    PERFORM pg_notify('billflow_outbox', '');
END $$;

CREATE FUNCTION webhook_on_invoice() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM webhook_record('invoice.issued', NEW.id, NULL);
        RETURN NULL;
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status AND NEW.status IN ('sent', 'failed') THEN
        PERFORM webhook_record('invoice.' || NEW.status, NEW.id, NULL);
    END IF;
    IF NEW.payment_status = 'paid' AND OLD.payment_status IS DISTINCT FROM 'paid' THEN
        PERFORM webhook_record('invoice.paid', NEW.id, NULL);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_invoice_events AFTER INSERT OR UPDATE OF status, payment_status ON invoices
    FOR EACH ROW EXECUTE FUNCTION webhook_on_invoice();

CREATE FUNCTION webhook_on_credit_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM webhook_record('credit_note.issued', NEW.id, NEW.invoice_id);
    ELSIF NEW.status = 'sent' AND OLD.status IS DISTINCT FROM 'sent' THEN
        PERFORM webhook_record('credit_note.sent', NEW.id, NEW.invoice_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_credit_note_events AFTER INSERT OR UPDATE OF status ON credit_notes
    FOR EACH ROW EXECUTE FUNCTION webhook_on_credit_note();

CREATE FUNCTION webhook_on_payment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM webhook_record('payment.recorded', NEW.id, NEW.invoice_id);
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_payment_events AFTER INSERT ON payments
    FOR EACH ROW EXECUTE FUNCTION webhook_on_payment();

CREATE FUNCTION webhook_on_expense() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'processing' AND NEW.status IN ('extracted', 'needs_review') THEN
        PERFORM webhook_record('expense.extracted', NEW.id, NULL);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_expense_events AFTER UPDATE OF status ON expenses
    FOR EACH ROW EXECUTE FUNCTION webhook_on_expense();
