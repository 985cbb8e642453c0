"""Crediting an issued invoice, in full or in part, and reading its credit notes.

Business rules:
- Only a user whose role may write billing data credits an invoice (Forbidden otherwise); the
  reason is required (1 to 1000 characters).
- The amounts follow ``crediting``: without an amount the rest of the invoice, with one (net) that
  much split over its tax rates; more than is left to credit is an InvalidInput on ``amount``.
- The credit note's number comes from its own gapless series per year, allocated in the same
  transaction; the invoice's row is locked meanwhile, so two credit notes (or a credit note and a
  payment) on one invoice are serialised and never credit more than it has.
- The invoice's ``amount_credited`` and ``payment_status`` change in the same transaction.
- A full credit note releases the time entries the invoice billed (they may be edited and billed
  again) and, for an employee invoice, lets the same period be invoiced again.
- The RenderCreditNote command is recorded in the same transaction (the outbox).
- Reading follows the invoice's visibility: whoever may not see the invoice gets NotFound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import ClassVar

from billflow.domain import access, crediting
from billflow.domain.access import Action
from billflow.domain.contracts import RenderCreditNote
from billflow.domain.errors import Conflict, InvalidInput, NotFound, NotReady
from billflow.domain.model import CreditNote, Invoice, InvoiceStatus, User, derive_payment_status
from billflow.domain.numbering import DEFAULT_CREDIT_NOTE_NUMBERS, NumberFormat
from billflow.domain.ports.documents import DocumentStore
from billflow.domain.ports.pagination import Page, PageRequest
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory
from billflow.domain.usecases.audit_trail import CREDIT_NOTE_FIELDS, MONEY_FIELDS, record_change, summary
from billflow.domain.usecases.document_kinds import CREDIT_NOTES
from billflow.domain.usecases.document_pipeline import RetryDocument
from billflow.domain.usecases.invoice_queries import DOWNLOAD_LINK_SECONDS, DownloadLink, InvoiceQueries

MAX_REASON = 1000


@dataclass(frozen=True, slots=True)
class IssueCreditNoteCommand:
    invoice_id: str
    reason: str
    amount: Decimal | None
    correlation_id: str
    actor: User


class IssueCreditNote:
    ACTION: ClassVar[Action] = Action.WRITE_BILLING

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        ids: IdGenerator,
        clock: Clock,
        numbers: NumberFormat = DEFAULT_CREDIT_NOTE_NUMBERS,
    ) -> None:
        self._uow = uow
        self._ids = ids
        self._clock = clock
        self._numbers = numbers

    async def execute(self, cmd: IssueCreditNoteCommand) -> CreditNote:
        access.require(cmd.actor, self.ACTION)
        reason = cmd.reason.strip()
        if not 1 <= len(reason) <= MAX_REASON:
            raise InvalidInput(f"reason must be 1 to {MAX_REASON} characters", field="reason")
        async with self._uow() as uow:
            invoice = await uow.invoices.get_for_update(cmd.invoice_id)
            if invoice is None:
                raise NotFound("no such invoice")
            earlier = await uow.credit_notes.of_invoice(invoice.id)
            amounts = crediting.credit(invoice, earlier, cmd.amount)
            now = self._clock.now()
            number = self._numbers.format(now.year, await uow.credit_notes.next_number(now.year))
            note = _note(self._ids.new_id(), number, invoice, reason, amounts, now.date())
            await uow.credit_notes.add(note)
            credited = invoice.amount_credited + note.total
            status = derive_payment_status(invoice.total, credited, invoice.amount_paid)
            if not await uow.invoices.settle(invoice.id, status, invoice.amount_paid, credited):
                raise Conflict(f"invoice {invoice.number} is {invoice.payment_status}")
            if note.full:
                await uow.invoices.release_entries(invoice.id)
            await uow.outbox.add(
                RenderCreditNote(
                    message_id=self._ids.new_id(),
                    occurred_at=now,
                    correlation_id=cmd.correlation_id,
                    credit_note_id=note.id,
                )
            )
            await record_change(
                uow.audit, cmd.actor, "credit_note", note.id, "issue", None, summary(note, CREDIT_NOTE_FIELDS)
            )
            await record_change(
                uow.audit,
                cmd.actor,
                "invoice",
                invoice.id,
                "credit",
                summary(invoice, MONEY_FIELDS),
                {**summary(invoice, MONEY_FIELDS), "payment_status": status, "amount_credited": credited},
            )
            await uow.commit()
        return note


def _note(
    note_id: str, number: str, invoice: Invoice, reason: str, amounts: crediting.Credit, day: date
) -> CreditNote:
    return CreditNote(
        id=note_id,
        number=number,
        status=InvoiceStatus.PENDING,
        invoice_id=invoice.id,
        invoice_number=invoice.number,
        invoice_issue_date=invoice.issue_date,
        invoice_kind=invoice.kind,
        reason=reason,
        issue_date=day,
        currency=invoice.currency,
        subtotal=amounts.subtotal,
        taxes=amounts.taxes,
        tax=amounts.tax,
        total=amounts.total,
        full=amounts.full,
        issuer=invoice.issuer,
        billed_to=invoice.billed_to,
    )


@dataclass(frozen=True, slots=True)
class RetryCreditNoteCommand:
    credit_note_id: str
    correlation_id: str
    actor: User


class RetryCreditNote:
    """A failed credit note goes round again (``failed -> pending``, and a new render command in
    the same transaction), exactly as an invoice does: the document pipeline's retry step."""

    ACTION: ClassVar[Action] = RetryDocument.ACTION

    def __init__(self, uow: UnitOfWorkFactory, ids: IdGenerator, clock: Clock) -> None:
        self._step: RetryDocument[CreditNote] = RetryDocument(CREDIT_NOTES, uow, ids, clock)

    async def execute(self, cmd: RetryCreditNoteCommand) -> CreditNote:
        return await self._step.execute(cmd.credit_note_id, cmd.correlation_id, cmd.actor)


class CreditNoteQueries:
    def __init__(self, uow: UnitOfWorkFactory, documents: DocumentStore, clock: Clock) -> None:
        self._uow = uow
        self._documents = documents
        self._clock = clock
        self._invoices = InvoiceQueries(uow, documents, clock)

    async def get(self, credit_note_id: str, *, actor: User) -> CreditNote:
        async with self._uow(read_only=True) as uow:
            note = await uow.credit_notes.get(credit_note_id)
        if note is None:
            raise NotFound("no such credit note")
        try:
            await self._invoices.get(note.invoice_id, actor=actor)
        except NotFound:
            raise NotFound("no such credit note") from None
        return note

    async def of_invoice(self, invoice_id: str, *, actor: User) -> Sequence[CreditNote]:
        """The invoice's credit notes, oldest first (NotFound when the invoice is not visible)."""
        await self._invoices.get(invoice_id, actor=actor)
        async with self._uow(read_only=True) as uow:
            return await uow.credit_notes.of_invoice(invoice_id)

    async def page_of_invoice(self, invoice_id: str, page: PageRequest, *, actor: User) -> Page[CreditNote]:
        """A page of ``of_invoice``."""
        await self._invoices.get(invoice_id, actor=actor)
        async with self._uow(read_only=True) as uow:
            return await uow.credit_notes.page_of_invoice(invoice_id, page)

    async def download_link(self, credit_note_id: str, *, actor: User) -> DownloadLink:
        note = await self.get(credit_note_id, actor=actor)
        if note.pdf_key is None:
            raise NotReady(f"credit note {note.number} has not been rendered yet")
        expires_at = self._clock.now() + timedelta(seconds=DOWNLOAD_LINK_SECONDS)
        url = await self._documents.download_url(note.pdf_key, f"{note.number}.pdf", DOWNLOAD_LINK_SECONDS)
        return DownloadLink(url=url, expires_at=expires_at)
