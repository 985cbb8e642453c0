"""A credit note through the document pipeline: rendered and filed (pdf-worker), emailed (emailer).

Business rules (those of the invoice, on the credit note's own life cycle):
- Only a ``pending`` credit note is rendered and only a ``rendered`` one is sent; anything else is
  a redelivered command and a no-op.
- The PDF is filed under a key derived from the number; ``pending -> rendered`` and the
  DeliverCreditNote command commit together; the browser runs outside any transaction.
- The email goes to whoever the invoice was billed to, with the PDF attached, exactly once
  (``exactly_once``); ``rendered -> sent`` commits with the record of the server's acceptance.
- Giving up makes it ``failed`` with a reason (from ``pending`` or ``rendered`` only).
"""

from __future__ import annotations

from dataclasses import dataclass

from billflow.domain import crediting
from billflow.domain.contracts import DeliverCreditNote
from billflow.domain.errors import NotFound
from billflow.domain.model import CreditNote, InvoiceStatus
from billflow.domain.ports.documents import CreditNoteRenderer, DocumentStore
from billflow.domain.ports.mail import AfterIssueEmailWriter, Mailer
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from billflow.domain.usecases.deliver_invoice import DEFAULT_LEASE_SECONDS
from billflow.domain.usecases.exactly_once import Sent, send_exactly_once
from billflow.domain.usecases.fail_invoice import MAX_REASON
from billflow.domain.usecases.render_invoice import Outcome


@dataclass(frozen=True, slots=True)
class CreditNoteCommand:
    credit_note_id: str
    correlation_id: str = ""


def message_id_for(note: CreditNote) -> str:
    return f"<{note.number}.{note.id}@credit-notes.billflow>"


async def _load(uow: UnitOfWorkFactory, credit_note_id: str) -> CreditNote:
    async with uow(read_only=True) as u:
        note = await u.credit_notes.get(credit_note_id)
    if note is None:
        raise NotFound(f"credit note {credit_note_id} does not exist")
    return note


class RenderCreditNotePdf:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        renderer: CreditNoteRenderer,
        documents: DocumentStore,
        ids: IdGenerator,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._renderer = renderer
        self._documents = documents
        self._ids = ids
        self._clock = clock

    async def execute(self, cmd: CreditNoteCommand) -> Outcome:
        note = await _load(self._uow, cmd.credit_note_id)
        if note.status is not InvoiceStatus.PENDING:
            return Outcome.ALREADY_DONE
        pdf = await self._renderer.render_credit_note(note)
        key = crediting.pdf_key(note.number, note.issue_date)
        await self._documents.put(key, pdf, "application/pdf")
        async with self._uow() as uow:
            if not await uow.credit_notes.transition(note.id, InvoiceStatus.RENDERED, pdf_key=key):
                return Outcome.ALREADY_DONE
            await uow.outbox.add(
                DeliverCreditNote(
                    message_id=self._ids.new_id(),
                    occurred_at=self._clock.now(),
                    correlation_id=cmd.correlation_id,
                    credit_note_id=note.id,
                    pdf_key=key,
                )
            )
            await uow.commit()
        return Outcome.DONE


class DeliverCreditNotePdf:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        documents: DocumentStore,
        writer: AfterIssueEmailWriter,
        mailer: Mailer,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
    ) -> None:
        self._uow = uow
        self._documents = documents
        self._writer = writer
        self._mailer = mailer
        self._lease = lease_seconds

    async def execute(self, cmd: CreditNoteCommand) -> Outcome:
        note = await _load(self._uow, cmd.credit_note_id)
        if note.status is not InvoiceStatus.RENDERED or note.pdf_key is None:
            return Outcome.ALREADY_DONE
        pdf = await self._documents.get(note.pdf_key)

        async def sent(u: UnitOfWork) -> None:
            await u.credit_notes.transition(note.id, InvoiceStatus.SENT)

        result = await send_exactly_once(
            self._uow,
            lambda u: u.credit_note_deliveries.slot(note.id),
            message_id_for(note),
            self._writer.credit_note(note, pdf),
            self._mailer,
            self._lease,
            on_accepted=sent,
        )
        return Outcome.DONE if result is Sent.SENT else Outcome.ALREADY_DONE


class FailCreditNote:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, credit_note_id: str, reason: str) -> bool:
        async with self._uow() as uow:
            moved = await uow.credit_notes.transition(
                credit_note_id, InvoiceStatus.FAILED, failure_reason=reason[:MAX_REASON]
            )
            await uow.commit()
        return moved
