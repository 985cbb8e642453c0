"""The port through which the expense use cases get text out of an uploaded document."""

from __future__ import annotations

from typing import Protocol

from billflow.domain.expenses.model import DocumentText

ACCEPTED_MEDIA_TYPES = ("application/pdf", "image/png", "image/jpeg")


class DocumentReader(Protocol):
    async def read(self, content: bytes, media_type: str) -> DocumentText:
        """The text of ``content`` (one of :data:`ACCEPTED_MEDIA_TYPES`), with word boxes when known.

        Contract: idempotent and free of side effects (the same bytes give the same text). Raises
        ``UnsupportedDocument`` when the bytes are not of an accepted kind (decided by content, not
        by ``media_type`` alone), ``DocumentTooLarge`` beyond the reader's byte, pixel or page
        limits (a reader may instead read only the first pages and say so in ``truncated``),
        ``UnreadableDocument`` for damaged content, and ``TransientFailure`` when the engine
        itself failed (a timeout, a throttled cloud API): retrying may help.
        """
        ...
