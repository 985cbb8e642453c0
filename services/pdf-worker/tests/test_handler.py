"""pdf-worker's handler decides each message's fate without ever raising."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from billflow.domain.errors import TransientFailure
from billflow.domain.model import (
    CreditNote,
    Department,
    Employee,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Issuer,
    Project,
    Role,
    User,
    Workday,
)
from billflow.domain.ports.documents import EInvoiceFiles, EInvoiceRejected, PdfRenderer
from billflow.domain.usecases.credit_note_documents import FailCreditNote, RenderCreditNotePdf
from billflow.domain.usecases.document_pipeline import EInvoicing
from billflow.domain.usecases.fail_invoice import FailInvoice
from billflow.domain.usecases.issue_invoice import IssueInvoice, IssueInvoiceCommand
from billflow.domain.usecases.quotas import InvoiceCreationQuota
from billflow.domain.usecases.render_invoice import RenderInvoicePdf
from billflow.pdf_worker.routes import ROUTES, UseCases
from billflow.platform.aws.sqs_consumer import Ack, Handler, Received, RetryAfter
from billflow.platform.metrics import Metrics
from domain_fakes import (
    FakeUnitOfWorkFactory,
    FixedClock,
    MemoryDocuments,
    MemoryRateLimiter,
    RecordingCreditNoteRenderer,
    RecordingRenderer,
    SequentialIds,
)

pytestmark = pytest.mark.unit

ACCOUNTANT = User("u-acc", "acc@example.com", Role.ACCOUNTANT)


class BrokenRenderer:
    async def render(self, invoice: Invoice) -> bytes:
        raise TransientFailure("chromium crashed")


async def setup(renderer: PdfRenderer) -> tuple[FakeUnitOfWorkFactory, Handler, str]:
    uow = FakeUnitOfWorkFactory()
    uow.store.departments["d"] = Department("d", "D")
    uow.store.projects["p"] = Project("p", "P", Decimal(0))
    uow.store.employees["e"] = Employee("e", "E", "e@example.com", "d", "p", Decimal(10), "EUR")
    uow.store.workdays["e"] = {date(2026, 1, 5): Workday(date(2026, 1, 5), Decimal(8))}
    quota = InvoiceCreationQuota(MemoryRateLimiter(), per_minute=0)
    invoice = await IssueInvoice(uow, SequentialIds(), FixedClock(), Issuer("A", "B", "C"), quota).execute(
        IssueInvoiceCommand("e", date(2026, 1, 1), date(2026, 1, 31), "corr", actor=ACCOUNTANT)
    )
    render = RenderInvoicePdf(uow, renderer, MemoryDocuments(), SequentialIds(), FixedClock())
    return (
        uow,
        ROUTES.handler(
            UseCases(
                render,
                FailInvoice(uow),
                RenderCreditNotePdf(
                    uow, RecordingCreditNoteRenderer(), MemoryDocuments(), SequentialIds(), FixedClock()
                ),
                FailCreditNote(uow),
            ),
            max_receives=3,
            metrics=Metrics("test"),
        ),
        invoice.id,
    )


def message(invoice_id: str, receive_count: int = 1) -> Received:
    body = (
        '{"type":"invoice.render.v1","message_id":"m","occurred_at":"2026-11-22T09:30:00Z",'
        f'"correlation_id":"corr","invoice_id":"{invoice_id}"}}'
    ).encode()
    return Received(body=body, receive_count=receive_count, attributes={}, sqs_message_id="sqs-1")


@pytest.mark.parametrize(
    "body", [b"", b"{", b'{"type":"invoice.render.v1"}', b'{"type":"unknown.v1"}', b"\xff\xfe"]
)
async def test_malformed_messages_are_released_for_the_dead_letter_queue(body: bytes) -> None:
    _, handle, _ = await setup(RecordingRenderer())
    disposition = await handle(Received(body, 1, {}, "sqs"))
    assert disposition == RetryAfter(0)


async def test_a_render_is_acked_and_a_redelivery_too() -> None:
    uow, handle, invoice_id = await setup(RecordingRenderer())
    assert await handle(message(invoice_id)) == Ack()
    assert await handle(message(invoice_id)) == Ack()
    assert uow.store.invoices[invoice_id].status is InvoiceStatus.RENDERED


async def test_a_transient_failure_is_retried_then_the_invoice_fails_with_the_reason() -> None:
    uow, handle, invoice_id = await setup(BrokenRenderer())
    first = await handle(message(invoice_id, receive_count=1))
    assert isinstance(first, RetryAfter)
    assert first.seconds >= 1
    assert uow.store.invoices[invoice_id].status is InvoiceStatus.PENDING
    last = await handle(message(invoice_id, receive_count=3))
    assert last == RetryAfter(0)
    failed = uow.store.invoices[invoice_id]
    assert failed.status is InvoiceStatus.FAILED
    assert "chromium crashed" in (failed.failure_reason or "")


async def test_an_unknown_invoice_is_given_up_on_at_once() -> None:
    _, handle, _ = await setup(RecordingRenderer())
    assert await handle(message("7d1f3c2a-0000-4000-8000-000000000000")) == Ack()


class RefusingWriter:
    def write(self, document: Invoice | CreditNote) -> EInvoiceFiles:
        raise EInvoiceRejected(("BR-CO-09", "BR-10"))


class NoBinder:
    def bind(self, pdf: bytes, cii: bytes, document: Invoice | CreditNote) -> bytes:
        raise AssertionError("nothing is bound for a refused e-invoice")


async def test_an_e_invoice_breaking_the_rules_is_given_up_on_at_once_with_the_rule_ids() -> None:
    uow, _, invoice_id = await setup(RecordingRenderer())
    uow.store.invoices[invoice_id] = replace(uow.store.invoices[invoice_id], kind=InvoiceKind.CLIENT)
    documents = MemoryDocuments()
    einvoicing = EInvoicing(RefusingWriter(), NoBinder())
    render = RenderInvoicePdf(uow, RecordingRenderer(), documents, SequentialIds(), FixedClock(), einvoicing)
    handle = ROUTES.handler(
        UseCases(
            render,
            FailInvoice(uow),
            RenderCreditNotePdf(uow, RecordingCreditNoteRenderer(), documents, SequentialIds(), FixedClock()),
            FailCreditNote(uow),
        ),
        max_receives=3,
        metrics=Metrics("test"),
    )
    assert await handle(message(invoice_id, receive_count=1)) == Ack()  # no retries: they cannot help
    failed = uow.store.invoices[invoice_id]
    assert failed.status is InvoiceStatus.FAILED
    assert "BR-CO-09, BR-10" in (failed.failure_reason or "")
    assert documents.objects == {}
