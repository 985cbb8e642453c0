"""Credit notes, payments and reminders as use cases, against the domain's fakes."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from billflow.domain.contracts import DeliverCreditNote, DeliverReminder, RenderCreditNote
from billflow.domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    InvoiceOverlap,
    PermanentFailure,
    TransientFailure,
)
from billflow.domain.model import (
    Department,
    Employee,
    Invoice,
    InvoiceStatus,
    Issuer,
    PaymentStatus,
    Project,
    Role,
    User,
    Workday,
)
from billflow.domain.usecases.credit_note_documents import (
    CreditNoteCommand,
    DeliverCreditNotePdf,
    FailCreditNote,
    RenderCreditNotePdf,
)
from billflow.domain.usecases.credit_notes import (
    IssueCreditNote,
    IssueCreditNoteCommand,
    RetryCreditNote,
    RetryCreditNoteCommand,
)
from billflow.domain.usecases.issue_invoice import IssueInvoice, IssueInvoiceCommand
from billflow.domain.usecases.payments import DeletePaymentCommand, Payments, RecordPaymentCommand
from billflow.domain.usecases.quotas import InvoiceCreationQuota
from billflow.domain.usecases.reminders import PlanReminders, SendReminder
from domain_fakes import (
    AfterIssueWriter,
    FakeUnitOfWorkFactory,
    FixedClock,
    MemoryDocuments,
    MemoryRateLimiter,
    RecordingCreditNoteRenderer,
    RecordingMailer,
    SequentialIds,
)

pytestmark = pytest.mark.unit

OCT = (date(2026, 10, 1), date(2026, 10, 31))
ACCOUNTANT = User("u-acc", "acc@example.com", Role.ACCOUNTANT)
VIEWER = User("u-view", "view@example.com", Role.VIEWER)
D = Decimal


@pytest.fixture
def uow() -> FakeUnitOfWorkFactory:
    f = FakeUnitOfWorkFactory()
    f.store.departments["d1"] = Department("d1", "Engineering")
    f.store.projects["p1"] = Project("p1", "Apollo", D("10"))
    f.store.employees["e1"] = Employee("e1", "Person", "e1@example.com", "d1", "p1", D("50"), "EUR")
    f.store.workdays["e1"] = {date(2026, 10, 1): Workday(date(2026, 10, 1), D("8"))}
    return f


async def issue(uow: FakeUnitOfWorkFactory) -> Invoice:
    quota = InvoiceCreationQuota(MemoryRateLimiter(), per_minute=0)
    issuing = IssueInvoice(uow, SequentialIds(), FixedClock(), Issuer("Acme", "1 St", "BE1"), quota)
    return await issuing.execute(IssueInvoiceCommand("e1", *OCT, correlation_id="c", actor=ACCOUNTANT))


def crediting(uow: FakeUnitOfWorkFactory) -> IssueCreditNote:
    return IssueCreditNote(uow, SequentialIds(), FixedClock())


def credit(invoice: Invoice, amount: str | None, reason: str = "wrong rate") -> IssueCreditNoteCommand:
    return IssueCreditNoteCommand(invoice.id, reason, D(amount) if amount else None, "c", ACCOUNTANT)


async def test_credit_notes_have_their_own_series_and_a_full_one_credits_the_rest(
    uow: FakeUnitOfWorkFactory,
) -> None:
    invoice = await issue(uow)  # 8 h x 50 = 400 + 10 % = 440
    part = await crediting(uow).execute(credit(invoice, "100.00"))
    assert (part.number, part.total, part.full) == ("CN-2026-000001", D("110.00"), False)
    assert uow.store.invoices[invoice.id].payment_status is PaymentStatus.UNPAID
    rest = await crediting(uow).execute(credit(invoice, None))
    assert (rest.number, rest.total, rest.full) == ("CN-2026-000002", D("330.00"), True)
    after = uow.store.invoices[invoice.id]
    assert (after.payment_status, after.amount_credited, after.balance_due) == (
        PaymentStatus.CREDITED,
        D("440.00"),
        D(0),
    )
    assert [type(m) for m in uow.store.outbox][-2:] == [RenderCreditNote, RenderCreditNote]


async def test_a_full_credit_note_releases_the_entries_and_the_period(uow: FakeUnitOfWorkFactory) -> None:
    invoice = await issue(uow)
    with pytest.raises(InvoiceOverlap):
        await issue(uow)
    await crediting(uow).execute(credit(invoice, None))
    assert not uow.store.billed
    again = await issue(uow)
    assert again.number == "INV-2026-000002"


async def test_crediting_needs_a_reason_a_writer_and_no_more_than_is_left(uow: FakeUnitOfWorkFactory) -> None:
    invoice = await issue(uow)
    with pytest.raises(InvalidInput) as e:
        await crediting(uow).execute(credit(invoice, None, reason=" "))
    assert e.value.field == "reason"
    with pytest.raises(Forbidden):
        await crediting(uow).execute(replace(credit(invoice, None), actor=VIEWER))
    with pytest.raises(InvalidInput) as e:
        await crediting(uow).execute(credit(invoice, "400.01"))
    assert e.value.field == "amount"
    assert not uow.store.credit_notes


async def test_a_credit_note_is_rendered_then_emailed_once(uow: FakeUnitOfWorkFactory) -> None:
    note = await crediting(uow).execute(credit(await issue(uow), "40.00"))
    docs, mailer = MemoryDocuments(), RecordingMailer()
    render = RenderCreditNotePdf(uow, RecordingCreditNoteRenderer(), docs, SequentialIds(), FixedClock())
    deliver = DeliverCreditNotePdf(uow, docs, AfterIssueWriter(), mailer)
    assert await render.execute(CreditNoteCommand(note.id)) == "done"
    assert await render.execute(CreditNoteCommand(note.id)) == "already_done"
    assert list(docs.objects) == ["credit-notes/2026/CN-2026-000001.pdf"]
    assert isinstance(uow.store.outbox[-1], DeliverCreditNote)
    assert await deliver.execute(CreditNoteCommand(note.id)) == "done"
    assert await deliver.execute(CreditNoteCommand(note.id)) == "already_done"
    assert [m.to for m in mailer.sent] == ["e1@example.com"]
    assert uow.store.credit_notes[note.id].status is InvoiceStatus.SENT


async def test_payments_move_the_invoice_to_partially_paid_then_paid(uow: FakeUnitOfWorkFactory) -> None:
    invoice = await issue(uow)
    payments = Payments(uow, SequentialIds(), FixedClock())

    def pay(amount: str) -> RecordPaymentCommand:
        return RecordPaymentCommand(invoice.id, D(amount), date(2026, 12, 1), "transfer", None, ACCOUNTANT)

    first = await payments.record(pay("40.00"))
    assert uow.store.invoices[invoice.id].payment_status is PaymentStatus.PARTIALLY_PAID
    with pytest.raises(InvalidInput) as e:
        await payments.record(pay("400.01"))
    assert e.value.field == "amount"
    await payments.record(pay("400.00"))
    paid = uow.store.invoices[invoice.id]
    assert (paid.payment_status, paid.balance_due, len(paid.payments)) == (PaymentStatus.PAID, D(0), 2)
    await payments.delete(DeletePaymentCommand(invoice.id, first.id, ACCOUNTANT))
    assert uow.store.invoices[invoice.id].payment_status is PaymentStatus.PARTIALLY_PAID
    for bad in ("0", "-1", "0.001"):
        with pytest.raises(InvalidInput):
            await payments.record(pay(bad))


async def remind(
    uow: FakeUnitOfWorkFactory, docs: MemoryDocuments, mailer: RecordingMailer, day: date
) -> None:
    """The emailer's part: plan the day's reminders, then handle each message fanned out (a
    refused one is given up, a transient failure retries the message: it is raised here)."""
    before = len(uow.store.outbox)
    await PlanReminders(uow, SequentialIds(), FixedClock()).execute(day, "c")
    send = SendReminder(uow, docs, AfterIssueWriter(), mailer)
    for m in uow.store.outbox[before:]:
        if isinstance(m, DeliverReminder):
            with contextlib.suppress(PermanentFailure):
                await send.execute(m.invoice_id, m.level, m.as_of)


async def test_reminders_go_once_per_level_and_never_once_paid(uow: FakeUnitOfWorkFactory) -> None:
    invoice = await issue(uow)
    uow.store.invoices[invoice.id] = replace(invoice, pdf_key="invoices/x.pdf", status=InvoiceStatus.SENT)
    docs, mailer = MemoryDocuments(), RecordingMailer()
    docs.objects["invoices/x.pdf"] = b"%PDF"
    due = invoice.due_date
    await remind(uow, docs, mailer, date.fromordinal(due.toordinal() + 6))
    assert mailer.sent == []
    await remind(uow, docs, mailer, date.fromordinal(due.toordinal() + 21))
    await remind(uow, docs, mailer, date.fromordinal(due.toordinal() + 21))
    assert [m.subject.split(":")[0] for m in mailer.sent] == ["Reminder 7", "Reminder 21"]
    await Payments(uow, SequentialIds(), FixedClock()).record(
        RecordPaymentCommand(invoice.id, D("440.00"), date(2026, 12, 1), None, None, ACCOUNTANT)
    )
    await remind(uow, docs, mailer, date.fromordinal(due.toordinal() + 60))
    assert len(mailer.sent) == 2


async def test_a_refused_reminder_is_retried_and_then_sent_once(uow: FakeUnitOfWorkFactory) -> None:
    invoice = await issue(uow)
    uow.store.invoices[invoice.id] = replace(invoice, pdf_key="k", status=InvoiceStatus.SENT)
    docs = MemoryDocuments()
    docs.objects["k"] = b"%PDF"
    day = date.fromordinal(invoice.due_date.toordinal() + 7)
    down = RecordingMailer(fail_with=TransientFailure("server down"))
    with pytest.raises(TransientFailure):
        await remind(uow, docs, down, day)
    up = RecordingMailer()
    await remind(uow, docs, up, day)
    await remind(uow, docs, up, day)
    assert len(up.sent) == 1


async def test_only_a_failed_credit_note_is_retried_and_asks_for_its_rendering_again(
    uow: FakeUnitOfWorkFactory,
) -> None:
    note = await crediting(uow).execute(credit(await issue(uow), "40.00"))
    retry = RetryCreditNote(uow, SequentialIds(), FixedClock())
    with pytest.raises(Conflict):
        await retry.execute(RetryCreditNoteCommand(note.id, "c", ACCOUNTANT))
    assert await FailCreditNote(uow).execute(note.id, "the mail server refused it")
    again = await retry.execute(RetryCreditNoteCommand(note.id, "c2", ACCOUNTANT))
    assert (again.status, again.failure_reason) == (InvoiceStatus.PENDING, None)
    assert isinstance(uow.store.outbox[-1], RenderCreditNote)


async def test_an_invoice_whose_pdf_is_missing_does_not_hold_back_the_other_reminders(
    uow: FakeUnitOfWorkFactory,
) -> None:
    uow.store.employees["e2"] = replace(uow.store.employees["e1"], id="e2", email="e2@example.com")
    uow.store.workdays["e2"] = {date(2026, 10, 1): Workday(date(2026, 10, 1), D("8"))}
    lost = await issue(uow)
    quota = InvoiceCreationQuota(MemoryRateLimiter(), per_minute=0)
    kept = await IssueInvoice(uow, SequentialIds(), FixedClock(), Issuer("A", "B", "C"), quota).execute(
        IssueInvoiceCommand("e2", *OCT, correlation_id="c", actor=ACCOUNTANT)
    )
    uow.store.invoices[lost.id] = replace(lost, pdf_key="gone", status=InvoiceStatus.SENT)
    uow.store.invoices[kept.id] = replace(kept, pdf_key="here", status=InvoiceStatus.SENT)
    docs, mailer = MemoryDocuments(), RecordingMailer()
    docs.objects["here"] = b"%PDF"
    await remind(uow, docs, mailer, date.fromordinal(kept.due_date.toordinal() + 7))
    assert [m.to for m in mailer.sent] == ["e2@example.com"]
