from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from billflow.domain.errors import TransientFailure, UnreadableDocument, UnsupportedDocument
from billflow.domain.expenses import read_fields
from billflow.extractor import TextractDocumentReader, parse_analyze_expense

pytestmark = pytest.mark.unit

RESPONSE = json.loads((Path(__file__).parent / "fixtures" / "analyze_expense_response.json").read_text())
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def test_summary_fields_become_the_readers_own_fields_with_their_confidence() -> None:
    document = parse_analyze_expense(RESPONSE)
    assert document.fields is not None
    fields = document.fields
    assert fields.vendor.value == "Coolblue B.V."
    assert fields.invoice_number.value == "993548900"
    assert fields.invoice_date.value == date(2014, 4, 19)
    assert (fields.total.value, fields.tax.value, fields.currency.value) == (
        Decimal("717.97"),
        Decimal("124.61"),
        "EUR",
    )
    assert fields.total.confidence == pytest.approx(0.98, abs=0.01)
    assert document.source == "textract"


def test_blocks_become_text_and_words_that_the_rules_can_read_too() -> None:
    document = parse_analyze_expense(RESPONSE)
    assert "Totaal € 717,97" in document.text.splitlines()
    assert len(document.words) == 7
    assert read_fields(document).total.value == Decimal("717.97")


def test_a_response_without_expense_documents_is_unreadable() -> None:
    with pytest.raises(UnreadableDocument):
        parse_analyze_expense({"DocumentMetadata": {"Pages": 1}, "ExpenseDocuments": []})


class ClientError(Exception):
    """Shaped like botocore's: the parsed error sits in ``response``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.response = {"Error": {"Code": code, "Message": "..."}}


class FakeTextract:
    def __init__(self, answer: Mapping[str, Any] | Exception) -> None:
        self.answer = answer
        self.calls: list[Mapping[str, Any]] = []

    async def analyze_expense(self, *, Document: Mapping[str, Any]) -> Mapping[str, Any]:
        self.calls.append(Document)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


async def test_the_reader_sends_the_bytes_and_parses_the_answer() -> None:
    client = FakeTextract(RESPONSE)
    document = await TextractDocumentReader(client).read(PNG, "image/png")
    assert client.calls == [{"Bytes": PNG}]
    assert document.fields is not None
    assert document.fields.vendor.value == "Coolblue B.V."


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("UnsupportedDocumentException", UnsupportedDocument),
        ("BadDocumentException", UnreadableDocument),
        ("ThrottlingException", TransientFailure),
        ("InternalServerError", TransientFailure),
    ],
)
async def test_textract_errors_become_domain_errors_by_their_code(code: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        await TextractDocumentReader(FakeTextract(ClientError(code))).read(PNG, "image/png")


async def test_content_that_is_no_document_never_reaches_textract() -> None:
    client = FakeTextract(RESPONSE)
    with pytest.raises(UnsupportedDocument):
        await TextractDocumentReader(client).read(b"hello, I am text", "image/png")
    assert client.calls == []
