"""How much work a page costs: the sideways cue, and the bound on passes and wall time.

The bounds are checked by counting calls on a fake engine (a subclass of the real one, through
the same seam production uses), never by timing; one test reads a generated page with the real
Tesseract to show that a clear page costs a single pass.
"""

from __future__ import annotations

import shutil

import pytest
from PIL import Image

from billflow.domain.expenses import Word
from billflow.extractor import TesseractOcr
from billflow.extractor.orientation import looks_sideways
from billflow.extractor.page_reader import UPSIDE_DOWN_CONFIDENCE, PageReader
from billflow.extractor.tesseract import OcrPage
from tests.support.documents import invoice_page

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")


class CountingOcr(TesseractOcr):
    """Every reading unsure (no total, date or currency), at a chosen confidence; calls counted."""

    def __init__(self, *, confidence: float, turn: int = 0) -> None:
        super().__init__(binary="/nonexistent")
        self.confidence = confidence
        self.turn = turn
        self.pages = 0
        self.orientations = 0
        self.timeouts: list[float | None] = []

    async def page(self, image: Image.Image, *, page: int = 0, timeout_s: float | None = None) -> OcrPage:
        self.pages += 1
        self.timeouts.append(timeout_s)
        return OcrPage([Word("hello", 10, 10, 60, 30, page)], self.confidence)

    async def orientation(self, image: Image.Image) -> int:
        self.orientations += 1
        return self.turn


@pytest.mark.unit
@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_only_a_page_turned_a_quarter_looks_sideways(turn: int) -> None:
    assert looks_sideways(invoice_page().rotate(turn, expand=True, fillcolor=255)) == (turn in (90, 270))


@pytest.mark.unit
@pytest.mark.parametrize(
    ("confidence", "turn", "orientations"),
    [(80.0, 0, 0), (UPSIDE_DOWN_CONFIDENCE - 20, 180, 1), (UPSIDE_DOWN_CONFIDENCE - 20, 0, 1)],
)
async def test_an_unsure_upright_page_costs_two_ocr_passes_and_orientation_only_when_barely_legible(
    confidence: float, turn: int, orientations: int
) -> None:
    ocr = CountingOcr(confidence=confidence, turn=turn)
    reading = await PageReader(ocr, max_pixels=40_000_000).read(invoice_page())
    assert (ocr.pages, ocr.orientations, reading.passes) == (2, orientations, 2)


@pytest.mark.unit
async def test_a_sideways_page_is_turned_before_its_first_reading_and_never_asked_twice() -> None:
    ocr = CountingOcr(confidence=UPSIDE_DOWN_CONFIDENCE - 20, turn=90)
    reading = await PageReader(ocr, max_pixels=40_000_000).read(invoice_page().rotate(90, expand=True))
    assert (ocr.pages, ocr.orientations) == (2, 1)
    assert reading.recipe.startswith("first+turned90")


@pytest.mark.unit
async def test_a_page_over_its_budget_keeps_its_first_reading_without_a_second_pass() -> None:
    ocr = CountingOcr(confidence=60.0)
    reading = await PageReader(ocr, max_pixels=40_000_000, budget_s=0.0).read(invoice_page())
    assert (ocr.pages, reading.passes, reading.recipe) == (1, 1, "first")
    assert "over budget" in reading.seconds


@pytest.mark.unit
async def test_the_second_pass_is_given_only_what_is_left_of_the_budget() -> None:
    ocr = CountingOcr(confidence=60.0)
    await PageReader(ocr, max_pixels=40_000_000, budget_s=600.0).read(invoice_page())
    first, second = ocr.timeouts
    assert first is None
    assert second is not None
    assert second <= 600.0


@pytest.mark.integration
@needs_tesseract
async def test_a_clear_page_costs_one_ocr_pass_and_no_orientation_detection() -> None:
    reading = await PageReader(TesseractOcr(), max_pixels=40_000_000).read(invoice_page())
    assert reading.passes == 1
    assert "osd" not in reading.seconds
    assert {"first.grayscale", "first.straighten", "ocr.first"} <= set(reading.seconds)


@pytest.mark.unit
async def test_the_second_preparation_starts_from_the_first_ones_cleanedinvoice_page() -> None:
    ocr = CountingOcr(confidence=60.0)
    reading = await PageReader(ocr, max_pixels=40_000_000).read(invoice_page())
    assert "second.binarise" in reading.seconds
    assert "second.flatten" not in reading.seconds  # flattening and denoising were not paid twice
