"""Billflow's document reader: the adapters of the ``DocumentReader`` port.

``TesseractDocumentReader`` reads PDFs from their text layer (pypdfium2) and everything else with
Tesseract; ``TextractDocumentReader`` asks AWS Textract AnalyzeExpense. ``bootstrap`` is the
composition (``python -m billflow.extractor``): it picks one by ``BILLFLOW_DOCUMENT_READER``, and
the worker kit runs ``routes.ROUTES`` on every message of the expense queue.
"""

from billflow.extractor.limits import ReadingLimits
from billflow.extractor.reader import TesseractDocumentReader
from billflow.extractor.sniff import sniff_media_type
from billflow.extractor.tesseract import TesseractOcr
from billflow.extractor.textract import TextractDocumentReader, parse_analyze_expense

__all__ = [
    "ReadingLimits",
    "TesseractDocumentReader",
    "TesseractOcr",
    "TextractDocumentReader",
    "parse_analyze_expense",
    "sniff_media_type",
]
