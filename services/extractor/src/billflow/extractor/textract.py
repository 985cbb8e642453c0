"""AWS Textract AnalyzeExpense as a ``DocumentReader``, and the parsing of its response.

AnalyzeExpense returns, per expense document, ``SummaryFields`` (``Type.Text`` such as
``VENDOR_NAME``, ``INVOICE_RECEIPT_ID``, ``INVOICE_RECEIPT_DATE``, ``TOTAL``, ``AMOUNT_DUE``, ``TAX``,
with ``LabelDetection``/``ValueDetection`` and confidences in percent, and since 2023 a
``Currency``) and the page's LINE/WORD ``Blocks``. The summary becomes ``DocumentText.fields``; the
blocks become its text and words, so the same rules can fill in or outvote what Textract missed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from billflow.domain.errors import InvalidInput, TransientFailure, UnreadableDocument, UnsupportedDocument
from billflow.domain.expenses import DocumentText, ExtractedFields, Field, Word
from billflow.domain.expenses.amounts import find_amounts
from billflow.domain.expenses.dates import find_dates
from billflow.domain.money import validate_currency
from billflow.extractor.limits import ReadingLimits
from billflow.extractor.sniff import sniff_media_type

_BOX_SCALE = 1000.0
"""Textract boxes are fractions of the page; scaled so that word heights look like points."""
_PERMANENT = {"BadDocumentException", "DocumentTooLargeException", "InvalidParameterException"}
_UNSUPPORTED = {"UnsupportedDocumentException"}


class TextractClient(Protocol):
    """The one call this adapter makes, as aioboto3's ``textract`` client offers it."""

    async def analyze_expense(self, *, Document: Mapping[str, Any]) -> Mapping[str, Any]: ...


class TextractDocumentReader:
    """``DocumentReader`` for AWS: sends the bytes to AnalyzeExpense, parses the answer.

    AnalyzeExpense reads PNG, JPEG and PDF (synchronously, up to 10 MB). Throttling and service
    errors are ``TransientFailure``; documents Textract rejects are ``UnreadableDocument``.
    """

    def __init__(self, client: TextractClient, limits: ReadingLimits | None = None) -> None:
        self._client = client
        self._limits = limits or ReadingLimits()

    async def read(self, content: bytes, media_type: str) -> DocumentText:
        sniff_media_type(content)
        if len(content) > self._limits.max_bytes:
            raise UnreadableDocument(f"the file is over {self._limits.max_bytes} bytes")
        try:
            response = await self._client.analyze_expense(Document={"Bytes": content})
        except Exception as e:
            code = _error_code(e)
            if code in _UNSUPPORTED:
                raise UnsupportedDocument("Textract does not support this document") from e
            if code in _PERMANENT:
                raise UnreadableDocument(f"Textract could not read the document ({code})") from e
            raise TransientFailure(f"Textract failed ({code or type(e).__name__})") from e
        return parse_analyze_expense(response)


def parse_analyze_expense(response: Mapping[str, Any]) -> DocumentText:
    """An AnalyzeExpense response as text, words and the fields Textract read itself."""
    documents: Sequence[Mapping[str, Any]] = response.get("ExpenseDocuments") or []
    if not documents:
        raise UnreadableDocument("Textract found no expense document")
    document = documents[0]
    words, lines = _blocks(document.get("Blocks") or [])
    summary = _summary(document.get("SummaryFields") or [])
    pages = int((response.get("DocumentMetadata") or {}).get("Pages") or 1)
    return DocumentText("\n".join(lines), tuple(words), pages=pages, source="textract", fields=summary)


def _summary(fields: Sequence[Mapping[str, Any]]) -> ExtractedFields:
    best: dict[str, tuple[str, float, Mapping[str, Any]]] = {}
    for field in fields:
        kind = (field.get("Type") or {}).get("Text", "")
        value = (field.get("ValueDetection") or {}).get("Text", "").strip()
        if not value:
            continue
        confidence = (field.get("ValueDetection") or {}).get("Confidence", 0.0) / 100
        confidence *= (field.get("Type") or {}).get("Confidence", 100.0) / 100
        if kind not in best or confidence > best[kind][1]:
            best[kind] = (value, confidence, field)
    total = best.get("TOTAL") or best.get("AMOUNT_DUE")
    vendor = best.get("VENDOR_NAME") or best.get("NAME")
    amount = _amount(total)
    currency = _currency(total, amount)
    return ExtractedFields(
        vendor=Field(" ".join(vendor[0].split()), round(vendor[1], 2)) if vendor else Field(),
        invoice_number=_text(best.get("INVOICE_RECEIPT_ID")),
        invoice_date=_date(best.get("INVOICE_RECEIPT_DATE"), month_first=currency.value == "USD"),
        currency=currency,
        tax=_amount(best.get("TAX")),
        total=amount,
    )


def _text(found: tuple[str, float, Mapping[str, Any]] | None) -> Field[str]:
    if found is None:
        return Field()
    value = found[0].lstrip("#: ").strip()
    return Field(value, round(found[1], 2)) if value else Field()


def _amount(found: tuple[str, float, Mapping[str, Any]] | None) -> Field[Decimal]:
    if found is None:
        return Field()
    amounts = find_amounts(found[0])
    return Field(amounts[-1].value, round(found[1], 2)) if amounts else Field()


def _currency(found: tuple[str, float, Mapping[str, Any]] | None, amount: Field[Decimal]) -> Field[str]:
    if found is None:
        return Field()
    declared = found[2].get("Currency") or {}
    code = declared.get("Code")
    if code:
        try:
            return Field(
                validate_currency(str(code).upper()), round(declared.get("Confidence", 50.0) / 100, 2)
            )
        except InvalidInput:
            pass  # an unknown code: fall back to the symbol printed with the total
    printed = find_amounts(found[0])
    if printed and printed[-1].currency and amount.found:
        return Field(printed[-1].currency, round(0.8 * found[1], 2))
    return Field()


def _date(found: tuple[str, float, Mapping[str, Any]] | None, *, month_first: bool) -> Field[date]:
    if found is None:
        return Field()
    dates = find_dates(found[0], hint="MDY" if month_first else "DMY")
    if not dates:
        return Field()
    return Field(dates[0].value, round(found[1] * (1.0 if dates[0].certain else 0.7), 2))


def _blocks(blocks: Sequence[Mapping[str, Any]]) -> tuple[list[Word], list[str]]:
    words: list[Word] = []
    lines: list[str] = []
    for block in blocks:
        kind = block.get("BlockType")
        if kind == "LINE" and block.get("Text"):
            lines.append(block["Text"])
        elif kind == "WORD" and block.get("Text"):
            box = (block.get("Geometry") or {}).get("BoundingBox") or {}
            left, top = box.get("Left", 0.0) * _BOX_SCALE, box.get("Top", 0.0) * _BOX_SCALE
            right = left + box.get("Width", 0.0) * _BOX_SCALE
            bottom = top + box.get("Height", 0.0) * _BOX_SCALE
            words.append(Word(block["Text"], left, top, right, bottom, int(block.get("Page", 1)) - 1))
    return words, lines


def _error_code(error: Exception) -> str | None:
    """The AWS error code of a botocore ``ClientError`` (read from its parsed response, not its text)."""
    response = getattr(error, "response", None)
    if isinstance(response, Mapping):
        code = (response.get("Error") or {}).get("Code")
        return str(code) if code else None
    return None
