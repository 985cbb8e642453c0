"""Email delivery claims and retries, against in-memory fakes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billflow.domain.contracts import RenderInvoice
from billflow.domain.errors import Conflict, TransientFailure
from billflow.domain.model import Department, Employee, InvoiceStatus, Issuer, Project, Role, User, Workday
from billflow.domain.usecases.deliver_invoice import (
    DeliverInvoiceCommand,
    DeliverInvoicePdf,
    DeliveryInProgress,
)
from billflow.domain.usecases.fail_invoice import FailInvoice, FailInvoiceCommand
from billflow.domain.usecases.issue_invoice import IssueInvoice, IssueInvoiceCommand
from billflow.domain.usecases.quotas import InvoiceCreationQuota
from billflow.domain.usecases.render_invoice import Outcome, RenderInvoiceCommand, RenderInvoicePdf
from billflow.domain.usecases.retry_invoice import RetryInvoice, RetryInvoiceCommand
from domain_fakes import (
    FakeDeliveries,
    FakeUnitOfWorkFactory,
    FixedClock,
    MemoryDocuments,
    MemoryRateLimiter,
    PlainWriter,
    RecordingMailer,
    RecordingRenderer,
    SequentialIds,
)

pytestmark = pytest.mark.unit

ACCOUNTANT = User("u-acc", "acc@example.com", Role.ACCOUNTANT)


async def rendered_invoice() -> tuple[FakeUnitOfWorkFactory, MemoryDocuments, str]:
    uow = FakeUnitOfWorkFactory()
    uow.store.departments["d"] = Department("d", "D")
    uow.store.projects["p"] = Project("p", "P", Decimal(0))
    uow.store.employees["e"] = Employee("e", "E", "e@example.com", "d", "p", Decimal(10), "EUR")
    uow.store.workdays["e"] = {date(2026, 1, 5): Workday(date(2026, 1, 5), Decimal(8))}
    quota = InvoiceCreationQuota(MemoryRateLimiter(), per_minute=0)
    invoice = await IssueInvoice(uow, SequentialIds(), FixedClock(), Issuer("A", "B", "C"), quota).execute(
        IssueInvoiceCommand("e", date(2026, 1, 1), date(2026, 1, 31), "corr", actor=ACCOUNTANT)
    )
    documents = MemoryDocuments()
    await RenderInvoicePdf(uow, RecordingRenderer(), documents, SequentialIds(), FixedClock()).execute(
        RenderInvoiceCommand(invoice.id, "corr")
    )
    return uow, documents, invoice.id


def command(invoice_id: str) -> DeliverInvoiceCommand:
    return DeliverInvoiceCommand(invoice_id, "invoices/2026/INV-2026-000001.pdf")


async def test_every_attempt_carries_the_same_message_id() -> None:
    uow, documents, invoice_id = await rendered_invoice()
    refused = DeliverInvoicePdf(
        uow, documents, PlainWriter(), RecordingMailer(TransientFailure("421 try later"))
    )
    with pytest.raises(TransientFailure):
        await refused.execute(command(invoice_id))
    assert uow.store.deliveries[invoice_id]["state"] == "released"

    mailer = RecordingMailer()
    assert (
        await DeliverInvoicePdf(uow, documents, PlainWriter(), mailer).execute(command(invoice_id))
        is Outcome.DONE
    )
    [sent] = mailer.sent
    assert sent.message_id == uow.store.deliveries[invoice_id]["message_id"]
    assert sent.message_id is not None
    assert sent.message_id.startswith("<INV-2026-000001.")
    assert uow.store.invoices[invoice_id].status is InvoiceStatus.SENT


async def test_a_live_claim_makes_a_second_sender_wait_instead_of_sending() -> None:
    uow, documents, invoice_id = await rendered_invoice()
    async with uow() as u:
        await u.deliveries.claim(invoice_id, "<m@x>", 90)  # a sender somewhere is at it
    mailer = RecordingMailer()
    with pytest.raises(DeliveryInProgress):
        await DeliverInvoicePdf(uow, documents, PlainWriter(), mailer).execute(command(invoice_id))
    assert mailer.sent == []


async def test_an_accepted_email_is_never_sent_again_even_if_the_status_was_not_recorded() -> None:
    uow, documents, invoice_id = await rendered_invoice()
    async with uow() as u:
        await u.deliveries.claim(invoice_id, "<m@x>", 90)
        await u.deliveries.accepted(invoice_id)  # ...and the sender died before marking it sent
    mailer = RecordingMailer()
    outcome = await DeliverInvoicePdf(uow, documents, PlainWriter(), mailer).execute(command(invoice_id))
    assert outcome is Outcome.ALREADY_DONE
    assert mailer.sent == []
    assert uow.store.invoices[invoice_id].status is InvoiceStatus.SENT


async def test_an_expired_claim_is_taken_over_and_resent_under_the_same_message_id() -> None:
    uow, documents, invoice_id = await rendered_invoice()
    async with uow() as u:
        first = await u.deliveries.claim(invoice_id, "<first@x>", 90)
    assert first is not None
    assert first.takeover is False
    deliveries = FakeDeliveries(uow.store)
    deliveries.expire(invoice_id)
    mailer = RecordingMailer()
    assert (
        await DeliverInvoicePdf(uow, documents, PlainWriter(), mailer).execute(command(invoice_id))
        is Outcome.DONE
    )
    assert [m.message_id for m in mailer.sent] == ["<first@x>"]
    assert uow.store.deliveries[invoice_id]["attempts"] == 2


async def test_a_failed_invoice_is_retried_once_and_a_healthy_one_is_refused() -> None:
    uow, _, invoice_id = await rendered_invoice()
    retry = RetryInvoice(uow, SequentialIds(), FixedClock())
    with pytest.raises(Conflict):
        await retry.execute(RetryInvoiceCommand(invoice_id, "c", actor=ACCOUNTANT))
    await FailInvoice(uow).execute(FailInvoiceCommand(invoice_id, "mail server refused"))
    before = len(uow.store.outbox)

    reopened = await retry.execute(RetryInvoiceCommand(invoice_id, "c2", actor=ACCOUNTANT))

    assert reopened.status is InvoiceStatus.PENDING
    assert reopened.failure_reason is None
    assert reopened.number == uow.store.invoices[invoice_id].number
    [message] = uow.store.outbox[before:]
    assert isinstance(message, RenderInvoice)
    assert (message.invoice_id, message.correlation_id) == (invoice_id, "c2")
