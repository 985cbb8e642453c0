"""The document pipeline, once for every kind of document (invoices, credit notes): rendered and
filed (pdf-worker), emailed (emailer), given up on, retried. ``document_kinds`` says what differs.

Business rules:
- Only a ``pending`` document is rendered and only a ``rendered`` one is sent; any other status
  means the work is done (a redelivered command) and the step is a no-op.
- The PDF is filed under a key derived from the number, so a second render overwrites the same
  object; ``pending -> rendered`` and the delivery command commit together; the browser runs
  outside any transaction.
- A client's document is an e-invoice: its CII and UBL are generated and validated first; a
  document that breaks the rules (EInvoiceRejected) is given up on with the rule ids, and
  nothing is filed or sent. Otherwise the UBL and the CII are filed beside the PDF (same key
  stem, ``.ubl.xml`` and ``.cii.xml``), then the PDF, which is a Factur-X file carrying the CII,
  and the keys are recorded with ``rendered``.
- The email goes to whoever the document was billed to, with the PDF attached (and the UBL, for
  a Peppol participant), exactly once (``exactly_once``); ``rendered -> sent`` commits with the
  record of the server's acceptance.
- Giving up makes it ``failed`` with a reason of at most 500 characters (from ``pending`` or
  ``rendered`` only). Only a user who may write billing data retries, only a ``failed``
  document, and its render command commits with ``failed -> pending``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import ClassVar, Generic

from billflow.domain import access
from billflow.domain.access import Action
from billflow.domain.errors import Conflict, NotFound, PermanentFailure
from billflow.domain.model import CreditNote, EInvoiceKeys, Invoice, InvoiceStatus, User
from billflow.domain.ports.documents import (
    DocumentStore,
    EInvoiceFiles,
    EInvoiceRejected,
    EInvoiceWriter,
    FacturXBinder,
)
from billflow.domain.ports.mail import Attachment, Mailer, OutgoingEmail
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from billflow.domain.usecases.audit_trail import record_change, summary
from billflow.domain.usecases.document_kinds import D, DocumentKind, Envelope
from billflow.domain.usecases.exactly_once import Sent, send_exactly_once

MAX_REASON = 500
DEFAULT_LEASE_SECONDS = 90.0


class Outcome(StrEnum):
    DONE = "done"
    ALREADY_DONE = "already_done"


@dataclass(frozen=True, slots=True)
class DocumentCommand:
    document_id: str
    correlation_id: str = ""
    pdf_key: str | None = None
    """Where the delivery command says the PDF is (the document's own record wins)."""


@dataclass(frozen=True, slots=True)
class EInvoicing:
    """The two halves of an e-invoice: the XML (generated and validated) and the Factur-X PDF."""

    writer: EInvoiceWriter
    binder: FacturXBinder


def einvoice_keys(pdf_key: str, *, peppol: bool) -> EInvoiceKeys:
    stem = pdf_key.removesuffix(".pdf")
    return EInvoiceKeys(cii=f"{stem}.cii.xml", ubl=f"{stem}.ubl.xml", peppol=peppol)


class EInvoiceRefused(PermanentFailure):
    """The document's e-invoice breaks the rules: retrying the message cannot help, so the worker
    gives up at once and the document is ``failed`` with the rule ids (fix the data, then retry)."""

    def __init__(self, number: str, rule_ids: tuple[str, ...]) -> None:
        super().__init__(f"{number}: the e-invoice breaks the rules {', '.join(rule_ids)}")
        self.rule_ids = rule_ids


def _write(writer: EInvoiceWriter, document: Invoice | CreditNote) -> EInvoiceFiles:
    try:
        return writer.write(document)
    except EInvoiceRejected as e:
        raise EInvoiceRefused(document.number, e.rule_ids) from e


async def _load(kind: DocumentKind[D], uow: UnitOfWorkFactory, document_id: str) -> D:
    async with uow(read_only=True) as u:
        document = await kind.records(u).get(document_id)
    if document is None:
        raise NotFound(f"{kind.name} {document_id} does not exist")
    return document


class RenderDocument(Generic[D]):
    def __init__(
        self,
        kind: DocumentKind[D],
        uow: UnitOfWorkFactory,
        render: Callable[[D], Awaitable[bytes]],
        documents: DocumentStore,
        ids: IdGenerator,
        clock: Clock,
        einvoicing: EInvoicing | None,
    ) -> None:
        """``einvoicing`` None: a pipeline that makes no e-invoices (plain PDFs for every kind)."""
        self._kind = kind
        self._uow = uow
        self._render = render
        self._documents = documents
        self._ids = ids
        self._clock = clock
        self._einvoicing = einvoicing

    async def execute(self, cmd: DocumentCommand) -> Outcome:
        kind = self._kind
        document = await _load(kind, self._uow, cmd.document_id)
        if document.status is not InvoiceStatus.PENDING:
            return Outcome.ALREADY_DONE
        einvoicing = self._einvoicing if kind.is_einvoice(document) else None
        # First, so that a document breaking the rules leaves nothing behind.
        files = _write(einvoicing.writer, document) if einvoicing is not None else None
        pdf = await self._render(document)
        key = kind.pdf_key(document)
        keys = None
        if einvoicing is not None and files is not None:
            pdf = einvoicing.binder.bind(pdf, files.cii, document)
            keys = einvoice_keys(key, peppol=files.peppol)
            await self._documents.put(keys.ubl, files.ubl, "application/xml")
            await self._documents.put(keys.cii, files.cii, "application/xml")
        await self._documents.put(key, pdf, "application/pdf")
        async with self._uow() as uow:
            moved = await kind.records(uow).transition(
                document.id, InvoiceStatus.RENDERED, pdf_key=key, einvoice=keys
            )
            if not moved:
                return Outcome.ALREADY_DONE
            envelope = Envelope(self._ids.new_id(), self._clock.now(), cmd.correlation_id)
            await uow.outbox.add(kind.deliver_command(envelope, document.id, key))
            await uow.commit()
        return Outcome.DONE


class DeliverDocument(Generic[D]):
    def __init__(
        self,
        kind: DocumentKind[D],
        uow: UnitOfWorkFactory,
        documents: DocumentStore,
        write: Callable[[D, bytes], OutgoingEmail],
        mailer: Mailer,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
    ) -> None:
        self._kind = kind
        self._uow = uow
        self._documents = documents
        self._write = write
        self._mailer = mailer
        self._lease = lease_seconds

    async def execute(self, cmd: DocumentCommand) -> Outcome:
        kind = self._kind
        document = await _load(kind, self._uow, cmd.document_id)
        pdf_key = document.pdf_key or cmd.pdf_key
        if document.status is not InvoiceStatus.RENDERED or pdf_key is None:
            return Outcome.ALREADY_DONE
        email = self._write(document, await self._documents.get(pdf_key))
        if document.einvoice is not None and document.einvoice.peppol:
            ubl = await self._documents.get(document.einvoice.ubl)
            attachment = Attachment(f"{document.number}.xml", "application/xml", ubl)
            email = replace(email, attachments=(*email.attachments, attachment))

        async def sent(u: UnitOfWork) -> None:
            await kind.records(u).transition(document.id, InvoiceStatus.SENT)

        result = await send_exactly_once(
            self._uow,
            lambda u: kind.delivery(u, document.id),
            kind.message_id(document),
            email,
            self._mailer,
            self._lease,
            on_accepted=sent,
        )
        return Outcome.DONE if result is Sent.SENT else Outcome.ALREADY_DONE


class FailDocument(Generic[D]):
    def __init__(self, kind: DocumentKind[D], uow: UnitOfWorkFactory) -> None:
        self._kind = kind
        self._uow = uow

    async def execute(self, document_id: str, reason: str) -> bool:
        """True when the document moved to ``failed``; False when it was already past failing."""
        async with self._uow() as uow:
            moved = await self._kind.records(uow).transition(
                document_id, InvoiceStatus.FAILED, failure_reason=reason[:MAX_REASON]
            )
            await uow.commit()
        return moved


class RetryDocument(Generic[D]):
    ACTION: ClassVar[Action] = Action.WRITE_BILLING

    def __init__(self, kind: DocumentKind[D], uow: UnitOfWorkFactory, ids: IdGenerator, clock: Clock) -> None:
        self._kind = kind
        self._uow = uow
        self._ids = ids
        self._clock = clock

    async def execute(self, document_id: str, correlation_id: str, actor: User) -> D:
        access.require(actor, self.ACTION)
        kind = self._kind
        async with self._uow() as uow:
            records = kind.records(uow)
            document = await records.get(document_id)
            if document is None:
                raise NotFound(f"no such {kind.name}")
            if not await records.reopen(document.id):
                raise Conflict(
                    f"{kind.name} {document.number} is {document.status}, only a failed one can be retried"
                )
            envelope = Envelope(self._ids.new_id(), self._clock.now(), correlation_id)
            await uow.outbox.add(kind.render_command(envelope, document.id))
            reopened = await records.get(document.id)
            await record_change(
                uow.audit,
                actor,
                kind.name.replace(" ", "_"),
                document.id,
                "retry",
                summary(document, ("status", "failure_reason")),
                summary(reopened, ("status", "failure_reason")),
            )
            await uow.commit()
        assert reopened is not None
        return reopened
