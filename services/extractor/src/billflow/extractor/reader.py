"""The local document reader: PDF text layers through pypdfium2, everything else through Tesseract."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace

from PIL import Image

from billflow.domain.errors import DocumentTooLarge, UnreadableDocument
from billflow.domain.expenses import DocumentText, Word
from billflow.domain.expenses.lines import lines_from_words
from billflow.extractor.images import open_image
from billflow.extractor.limits import ReadingLimits
from billflow.extractor.page_reader import PageReader, PageReading
from billflow.extractor.pdf import read_pdf
from billflow.extractor.sniff import sniff_media_type
from billflow.extractor.tesseract import TesseractOcr


class TesseractDocumentReader:
    """``DocumentReader`` for local and container use.

    A PDF page with a text layer is read from it (exact, and a hundred times faster than OCR);
    a page without one is rendered at ``limits.dpi`` and OCR'd (:class:`PageReader`: prepared,
    read twice when unsure), as are PNG, JPEG, WebP and HEIC uploads. Only
    the first ``limits.max_pages`` pages are read (``truncated`` says so). PDF work runs in a
    thread (one at a time: PDFium is not thread-safe); OCR runs in a subprocess.
    """

    def __init__(
        self,
        ocr: TesseractOcr,
        limits: ReadingLimits | None = None,
        *,
        ocr_only: bool = False,
        second_pass: bool = True,
        on_page: Callable[[PageReading], object] | None = None,
    ) -> None:
        self._limits = limits or ReadingLimits()
        self._pages = PageReader(ocr, max_pixels=self._limits.max_pixels, second_pass=second_pass)
        self._ocr_only = ocr_only
        self._on_page = on_page
        """Measurements only (the benchmark's per-page breakdown): told of every page OCR'd."""

    async def read(self, content: bytes, media_type: str) -> DocumentText:
        if len(content) > self._limits.max_bytes:
            raise DocumentTooLarge(f"the file is over {self._limits.max_bytes} bytes")
        if not content:
            raise UnreadableDocument("the file is empty")
        if sniff_media_type(content) == "application/pdf":
            return await self._read_pdf(content)
        started = time.perf_counter()
        image = await asyncio.to_thread(open_image, content, self._limits)
        words = await self._ocr_page(image, 0, decode=time.perf_counter() - started)
        return _document(words, pages=1, source="ocr")

    async def _read_pdf(self, content: bytes) -> DocumentText:
        pdf = await asyncio.to_thread(read_pdf, content, self._limits, force_render=self._ocr_only)
        words: list[Word] = []
        sources = set()
        for index, page in enumerate(pdf.pages):
            if page.image is None:
                words.extend(page.words)
                sources.add("text-layer")
            else:
                words.extend(await self._ocr_page(page.image, index))
                sources.add("ocr")
        return _document(
            words,
            pages=len(pdf.pages),
            source="+".join(sorted(sources)),
            truncated=pdf.page_count > len(pdf.pages),
        )

    async def _ocr_page(self, image: Image.Image, index: int, *, decode: float = 0.0) -> list[Word]:
        reading = await self._pages.read(image, index)
        if self._on_page is not None:
            self._on_page(replace(reading, seconds={"decode": decode, **reading.seconds}))
        return reading.words


def _document(words: list[Word], *, pages: int, source: str, truncated: bool = False) -> DocumentText:
    if not words:
        raise UnreadableDocument("no text could be read from the document")
    text = "\n".join(line.text for line in lines_from_words(words))
    return DocumentText(text, tuple(words), pages=pages, source=source, truncated=truncated)
