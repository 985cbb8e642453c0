"""PDF pages through pypdfium2: the text layer with its positions, or a rendering for OCR."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from billflow.domain.errors import UnreadableDocument
from billflow.domain.expenses import Word
from billflow.extractor.limits import ReadingLimits

_PDFIUM = threading.Lock()
"""PDFium keeps process-wide state and is not thread-safe: every use in this process takes this."""

MIN_TEXT_CHARS = 20
"""A page with fewer characters in its text layer is treated as a scan and OCR'd."""


@dataclass(frozen=True, slots=True)
class PdfPage:
    words: list[Word]
    image: Image.Image | None
    """The page rendered for OCR when it has no usable text layer."""


@dataclass(frozen=True, slots=True)
class PdfContent:
    pages: list[PdfPage]
    page_count: int


def read_pdf(content: bytes, limits: ReadingLimits, *, force_render: bool = False) -> PdfContent:
    """The first ``limits.max_pages`` pages: their text runs with boxes, or a rendering to OCR.

    Synchronous; safe to call from several threads (they take turns on PDFium).
    """
    with _PDFIUM:
        return _read(content, limits, force_render)


def render_pages(content: bytes, limits: ReadingLimits) -> list[Image.Image]:
    """Every page (up to ``limits.max_pages``) rendered at ``limits.dpi``."""
    return [page.image for page in read_pdf(content, limits, force_render=True).pages if page.image]


def _read(content: bytes, limits: ReadingLimits, force_render: bool) -> PdfContent:
    try:
        document = pdfium.PdfDocument(content)
    except pdfium.PdfiumError as e:
        raise UnreadableDocument("the PDF is damaged or encrypted") from e
    try:
        count = len(document)
        if count == 0:
            raise UnreadableDocument("the PDF has no pages")
        pages = [_page(document[i], i, limits, force_render) for i in range(min(count, limits.max_pages))]
        return PdfContent(pages, count)
    finally:
        document.close()


def _page(page: pdfium.PdfPage, index: int, limits: ReadingLimits, force_render: bool) -> PdfPage:
    words = [] if force_render else _text_runs(page, index)
    if sum(len(w.text) for w in words) >= MIN_TEXT_CHARS:
        return PdfPage(words, None)
    return PdfPage([], render(page, limits))


def render(page: pdfium.PdfPage, limits: ReadingLimits) -> Image.Image:
    """The page at ``limits.dpi``, lowered as needed to stay within ``limits.max_pixels``."""
    width, height = page.get_size()
    scale = limits.dpi / 72
    if width * height * scale * scale > limits.max_pixels:
        scale = (limits.max_pixels / (width * height)) ** 0.5
    image = page.render(scale=scale, grayscale=True).to_pil()
    assert isinstance(image, Image.Image)
    return image


def _text_runs(page: pdfium.PdfPage, index: int) -> list[Word]:
    """Words and their boxes, ``top`` measured down from the top of the page.

    Built from characters, because PDF producers place text anywhere from one glyph per
    operation to whole lines: a word ends at a space, a jump to another line, or a gap wider
    than most of the character height (PDFium puts spaces between words itself).
    """
    height = page.get_height()
    textpage = page.get_textpage()
    words: list[Word] = []
    chars: list[str] = []
    box = [0.0, 0.0, 0.0, 0.0]

    def flush() -> None:
        if chars:
            words.append(Word("".join(chars), box[0], height - box[3], box[2], height - box[1], index))
            chars.clear()

    try:
        for i in range(textpage.count_chars()):
            char = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i) or 32)
            if char.isspace() or not char.isprintable():
                flush()
                continue
            left, bottom, right, top = textpage.get_charbox(i)
            size = max(top - bottom, box[3] - box[1] if chars else 0.0, 1.0)
            centre = (top + bottom) / 2
            apart = left - box[2] > 0.8 * size or left < box[0] - size
            if chars and (apart or not box[1] - size / 2 < centre < box[3] + size / 2):
                flush()
            if chars:
                box = [min(box[0], left), min(box[1], bottom), max(box[2], right), max(box[3], top)]
            else:
                box = [left, bottom, right, top]
            chars.append(char)
        flush()
        return words
    finally:
        textpage.close()
