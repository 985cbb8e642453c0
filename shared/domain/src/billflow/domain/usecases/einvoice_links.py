"""Handing out download links for a document's e-invoice files (its UBL or its CII).

Business rules:
- Only a client's documents (client invoices and their credit notes) have e-invoices: an employee
  invoice's, or its credit note's, is NotFound, and says so.
- A document not rendered yet has none either: NotFound, saying it has not been rendered yet.
- The link is pre-signed, lives 15 minutes (as the PDF's) and names the file
  ``<number>.ubl.xml`` or ``<number>.cii.xml``; who may read the document decides who gets it,
  before any URL is signed.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from billflow.domain.errors import InvalidInput, NotFound
from billflow.domain.model import CreditNote, EInvoiceKeys, Invoice, InvoiceKind, User
from billflow.domain.ports.documents import DocumentStore
from billflow.domain.ports.system import Clock
from billflow.domain.usecases.credit_notes import CreditNoteQueries
from billflow.domain.usecases.invoice_queries import DOWNLOAD_LINK_SECONDS, DownloadLink, InvoiceQueries


class EInvoiceFormat(StrEnum):
    UBL = "ubl"
    """UBL 2.1 (Peppol BIS Billing 3.0 for a Peppol participant)."""
    CII = "cii"
    """UN/CEFACT CII D16B: the XML embedded in the Factur-X PDF."""


def parse_format(value: str | None) -> EInvoiceFormat:
    try:
        return EInvoiceFormat(value or "")
    except ValueError:
        raise InvalidInput("format must be ubl or cii", field="format") from None


class EInvoiceLinks:
    def __init__(
        self,
        invoices: InvoiceQueries,
        credit_notes: CreditNoteQueries,
        documents: DocumentStore,
        clock: Clock,
    ) -> None:
        self._invoices = invoices
        self._credit_notes = credit_notes
        self._documents = documents
        self._clock = clock

    async def of_invoice(self, invoice_id: str, fmt: EInvoiceFormat, *, actor: User) -> DownloadLink:
        invoice = await self._invoices.get(invoice_id, actor=actor)
        return await self._link(invoice, invoice.kind, fmt)

    async def of_credit_note(self, credit_note_id: str, fmt: EInvoiceFormat, *, actor: User) -> DownloadLink:
        note = await self._credit_notes.get(credit_note_id, actor=actor)
        return await self._link(note, note.invoice_kind, fmt)

    async def _link(
        self, document: Invoice | CreditNote, kind: InvoiceKind, fmt: EInvoiceFormat
    ) -> DownloadLink:
        name = "invoice" if isinstance(document, Invoice) else "credit note"
        if kind is not InvoiceKind.CLIENT:
            raise NotFound(f"{name} {document.number} is an employee's document: it has no e-invoice")
        keys: EInvoiceKeys | None = document.einvoice
        if keys is None:
            raise NotFound(
                f"{name} {document.number} has not been rendered yet: its e-invoice does not exist"
            )
        key = keys.ubl if fmt is EInvoiceFormat.UBL else keys.cii
        expires_at = self._clock.now() + timedelta(seconds=DOWNLOAD_LINK_SECONDS)
        url = await self._documents.download_url(
            key, f"{document.number}.{fmt.value}.xml", DOWNLOAD_LINK_SECONDS, "application/xml"
        )
        return DownloadLink(url=url, expires_at=expires_at)
