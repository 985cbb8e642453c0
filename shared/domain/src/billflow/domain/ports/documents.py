"""Documents: storing them, rendering invoices and credit notes into them, their e-invoices."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar

from billflow.domain.errors import DomainError
from billflow.domain.model import CreditNote, EInvoiceKeys, Invoice, InvoiceStatus

D_co = TypeVar("D_co", bound=Invoice | CreditNote, covariant=True)


class DocumentStore(Protocol):
    """Object storage for documents. Raises TransientFailure for outages, NotFound for a missing key."""

    async def put(self, key: str, body: bytes, content_type: str) -> None:
        """Store ``body`` under ``key``; idempotent (the same key and bytes may be put twice)."""
        ...

    async def get(self, key: str) -> bytes: ...

    async def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key`` (without reading it)."""
        ...

    async def download_url(
        self, key: str, filename: str, expires_in_seconds: int, content_type: str = "application/pdf"
    ) -> str:
        """A pre-signed URL that serves the object as an attachment named ``filename``."""
        ...


@dataclass(frozen=True, slots=True)
class UploadForm:
    """A browser form that puts one file straight into storage: POST ``fields`` and the file
    (last, as ``file``) to ``url`` as multipart/form-data."""

    url: str
    fields: Mapping[str, str]


class UploadSigner(Protocol):
    async def upload_form(
        self,
        key: str,
        content_type: str,
        max_bytes: int,
        expires_in_seconds: int,
        success_redirect: str | None = None,
    ) -> UploadForm:
        """A pre-signed form for exactly ``key``, accepted only with this ``Content-Type`` and a
        body of 1..``max_bytes`` bytes, until it expires; with ``success_redirect``, a browser
        that submitted it is sent there. Signing is local: no request is made."""
        ...


class PdfRenderer(Protocol):
    async def render(self, invoice: Invoice) -> bytes:
        """The invoice as a PDF document. Raises TransientFailure when the engine fails."""
        ...


class CreditNoteRenderer(Protocol):
    async def render_credit_note(self, note: CreditNote) -> bytes:
        """The credit note as a PDF: it says "Credit note", names the invoice it corrects and
        its date, and the reason. Raises TransientFailure when the engine fails."""
        ...


@dataclass(frozen=True, slots=True)
class EInvoiceFiles:
    """A document's two e-invoices: the CII (Factur-X's ``factur-x.xml``) and the UBL file;
    ``peppol`` says the UBL is Peppol BIS Billing 3.0 (the buyer is a Peppol participant)."""

    cii: bytes
    ubl: bytes
    peppol: bool


class EInvoiceRejected(DomainError):
    """What Billflow generated breaks the rules (XML Schema or EN 16931): the document must not
    be sent. ``rule_ids`` names every fatal finding (``BR-CO-09``, ``XSD``, ...)."""

    def __init__(self, rule_ids: tuple[str, ...], detail: str | None = None) -> None:
        super().__init__(detail or f"the e-invoice breaks rules {', '.join(rule_ids)}")
        self.rule_ids = rule_ids


class EInvoiceWriter(Protocol):
    def write(self, document: Invoice | CreditNote) -> EInvoiceFiles:
        """Both e-invoices of a client invoice or credit note, built and checked against the rules.

        Synchronous and CPU-bound (a few ms): no I/O. Deterministic for one document. Raises
        EInvoiceRejected with the rule ids when a file fails its checks, and ValueError for a
        document that is not an e-invoice (an employee invoice or its credit notes)."""
        ...


class FacturXBinder(Protocol):
    def bind(self, pdf: bytes, cii: bytes, document: Invoice | CreditNote) -> bytes:
        """``pdf`` made a Factur-X file: PDF/A-3b (XMP identification, sRGB output intent,
        document id) with ``cii`` embedded as ``factur-x.xml``, its associated file. Pure CPU
        work: no I/O. Raises PermanentFailure when the PDF cannot be made one."""
        ...


class DocumentRecords(Protocol[D_co]):
    """What the document pipeline needs of one kind's repository (invoices', credit notes')."""

    async def get(self, document_id: str, /) -> D_co | None: ...
    async def reopen(self, document_id: str, /) -> bool:
        """``RETRY`` (``failed -> pending``); False, changing nothing, from any other status."""
        ...

    async def transition(
        self,
        document_id: str,
        target: InvoiceStatus,
        /,
        *,
        pdf_key: str | None = None,
        failure_reason: str | None = None,
        einvoice: EInvoiceKeys | None = None,
    ) -> bool:
        """Guarded status change by the kind's life cycle; False, changing nothing, when the
        document is in no status allowed to reach ``target``."""
        ...
