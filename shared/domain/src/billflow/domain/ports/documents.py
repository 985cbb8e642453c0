"""Documents: storing them and rendering invoices into them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from billflow.domain.model import CreditNote, Invoice


class DocumentStore(Protocol):
    """Object storage for documents. Raises TransientFailure for outages, NotFound for a missing key."""

    async def put(self, key: str, body: bytes, content_type: str) -> None:
        """Store ``body`` under ``key``; idempotent (the same key and bytes may be put twice)."""
        ...

    async def get(self, key: str) -> bytes: ...

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
