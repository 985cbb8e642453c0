"""Reading one page image, twice when the first reading is unsure, within a bounded cost.

The first pass prepares the page the way most uploads need (:data:`preparation.FIRST`) and OCRs
it. A page whose text runs up or down (a cheap ink profile, :mod:`orientation`) gets Tesseract's
orientation detection *before* that pass, so it is read turned upright the first time. When the
reading is poor (a total, date or currency unread or unsure, a failed cross-check, or Tesseract
itself unsure of its words) the page is read once more: turned, when its confidence is so low
the page is likely upside down and orientation detection says so; otherwise with the second
preparation (binarised, larger). The reading the checks like best is kept.

A page never costs more than two OCR passes and one orientation pass, and the second OCR pass
only runs within the page's wall-clock budget (see :class:`PageReader`). Costs and the figures
behind each threshold: docs/decisions/0050 and docs/extraction.md ("Time per page").
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TypeVar

from PIL import Image

from billflow.domain.errors import TransientFailure
from billflow.domain.expenses import DocumentText, Word, read_fields
from billflow.domain.expenses.expense import REVIEW_FIELDS, REVIEW_THRESHOLD
from billflow.domain.expenses.lines import lines_from_words
from billflow.extractor.orientation import looks_sideways
from billflow.extractor.preparation import FIRST, SECOND, Cleaned, Recipe, clean, finish
from billflow.extractor.tesseract import OcrPage, TesseractOcr

T = TypeVar("T")

GOOD_OCR_CONFIDENCE = 75.0
"""Tesseract's mean word confidence above which a page with sound fields is not read again."""
SECOND_MARGIN = 0.5
"""How much better the second reading must score to be kept: the rules' confidences jitter a
little between two readings of the same page, and a binarised page reads less surely."""
UPSIDE_DOWN_CONFIDENCE = 55.0
"""Below this mean word confidence an unsure reading may be of an upside-down page, and only then
is orientation detection asked (measured: upside-down pages 34-41, upright damaged ones 66-93)."""
PAGE_BUDGET_S = 60.0
"""Wall seconds a page may take before its second OCR pass is skipped or cut short (the first
reading is kept). Generous on purpose: under load a pass takes several times its unloaded
1.3-2.9 s, and a tighter budget (20 s was tried) dropped the second reading of upside-down pages
on a machine at load 18, trading accuracy for a wall time the load, not the page, decides."""
MIN_SECOND_PASS_S = 2.0
"""A second pass is not started with less than this left of the budget."""


@dataclass(frozen=True, slots=True)
class PageReading:
    words: list[Word]
    score: float
    passes: int
    recipe: str
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall time per step (each preparation step, OSD, each OCR pass, scoring): measurements only."""


@dataclass(frozen=True, slots=True)
class Judgement:
    score: float
    """How much the field rules trust a reading: the confidences of the fields that decide review
    (twice), the others once, half a point off per failed cross-check, and Tesseract's own mean
    confidence (up to three points: a reading Tesseract is surer of is usually right)."""
    sure: bool
    """Tesseract's confidence is good, the review fields are sure and no cross-check failed."""


def judge(ocr: OcrPage) -> Judgement:
    """The score and sureness of a reading, from one run of the field rules."""
    if not ocr.words:
        return Judgement(0.0, False)
    text = "\n".join(line.text for line in lines_from_words(ocr.words))
    fields = read_fields(DocumentText(text, tuple(ocr.words), source="ocr"))
    weights = {name: (2.0 if name in REVIEW_FIELDS else 1.0) for name in fields.confidences()}
    total = sum(weights[n] * c for n, c in fields.confidences().items())
    value = total - 0.5 * len(fields.failed_checks) + 3 * ocr.confidence / 100
    unsure = set(fields.unsure(REVIEW_THRESHOLD)) & set(REVIEW_FIELDS)
    good = ocr.confidence >= GOOD_OCR_CONFIDENCE and not unsure and not fields.failed_checks
    return Judgement(value, good)


class PageReader:
    """One page image in, its words out; see the module docstring for when it reads twice.

    ``budget_s`` bounds a page's wall time: the second preparation and OCR pass start only with
    at least ``MIN_SECOND_PASS_S`` of it left, and the pass is stopped when the budget runs out
    (given ``MIN_SECOND_PASS_S`` at least); the first reading is kept.
    """

    def __init__(
        self,
        ocr: TesseractOcr,
        *,
        max_pixels: int,
        second_pass: bool = True,
        budget_s: float = PAGE_BUDGET_S,
    ) -> None:
        self._ocr = ocr
        self._max_pixels = max_pixels
        self._second_pass = second_pass
        self._budget_s = budget_s

    async def read(self, image: Image.Image, page: int = 0) -> PageReading:
        started = time.perf_counter()
        seconds: dict[str, float] = {}
        cleaned = await asyncio.to_thread(clean, image, FIRST, seconds)
        prepared = await self._finish(cleaned, FIRST, seconds)
        name = FIRST.name
        asked_orientation = False
        if self._second_pass and await _timed(
            seconds, "sideways", asyncio.to_thread(looks_sideways, prepared)
        ):
            asked_orientation = True
            turn = await _timed(seconds, "osd", self._ocr.orientation(prepared))
            if turn:
                image = _turned(image, turn)
                cleaned = await asyncio.to_thread(clean, image, FIRST, seconds)
                prepared = await self._finish(cleaned, FIRST, seconds)
                name = f"{FIRST.name}+turned{turn}"
        first = await _timed(seconds, "ocr.first", self._ocr.page(prepared, page=page))
        a = await _timed(seconds, "judge", asyncio.to_thread(judge, first))
        if not self._second_pass or a.sure:
            return PageReading(first.words, a.score, 1, name, seconds)
        turn = 0
        if not asked_orientation and first.confidence < UPSIDE_DOWN_CONFIDENCE:
            turn = await _timed(seconds, "osd", self._ocr.orientation(prepared))
        if self._budget_s - (time.perf_counter() - started) < MIN_SECOND_PASS_S:
            seconds["over budget"] = time.perf_counter() - started
            return PageReading(first.words, a.score, 1, name, seconds)
        if turn:
            turned = await asyncio.to_thread(clean, _turned(image, turn), FIRST, seconds)
            again = await self._finish(turned, FIRST, seconds)
            recipe = f"{FIRST.name}+turned{turn}"
        else:
            # The same page flattened and denoised alike: only the second half differs.
            same = (SECOND.flatten, SECOND.denoise) == (FIRST.flatten, FIRST.denoise)
            base = cleaned if same else await asyncio.to_thread(clean, image, SECOND, seconds)
            again = await self._finish(base, SECOND, seconds)
            recipe = f"{name}+{SECOND.name}" if name != FIRST.name else SECOND.name
        left = max(self._budget_s - (time.perf_counter() - started), MIN_SECOND_PASS_S)
        try:
            second = await _timed(seconds, "ocr.second", self._ocr.page(again, page=page, timeout_s=left))
        except TransientFailure:
            seconds["over budget"] = self._budget_s
            return PageReading(first.words, a.score, 2, name, seconds)
        b = await _timed(seconds, "judge", asyncio.to_thread(judge, second))
        if b.score > a.score + SECOND_MARGIN:
            return PageReading(second.words, b.score, 2, recipe, seconds)
        return PageReading(first.words, a.score, 2, name, seconds)

    async def _finish(self, cleaned: Cleaned, recipe: Recipe, seconds: dict[str, float]) -> Image.Image:
        return await asyncio.to_thread(
            finish, cleaned, max_pixels=self._max_pixels, recipe=recipe, seconds=seconds
        )


def _turned(image: Image.Image, turn: int) -> Image.Image:
    # OSD says how far to turn clockwise; PIL turns counter-clockwise.
    return image.rotate(-turn, expand=True, fillcolor=_white(image))


async def _timed(seconds: dict[str, float], step: str, work: Awaitable[T]) -> T:
    started = time.perf_counter()
    try:
        return await work
    finally:
        seconds[step] = seconds.get(step, 0.0) + time.perf_counter() - started


def _white(image: Image.Image) -> int | tuple[int, ...]:
    bands = len(image.getbands())
    return 255 if bands == 1 else (255,) * bands
