"""Reading one page image, twice when the first reading is unsure.

The first pass prepares the page the way most uploads need (:data:`preparation.FIRST`) and OCRs
it. When that reading is poor (a total, date or currency unread or unsure, a failed cross-check,
or Tesseract itself unsure of its words) the page gets Tesseract's orientation detection, and is
read again turned upright, or, when it was upright, with the second preparation (binarised,
larger). The reading the checks like best is kept. Costs per page (docs/decisions/0050): one
OCR for a good page; two OCRs and one orientation pass for a poor one.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from PIL import Image

from billflow.domain.expenses import DocumentText, Word, read_fields
from billflow.domain.expenses.expense import REVIEW_FIELDS, REVIEW_THRESHOLD
from billflow.domain.expenses.lines import lines_from_words
from billflow.extractor.preparation import FIRST, SECOND, Recipe, prepare
from billflow.extractor.tesseract import OcrPage, TesseractOcr

GOOD_OCR_CONFIDENCE = 75.0
"""Tesseract's mean word confidence above which a page with sound fields is not read again."""
SECOND_MARGIN = 0.5
"""How much better the second reading must score to be kept: the rules' confidences jitter a
little between two readings of the same page, and a binarised page reads less surely."""


@dataclass(frozen=True, slots=True)
class PageReading:
    words: list[Word]
    score: float
    passes: int
    recipe: str


def score(ocr: OcrPage) -> float:
    """How much the field rules trust a reading: the confidences of the fields that decide
    review (twice), the others once, half a point off per failed cross-check, and Tesseract's
    own mean confidence (up to three points: a reading Tesseract is surer of is usually right)."""
    if not ocr.words:
        return 0.0
    text = "\n".join(line.text for line in lines_from_words(ocr.words))
    fields = read_fields(DocumentText(text, tuple(ocr.words), source="ocr"))
    weights = {name: (2.0 if name in REVIEW_FIELDS else 1.0) for name in fields.confidences()}
    total = sum(weights[n] * c for n, c in fields.confidences().items())
    return total - 0.5 * len(fields.failed_checks) + 3 * ocr.confidence / 100


def sure(ocr: OcrPage) -> bool:
    if not ocr.words or ocr.confidence < GOOD_OCR_CONFIDENCE:
        return False
    text = "\n".join(line.text for line in lines_from_words(ocr.words))
    fields = read_fields(DocumentText(text, tuple(ocr.words), source="ocr"))
    unsure = set(fields.unsure(REVIEW_THRESHOLD)) & set(REVIEW_FIELDS)
    return not unsure and not fields.failed_checks


class PageReader:
    """One page image in, its words out; see the module docstring for when it reads twice."""

    def __init__(self, ocr: TesseractOcr, *, max_pixels: int, second_pass: bool = True) -> None:
        self._ocr = ocr
        self._max_pixels = max_pixels
        self._second_pass = second_pass

    async def read(self, image: Image.Image, page: int = 0) -> PageReading:
        prepared = await self._prepare(image, FIRST)
        first = await self._ocr.page(prepared, page=page)
        if not self._second_pass or await asyncio.to_thread(sure, first):
            return PageReading(first.words, 0.0, 1, FIRST.name)
        turn = await self._ocr.orientation(prepared)
        if turn:
            # OSD says how far to turn clockwise; PIL turns counter-clockwise.
            upright = image.rotate(-turn, expand=True, fillcolor=_white(image))
            second = await self._ocr.page(await self._prepare(upright, FIRST), page=page)
            recipe = f"{FIRST.name}+turned{turn}"
        else:
            second = await self._ocr.page(await self._prepare(image, SECOND), page=page)
            recipe = SECOND.name
        a, b = await asyncio.gather(asyncio.to_thread(score, first), asyncio.to_thread(score, second))
        if b > a + SECOND_MARGIN:
            return PageReading(second.words, b, 2, recipe)
        return PageReading(first.words, a, 2, FIRST.name)

    async def _prepare(self, image: Image.Image, recipe: Recipe) -> Image.Image:
        return await asyncio.to_thread(prepare, image, max_pixels=self._max_pixels, recipe=recipe)


def _white(image: Image.Image) -> int | tuple[int, ...]:
    bands = len(image.getbands())
    return 255 if bands == 1 else (255,) * bands
