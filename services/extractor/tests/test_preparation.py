"""Each step of page preparation on a generated page, and the reader on HEIC, WebP and turned pages.

The page is drawn by tests.support.documents.invoice_page; the damage is made with the
benchmark's own functions, so the tests and the figures in docs/extraction.md agree on what a
speckled or shadowed page is. Real Tesseract and real OpenCV throughout.
"""

from __future__ import annotations

import io
import random
import shutil
from decimal import Decimal

import cv2
import numpy as np
import pillow_heif
import pytest
from PIL import Image

from bench import degradations
from billflow.domain.errors import DocumentTooLarge
from billflow.domain.expenses import read_fields
from billflow.extractor import ReadingLimits, TesseractDocumentReader, TesseractOcr
from billflow.extractor import preparation as prep
from billflow.extractor.tesseract import parse_osd
from tests.support.documents import invoice_page

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")


def _gray(image: Image.Image) -> prep.Gray:
    return np.asarray(image, dtype=np.uint8)


@pytest.mark.unit
def test_speckles_are_seen_and_removed_before_anything_else_while_a_clean_page_is_left_alone() -> None:
    clean = _gray(invoice_page())
    speckled = _gray(degradations.speckle(invoice_page(), random.Random(1)))
    assert not prep.noisy(clean)
    assert prep.noisy(speckled)
    cleaned = prep.denoise(speckled)
    assert prep.isolated_dots(cleaned) < prep.isolated_dots(speckled) / 10


@pytest.mark.unit
def test_a_small_page_is_upscaled_but_never_beyond_the_pixel_limit() -> None:
    small = _gray(degradations.resolution(invoice_page(), 100))
    assert prep.upscale(small, max_pixels=40_000_000).shape[1] == prep.MIN_OCR_WIDTH
    capped = prep.upscale(small, max_pixels=small.size * 2)
    assert capped.size <= small.size * 2
    assert capped.shape[1] > small.shape[1]


@pytest.mark.unit
def test_a_shadow_is_divided_out_so_the_paper_is_white_everywhere() -> None:
    shadowed = _gray(degradations.lighting(invoice_page(), random.Random(3)))
    assert prep.unevenly_lit(shadowed)
    evened = prep.even_lighting(shadowed)
    assert not prep.unevenly_lit(evened)
    assert not prep.unevenly_lit(_gray(invoice_page()))


@pytest.mark.unit
def test_what_denoising_leaves_of_grain_is_whitened_away_while_the_ink_stays_dark() -> None:
    clean = _gray(invoice_page())
    grainy = _gray(degradations.grain(invoice_page(), random.Random(5)))
    assert prep.noisy(grainy)
    assert prep.grainy(cv2.medianBlur(grainy, 3))
    speckled = _gray(degradations.speckle(invoice_page(), random.Random(1)))
    assert not prep.grainy(cv2.medianBlur(speckled, 3))  # the median leaves its paper clean: not whitened
    denoised = prep.denoise(grainy)
    whitened = prep.whiten_paper(denoised)
    paper, ink = clean > 250, clean < 100
    assert float(np.mean(denoised[paper] == 255)) < 0.5  # a grey mottle before
    assert float(np.mean(whitened[paper] == 255)) > 0.95  # white paper after
    assert float(np.mean(whitened[ink] < 128)) > 0.9  # and the strokes kept
    blank = np.full((200, 200), 240, dtype=np.uint8)
    assert np.array_equal(prep.whiten_paper(blank), blank)  # no ink: left alone


@pytest.mark.unit
def test_adaptive_binarisation_leaves_only_black_ink_on_white_paper_even_in_a_shadow() -> None:
    shadowed = _gray(degradations.lighting(invoice_page(), random.Random(3)))
    binary = prep.binarise(shadowed)
    assert set(np.unique(binary)) <= {0, 255}
    assert 0.9 < float(np.mean(binary == 255)) < 0.995  # mostly paper, some ink, no black slab


@pytest.mark.unit
def test_a_tilted_page_is_straightened_to_within_half_a_degree() -> None:
    page = invoice_page()
    for angle in (-4.0, 2.5):
        tilted = _gray(page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255))
        assert prep.skew_angle(tilted) == pytest.approx(-angle, abs=0.5)
        assert abs(prep.skew_angle(prep.straighten(tilted))) < 0.5


@pytest.mark.unit
def test_a_page_photographed_at_an_angle_is_cut_from_the_table_and_squared() -> None:
    page = invoice_page()
    photo = _gray(degradations.perspective(page, random.Random(5)))
    corners = prep.page_corners(photo)
    assert corners is not None
    flat = prep.flatten_perspective(photo)
    height, width = flat.shape
    assert width / height == pytest.approx(page.width / page.height, rel=0.12)
    assert float(np.mean(flat)) > float(np.mean(photo))  # the dark table is gone
    assert prep.page_corners(_gray(page)) is None  # a scan is left as it is


@pytest.mark.unit
def test_tesseract_orientation_reports_are_read_only_when_confident() -> None:
    report = "Page number: 0\nOrientation in degrees: 270\nRotate: 90\nOrientation confidence: 9.1\n"
    assert parse_osd(report) == 90
    assert parse_osd(report.replace("9.1", "0.4")) == 0
    assert parse_osd("") == 0


@pytest.mark.integration
@needs_tesseract
@pytest.mark.parametrize("turn", [90, 180])
async def test_a_page_turned_sideways_or_upside_down_is_read_upright(turn: int) -> None:
    turned = invoice_page().rotate(turn, expand=True)
    out = io.BytesIO()
    turned.save(out, format="PNG")
    fields = read_fields(await TesseractDocumentReader(TesseractOcr()).read(out.getvalue(), "image/png"))
    assert (fields.total.value, fields.currency.value) == (Decimal("1230.00"), "EUR")


@pytest.mark.integration
@needs_tesseract
@pytest.mark.parametrize("kind", ["speckle", "lighting", "perspective", "combined"])
async def test_a_damaged_page_is_read_as_well_as_a_clean_one(kind: str) -> None:
    upload = degradations.damage(invoice_page().resize((1653, 1333)), kind, seed=11)
    fields = read_fields(await TesseractDocumentReader(TesseractOcr()).read(upload, "image/png"))
    assert (fields.total.value, fields.currency.value) == (Decimal("1230.00"), "EUR")


@pytest.mark.integration
@needs_tesseract
@pytest.mark.parametrize("kind", ["HEIF", "WEBP"])
async def test_heic_and_webp_photos_are_read_like_the_others(kind: str) -> None:
    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    invoice_page().convert("RGB").save(out, format=kind, quality=90)
    media_type = "image/heic" if kind == "HEIF" else "image/webp"
    fields = read_fields(await TesseractDocumentReader(TesseractOcr()).read(out.getvalue(), media_type))
    assert (fields.total.value, fields.tax.value, fields.currency.value) == (
        Decimal("1230.00"),
        Decimal("230.00"),
        "EUR",
    )


@pytest.mark.integration
async def test_a_heic_image_over_the_pixel_limit_is_refused_before_it_is_decoded() -> None:
    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(out, format="HEIF")
    reader = TesseractDocumentReader(TesseractOcr(binary="/nonexistent"), ReadingLimits(max_pixels=100_000))
    with pytest.raises(DocumentTooLarge):
        await reader.read(out.getvalue(), "image/heic")
