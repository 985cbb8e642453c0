"""Webhooks against a real PostgreSQL: events recorded by the database in the writer's transaction
(none for a rolled-back change), their dispatch messages, and deliveries worked through."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import asyncpg
import msgspec
import pytest

from billflow.domain.contracts import DispatchWebhookEvent
from billflow.domain.expenses import ExtractedFields, Field
from billflow.domain.expenses.expense import Expense, ExpenseStatus
from billflow.domain.model import (
    Department,
    Employee,
    Invoice,
    InvoiceStatus,
    Issuer,
    Project,
    Role,
    User,
    Workday,
)
from billflow.domain.ports.audit import AuditLog
from billflow.domain.ports.webhooks import AttemptResult, EndpointChange
from billflow.domain.representations import CreditNoteOut, ExpenseOut, InvoiceOut, PaymentOut
from billflow.domain.usecases.credit_notes import IssueCreditNote, IssueCreditNoteCommand
from billflow.domain.usecases.deliver_webhooks import DeliverWebhookCommand, DeliverWebhookEvent
from billflow.domain.usecases.issue_invoice import IssueInvoice, IssueInvoiceCommand
from billflow.domain.usecases.payments import Payments, RecordPaymentCommand
from billflow.domain.usecases.quotas import InvoiceCreationQuota
from billflow.domain.usecases.render_invoice import Outcome
from billflow.domain.webhooks import (
    DeliveryStatus,
    RetryPolicy,
    WebhookEndpoint,
    WebhookEventType,
    WebhookTarget,
)
from billflow.platform.postgres.ratelimit import PostgresRateLimiter
from billflow.platform.postgres.uow import AsyncpgUnitOfWorkFactory
from billflow.platform.postgres.webhooks import AsyncpgWebhookDeliveryStore, AsyncpgWebhookEndpointStore
from billflow.platform.system import SystemClock, UuidIdGenerator

pytestmark = pytest.mark.integration

ACCOUNTANT = User(str(uuid.uuid4()), "acc@example.com", Role.ACCOUNTANT)
D = Decimal
_dispatch = msgspec.json.Decoder(DispatchWebhookEvent)


def new_id() -> str:
    return str(uuid.uuid4())


async def no_audit(audit: AuditLog, before: WebhookEndpoint | None, after: WebhookEndpoint | None) -> None:
    """The audit of a test's own set-up writes: none."""


@pytest.fixture
async def endpoint(pool: asyncpg.Pool) -> AsyncIterator[WebhookEndpoint]:
    """An endpoint subscribed to every event, removed afterwards so other tests record none."""
    store = AsyncpgWebhookEndpointStore(pool)
    hook = WebhookEndpoint(
        new_id(), "https://hooks.example.com/in", tuple(WebhookEventType), True, datetime.now(UTC)
    )
    await store.add(hook, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", audit=no_audit)
    yield hook
    await store.remove(hook.id, audit=no_audit)


async def issue(pool: asyncpg.Pool) -> Invoice:
    uow = AsyncpgUnitOfWorkFactory(pool)
    start = date(3000 + uuid.uuid4().int % 5000, 5, 1)
    dept, project = Department(new_id(), "D"), Project(new_id(), "P", D("10"))
    employee = Employee(new_id(), "Ada", "ada@x.example", dept.id, project.id, D("50"), "EUR")
    async with uow() as u:
        await u.departments.add(dept)
        await u.projects.add(project)
        await u.employees.add(employee)
        await u.workdays.upsert(employee.id, [Workday(start, D("8"))])
        await u.commit()
    quota = InvoiceCreationQuota(PostgresRateLimiter(pool), 0)
    issuing = IssueInvoice(uow, UuidIdGenerator(), SystemClock(), Issuer("A", "B", "C"), quota)
    return await issuing.execute(
        IssueInvoiceCommand(employee.id, start, start + timedelta(days=27), "t", ACCOUNTANT)
    )


async def events_of(pool: asyncpg.Pool, subject_id: str) -> list[asyncpg.Record]:
    return list(
        await pool.fetch(
            "SELECT id::text, type FROM webhook_events WHERE subject_id = $1 ORDER BY occurred_at",
            uuid.UUID(subject_id),
        )
    )


async def test_issuing_an_invoice_records_its_event_a_delivery_and_a_dispatch_message(
    pool: asyncpg.Pool, endpoint: WebhookEndpoint
) -> None:
    invoice = await issue(pool)
    [event] = await events_of(pool, invoice.id)
    assert event["type"] == "invoice.issued"
    deliveries = await pool.fetch(
        "SELECT endpoint_id::text, status FROM webhook_deliveries WHERE event_id = $1", uuid.UUID(event["id"])
    )
    assert [(d["endpoint_id"], d["status"]) for d in deliveries] == [(endpoint.id, "pending")]
    body = await pool.fetchval(
        "SELECT body FROM outbox WHERE message_type = 'webhook.dispatch.v1'"
        " AND convert_from(body, 'UTF8') LIKE '%' || $1 || '%'",
        event["id"],
    )
    message = _dispatch.decode(bytes(body))  # what the SQL writes is the contract's message
    assert message.event_id == event["id"]


async def test_a_rolled_back_change_records_no_event(pool: asyncpg.Pool, endpoint: WebhookEndpoint) -> None:
    invoice = await issue(pool)
    payment_id = new_id()

    async def pay_then_fail() -> None:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO payments (id, invoice_id, amount, paid_on) VALUES ($1, $2, 10, '2026-01-02')",
                uuid.UUID(payment_id),
                uuid.UUID(invoice.id),
            )
            recorded = await conn.fetch("SELECT 1 FROM webhook_events WHERE subject_id = $1", payment_id)
            assert len(recorded) == 1  # recorded inside the transaction...
            raise RuntimeError("roll it back")

    with pytest.raises(RuntimeError):
        await pay_then_fail()
    assert await events_of(pool, payment_id) == []  # ...and gone with it


async def test_no_event_is_recorded_when_no_enabled_endpoint_subscribes(
    pool: asyncpg.Pool, endpoint: WebhookEndpoint
) -> None:
    store = AsyncpgWebhookEndpointStore(pool)
    changed = await store.change(endpoint.id, EndpointChange(enabled=False), audit=no_audit)
    assert changed is not None
    assert not changed.enabled
    invoice = await issue(pool)
    assert await events_of(pool, invoice.id) == []


@dataclass
class ScriptedSender:
    """Answers the scripted statuses in turn and keeps what it was asked to send."""

    statuses: list[int]
    sent: list[tuple[str, bytes]] = field(default_factory=list)

    async def send(
        self, target: WebhookTarget, webhook_id: str, timestamp: datetime, body: bytes, secret: str
    ) -> AttemptResult:
        self.sent.append((webhook_id, body))
        return AttemptResult(timestamp, self.statuses.pop(0), 3, None)


class Clock:
    def __init__(self) -> None:
        self.at = datetime.now(UTC)

    def now(self) -> datetime:
        return self.at


async def test_a_delivery_is_retried_with_the_same_id_and_body_until_it_succeeds(
    pool: asyncpg.Pool, endpoint: WebhookEndpoint
) -> None:
    invoice = await issue(pool)
    [event] = await events_of(pool, invoice.id)
    uow = AsyncpgUnitOfWorkFactory(pool)
    sender, clock = ScriptedSender([500, 200]), Clock()
    deliver = DeliverWebhookEvent(
        AsyncpgWebhookDeliveryStore(pool),
        uow,
        uow,
        sender,
        clock,
        policy=RetryPolicy(base_seconds=10),
        allow_loopback=False,
    )
    command = DeliverWebhookCommand(event["id"], "t")

    first = await deliver.execute(command)
    assert first.outcome is Outcome.DONE
    assert first.retry_in == pytest.approx(10, abs=1)
    early = await deliver.execute(command)  # a redelivered message before the retry is due
    assert (early.outcome, len(sender.sent)) == (Outcome.ALREADY_DONE, 1)
    clock.at += timedelta(seconds=11)
    second = await deliver.execute(command)
    assert second.retry_in is None

    (id1, body1), (id2, body2) = sender.sent
    assert id1 == id2
    assert body1 == body2
    payload = msgspec.json.decode(body1)
    assert payload["type"] == "invoice.issued"
    async with uow(read_only=True) as u:
        stored = await u.invoices.get(invoice.id)
    assert stored is not None
    assert payload["data"] == msgspec.json.decode(msgspec.json.encode(InvoiceOut.of(stored)))

    page = await AsyncpgWebhookEndpointStore(pool).attempts(endpoint.id, limit=1, after=None)
    assert [(a.attempt, a.status_code, a.delivery_status) for a in page.items] == [
        (2, 200, DeliveryStatus.DELIVERED)
    ]
    assert page.next_cursor is not None
    rest = await AsyncpgWebhookEndpointStore(pool).attempts(endpoint.id, limit=5, after=page.next_cursor)
    assert [(a.attempt, a.status_code, a.event_type) for a in rest.items] == [
        (1, 500, WebhookEventType.INVOICE_ISSUED)
    ]
    assert rest.items[0].next_attempt_at is not None
    assert rest.next_cursor is None


async def test_endpoints_page_oldest_first_and_unknown_ids_are_not_found(pool: asyncpg.Pool) -> None:
    store = AsyncpgWebhookEndpointStore(pool)
    made: list[str] = []
    base = datetime(1990, 1, 1, tzinfo=UTC) + timedelta(days=uuid.uuid4().int % 1000)
    try:
        for n in range(3):
            hook = WebhookEndpoint(
                new_id(),
                f"https://h{n}.example.com/",
                (WebhookEventType.INVOICE_SENT,),
                True,
                base + timedelta(seconds=n),
            )
            await store.add(hook, "whsec_x", audit=no_audit)
            made.append(hook.id)
        seen: list[str] = []
        cursor: str | None = None
        while True:
            page = await store.list(limit=2, after=cursor)
            seen += [e.id for e in page.items]
            if (cursor := page.next_cursor) is None:
                break
        assert [i for i in seen if i in made] == made
        assert await store.get("not-a-uuid") is None
        assert await store.get(new_id()) is None
        assert not await store.remove(new_id(), audit=no_audit)
    finally:
        for i in made:
            await store.remove(i, audit=no_audit)


async def test_an_endpoint_write_and_its_audit_entry_commit_together(pool: asyncpg.Pool) -> None:
    store = AsyncpgWebhookEndpointStore(pool)
    hook = WebhookEndpoint(
        new_id(), "https://audited.example.com/", (WebhookEventType.INVOICE_SENT,), True, datetime.now(UTC)
    )
    seen: list[tuple[WebhookEndpoint | None, WebhookEndpoint | None]] = []

    async def refused(audit: AuditLog, before: WebhookEndpoint | None, after: WebhookEndpoint | None) -> None:
        await audit.record(None, "webhook", hook.id, "test")
        raise RuntimeError("the audit failed")

    async def recorded(
        audit: AuditLog, before: WebhookEndpoint | None, after: WebhookEndpoint | None
    ) -> None:
        seen.append((before, after))
        await audit.record(None, "webhook", hook.id, "test")

    async def entries() -> int:
        async with pool.acquire() as conn:
            n: int = await conn.fetchval("SELECT count(*) FROM audit_log WHERE entity_id = $1", hook.id)
        return n

    with pytest.raises(RuntimeError):
        await store.add(hook, "whsec_x", audit=refused)
    assert await store.get(hook.id) is None
    assert await entries() == 0
    await store.add(hook, "whsec_x", audit=recorded)
    with pytest.raises(RuntimeError):
        await store.change(hook.id, EndpointChange(enabled=False), audit=refused)
    with pytest.raises(RuntimeError):
        await store.remove(hook.id, audit=refused)
    assert await store.get(hook.id) == hook  # both refused writes rolled back with their entries
    assert await entries() == 1
    changed = await store.change(hook.id, EndpointChange(enabled=False), audit=recorded)
    assert await store.remove(hook.id, audit=recorded)
    assert seen == [(None, hook), (hook, changed), (changed, None)]
    assert await entries() == 3
    assert await store.change(hook.id, EndpointChange(enabled=True), audit=refused) is None  # gone: no audit
    assert not await store.remove(hook.id, audit=refused)


async def test_every_change_the_issue_names_records_its_event_with_the_api_shape_as_data(
    pool: asyncpg.Pool, endpoint: WebhookEndpoint
) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    invoice = await issue(pool)
    failed = await issue(pool)
    ids = UuidIdGenerator()
    note = await IssueCreditNote(uow, ids, SystemClock()).execute(
        IssueCreditNoteCommand(invoice.id, "rate", D("10.00"), "t", ACCOUNTANT)
    )
    async with uow() as u:
        assert await u.invoices.transition(invoice.id, InvoiceStatus.RENDERED, pdf_key="k")
        assert await u.invoices.transition(invoice.id, InvoiceStatus.SENT)
        assert await u.invoices.transition(failed.id, InvoiceStatus.FAILED, failure_reason="no")
        assert await u.credit_notes.transition(note.id, InvoiceStatus.RENDERED, pdf_key="k2")
        assert await u.credit_notes.transition(note.id, InvoiceStatus.SENT)
        await u.commit()
    async with uow(read_only=True) as u:
        credited = await u.invoices.get(invoice.id)
    assert credited is not None
    payment = await Payments(uow, ids, SystemClock()).record(
        RecordPaymentCommand(
            invoice.id, credited.balance_due, date(2026, 1, 2), "transfer", "ref", ACCOUNTANT
        )
    )
    user = User(new_id(), f"{uuid.uuid4().hex[:10]}@example.com", Role.VIEWER)
    now = datetime.now(UTC)
    expense = Expense(
        new_id(), user.id, ExpenseStatus.PROCESSING, "expenses/x.pdf", "application/pdf", "a.pdf", now, now
    )
    async with uow() as u:
        await u.users.add(user, "hash")
        await u.expenses.add(expense)
        await u.commit()
    async with uow() as u:
        fields = ExtractedFields(
            vendor=Field("ACME", 0.9), total=Field(D("12.00"), 0.9), currency=Field("EUR", 0.9)
        )
        assert await u.expenses.record_reading(expense.id, ExpenseStatus.NEEDS_REVIEW, fields)
        await u.commit()

    recorded = {
        subject: [e["type"] for e in await events_of(pool, subject)]
        for subject in (invoice.id, failed.id, note.id, payment.id, expense.id)
    }
    assert recorded == {
        invoice.id: ["invoice.issued", "invoice.sent", "invoice.paid"],
        failed.id: ["invoice.issued", "invoice.failed"],
        note.id: ["credit_note.issued", "credit_note.sent"],
        payment.id: ["payment.recorded"],
        expense.id: ["expense.extracted"],
    }

    sender = ScriptedSender([200] * 20)
    deliver = DeliverWebhookEvent(
        AsyncpgWebhookDeliveryStore(pool),
        uow,
        uow,
        sender,
        Clock(),
        policy=RetryPolicy(),
        allow_loopback=False,
    )
    for subject in (note.id, payment.id, expense.id):
        for event in await events_of(pool, subject):
            assert (await deliver.execute(DeliverWebhookCommand(event["id"], "t"))).retry_in is None
    bodies = {msgspec.json.decode(body)["type"]: msgspec.json.decode(body)["data"] for _, body in sender.sent}
    async with uow(read_only=True) as u:
        stored_note, stored_payment = (
            await u.credit_notes.get(note.id),
            await u.payments.get(invoice.id, payment.id),
        )
        stored_expense = await u.expenses.get(expense.id)
    assert stored_note is not None
    assert stored_payment is not None
    assert stored_expense is not None
    as_json = msgspec.json.decode
    assert bodies["credit_note.sent"] == as_json(msgspec.json.encode(CreditNoteOut.of(stored_note)))
    assert bodies["payment.recorded"] == as_json(msgspec.json.encode(PaymentOut.of(stored_payment, "EUR")))
    assert bodies["expense.extracted"] == as_json(msgspec.json.encode(ExpenseOut.of(stored_expense)))
