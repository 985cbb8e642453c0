"""The kind of an upload, told by its first bytes, never by its name or declared type."""

from __future__ import annotations

from billflow.domain.errors import UnsupportedDocument

_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
"""ISO base media ``ftyp`` brands of HEIF images with HEVC pictures (what phones write)."""


def sniff_media_type(content: bytes) -> str:
    """``application/pdf``, ``image/png``, ``image/jpeg``, ``image/webp`` or ``image/heic``;
    anything else is ``UnsupportedDocument``.

    PDF readers tolerate a little leading whitespace (or a byte-order mark) before ``%PDF-``;
    so does this. WebP is a RIFF file of form ``WEBP``; HEIC an ISO box file whose ``ftyp`` box
    names a HEIF brand, as its major brand or among the compatible ones (AVIF is not accepted).
    """
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n\x00")
    for magic, media_type in _MAGIC:
        if content.startswith(magic) or (media_type == "application/pdf" and head.startswith(magic)):
            return media_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if _is_heic(content):
        return "image/heic"
    raise UnsupportedDocument("the file is not a PDF, PNG, JPEG, WebP or HEIC document")


def _is_heic(content: bytes) -> bool:
    if content[4:8] != b"ftyp" or content[8:12] in {b"avif", b"avis"}:
        return False
    size = int.from_bytes(content[:4], "big")
    if not 16 <= size <= min(len(content), 256):
        return False
    brands = [content[8:12]] + [content[i : i + 4] for i in range(16, size, 4)]
    return any(brand in _HEIC_BRANDS for brand in brands)
