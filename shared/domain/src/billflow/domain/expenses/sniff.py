"""The kind of an upload, told by its first bytes, never by its name or declared type."""

from __future__ import annotations

from billflow.domain.errors import UnsupportedDocument

_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def sniff_media_type(content: bytes) -> str:
    """``application/pdf``, ``image/png`` or ``image/jpeg``; anything else is ``UnsupportedDocument``.

    PDF readers tolerate a little leading whitespace (or a byte-order mark) before ``%PDF-``;
    so does this.
    """
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n\x00")
    for magic, media_type in _MAGIC:
        if content.startswith(magic) or (media_type == "application/pdf" and head.startswith(magic)):
            return media_type
    raise UnsupportedDocument("the file is not a PDF, PNG or JPEG document")
