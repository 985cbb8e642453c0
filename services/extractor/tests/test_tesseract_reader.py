"""The local reader against the real pypdfium2 and the real Tesseract binary, on corpus files."""

from __future__ import annotations

import io
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from bench.extraction_accuracy import corpus_dir
from billflow.domain.errors import TransientFailure
from billflow.domain.expenses import read_fields
from billflow.extractor import ReadingLimits, TesseractDocumentReader, TesseractOcr
from billflow.extractor.pdf import render
from billflow.extractor.tesseract import parse_tsv

CORPUS = corpus_dir()
needs_corpus = pytest.mark.skipif(
    CORPUS is None, reason="invoice corpus not found: set BILLFLOW_CORPUS_DIR or provide ../shared/corpus"
)
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")


def _corpus(name: str) -> bytes:
    assert CORPUS is not None
    return (CORPUS / name).read_bytes()


@pytest.mark.unit
def test_tesseract_tsv_rows_of_level_5_become_words() -> None:
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "1\t1\t0\t0\t0\t0\t0\t0\t1654\t2339\t-1\t\n"
        "5\t1\t1\t1\t1\t1\t100\t200\t80\t20\t96.1\tTotal\n"
        "5\t1\t1\t1\t1\t2\t190\t201\t60\t20\t95.0\t$4.11\n"
    )
    words = parse_tsv(tsv, page=2)
    assert [(w.text, w.left, w.bottom, w.page) for w in words] == [
        ("Total", 100, 220, 2),
        ("$4.11", 190, 221, 2),
    ]


@pytest.mark.integration
@needs_corpus
async def test_a_pdf_with_a_text_layer_is_read_without_ocr() -> None:
    reader = TesseractDocumentReader(TesseractOcr(binary="/nonexistent"))  # OCR would fail loudly
    document = await reader.read(_corpus("AzureInterior.pdf"), "application/pdf")
    fields = read_fields(document)
    assert document.source == "text-layer"
    assert (fields.total.value, fields.tax.value, fields.currency.value) == (
        Decimal("279.84"),
        Decimal("16.94"),
        "USD",
    )
    assert fields.invoice_date.value == date(2023, 3, 20)


@pytest.mark.integration
@needs_corpus
@needs_tesseract
async def test_a_png_invoice_is_read_by_tesseract() -> None:
    document = await TesseractDocumentReader(TesseractOcr()).read(
        _corpus("AmazonWebServices.png"), "image/png"
    )
    fields = read_fields(document)
    assert document.source == "ocr"
    assert fields.total.value == Decimal("4.11")
    assert fields.invoice_date.value == date(2014, 8, 3)
    assert fields.invoice_number.value == "42183017"


@pytest.mark.integration
@needs_corpus
@needs_tesseract
async def test_a_scanned_pdf_without_text_falls_back_to_ocr() -> None:
    document = pdfium.PdfDocument(_corpus("NetpresseInvoice.pdf"))
    image = render(document[0], ReadingLimits(dpi=150)).convert("RGB")
    document.close()
    scanned = io.BytesIO()
    image.save(scanned, format="PDF", resolution=150)  # a PDF holding only a picture of the page
    read = await TesseractDocumentReader(TesseractOcr()).read(scanned.getvalue(), "application/pdf")
    fields = read_fields(read)
    assert read.source == "ocr"
    assert (fields.total.value, fields.currency.value) == (Decimal("56.02"), "EUR")


@pytest.mark.integration
@needs_tesseract
async def test_ocr_that_overruns_its_time_is_a_transient_failure() -> None:
    ocr = TesseractOcr(timeout_s=0.001)
    with pytest.raises(TransientFailure):
        await ocr.words(Image.new("L", (2000, 2000), 255))


@pytest.mark.integration
async def test_a_missing_tesseract_binary_is_a_transient_failure(tmp_path: Path) -> None:
    with pytest.raises(TransientFailure):
        await TesseractOcr(binary=str(tmp_path / "tesseract")).words(Image.new("L", (10, 10), 255))
