"""Accuracy floors over the shared corpus, measured exactly as bench/extraction_accuracy.py does.

The floors sit below today's figures (docs/extraction.md) by about one document in twelve, so a
single regression on one layout fails the build while OCR jitter between Tesseract builds does not.
"""

from __future__ import annotations

import shutil

import pytest

from bench.extraction_accuracy import corpus_dir, measure

CORPUS = corpus_dir()
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(CORPUS is None, reason="invoice corpus not found: set BILLFLOW_CORPUS_DIR"),
]

FLOORS = {
    "text-layer": {"total": 0.9, "date": 0.9, "currency": 0.9, "number": 0.9, "vendor": 0.8},
    "clean": {"total": 0.9, "date": 0.9, "currency": 0.9, "number": 0.8, "vendor": 0.6},
}


async def test_text_layer_reading_meets_its_floor() -> None:
    assert CORPUS is not None
    tally = (await measure(CORPUS, ["text-layer"]))["text-layer"]
    below = {k: tally.ratio(k) for k, floor in FLOORS["text-layer"].items() if tally.ratio(k) < floor}
    assert not below, f"below the floor: {below}; misses: {tally.misses}"


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
async def test_ocr_of_clean_renders_meets_its_floor() -> None:
    assert CORPUS is not None
    tally = (await measure(CORPUS, ["clean"]))["clean"]
    below = {k: tally.ratio(k) for k, floor in FLOORS["clean"].items() if tally.ratio(k) < floor}
    assert not below, f"below the floor: {below}; misses: {tally.misses}"
