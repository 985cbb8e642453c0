"""A credit note through the document pipeline: rendered and filed (pdf-worker), emailed to
whoever got its invoice (emailer), given up on. The steps and their rules are the pipeline's
(``document_pipeline``), on the credit note's own life cycle and delivery log."""

from __future__ import annotations

from dataclasses import dataclass

from billflow.domain.model import CreditNote
from billflow.domain.ports.documents import CreditNoteRenderer, DocumentStore
from billflow.domain.ports.mail import AfterIssueEmailWriter, Mailer
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory
from billflow.domain.usecases.document_kinds import CREDIT_NOTES
from billflow.domain.usecases.document_pipeline import (
    DEFAULT_LEASE_SECONDS,
    DeliverDocument,
    DocumentCommand,
    EInvoicing,
    FailDocument,
    Outcome,
    RenderDocument,
)


@dataclass(frozen=True, slots=True)
class CreditNoteCommand:
    credit_note_id: str
    correlation_id: str = ""


def message_id_for(note: CreditNote) -> str:
    return CREDIT_NOTES.message_id(note)


class RenderCreditNotePdf:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        renderer: CreditNoteRenderer,
        documents: DocumentStore,
        ids: IdGenerator,
        clock: Clock,
        einvoicing: EInvoicing | None = None,
    ) -> None:
        self._step: RenderDocument[CreditNote] = RenderDocument(
            CREDIT_NOTES, uow, renderer.render_credit_note, documents, ids, clock, einvoicing
        )

    async def execute(self, cmd: CreditNoteCommand) -> Outcome:
        return await self._step.execute(DocumentCommand(cmd.credit_note_id, cmd.correlation_id))


class DeliverCreditNotePdf:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        documents: DocumentStore,
        writer: AfterIssueEmailWriter,
        mailer: Mailer,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
    ) -> None:
        self._step: DeliverDocument[CreditNote] = DeliverDocument(
            CREDIT_NOTES, uow, documents, writer.credit_note, mailer, lease_seconds
        )

    async def execute(self, cmd: CreditNoteCommand) -> Outcome:
        return await self._step.execute(DocumentCommand(cmd.credit_note_id, cmd.correlation_id))


class FailCreditNote:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._step: FailDocument[CreditNote] = FailDocument(CREDIT_NOTES, uow)

    async def execute(self, credit_note_id: str, reason: str) -> bool:
        return await self._step.execute(credit_note_id, reason)
