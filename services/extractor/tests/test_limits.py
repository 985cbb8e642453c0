from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from PIL import Image

from billflow.domain.errors import DocumentTooLarge, UnreadableDocument, UnsupportedDocument
from billflow.extractor import ReadingLimits, TesseractDocumentReader, TesseractOcr, sniff_media_type
from billflow.extractor.images import open_image

pytestmark = pytest.mark.unit


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (width, height), 255).save(buffer, format="PNG")
    return buffer.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a size in its header, with a little data: a decompression bomb's shape."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = zlib.compress(b"\0" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def test_the_kind_is_told_by_the_first_bytes() -> None:
    assert sniff_media_type(_png(4, 4)) == "image/png"
    assert sniff_media_type(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert sniff_media_type(b"%PDF-1.7\n...") == "application/pdf"
    assert sniff_media_type(b"\xef\xbb\xbf\n%PDF-1.4\n...") == "application/pdf"


def test_a_text_file_or_a_zip_is_refused_whatever_its_name() -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("invoice.pdf", b"\0" * 10_000_000)
    for content in (b"just some text, named invoice.png", archive.getvalue()):
        with pytest.raises(UnsupportedDocument):
            sniff_media_type(content)


def test_a_20000_by_20000_image_is_refused_before_it_is_decoded() -> None:
    with pytest.raises(DocumentTooLarge):
        open_image(_png_header_only(20_000, 20_000), ReadingLimits())


def test_a_truncated_png_is_unreadable() -> None:
    content = _png(300, 300)
    with pytest.raises(UnreadableDocument):
        open_image(content[: len(content) // 2], ReadingLimits())


async def test_the_reader_refuses_oversize_and_empty_uploads_before_any_work() -> None:
    reader = TesseractDocumentReader(TesseractOcr(binary="/nonexistent"), ReadingLimits(max_bytes=1000))
    with pytest.raises(DocumentTooLarge):
        await reader.read(b"%PDF-" + b"\0" * 2000, "application/pdf")
    with pytest.raises(UnreadableDocument):
        await reader.read(b"", "image/png")


async def test_a_damaged_pdf_is_unreadable() -> None:
    reader = TesseractDocumentReader(TesseractOcr(binary="/nonexistent"))
    with pytest.raises(UnreadableDocument):
        await reader.read(b"%PDF-1.4\nthis is not really a pdf", "application/pdf")
