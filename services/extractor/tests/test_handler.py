"""The extractor's handler: a real reader on a real file, and each failure's fate."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from billflow.domain.contracts import NotifyExpense
from billflow.domain.errors import TransientFailure
from billflow.domain.expenses import DocumentText, Expense, ExpenseStatus
from billflow.domain.expenses.expense import upload_key
from billflow.domain.ports.expenses import DocumentReader
from billflow.domain.usecases.abandoned_uploads import NEVER_UPLOADED, FailAbandonedUploads
from billflow.domain.usecases.extract_expense import ExtractExpenseFields, FailExpense
from billflow.extractor import TesseractDocumentReader, TesseractOcr
from billflow.extractor.routes import ROUTES, UseCases
from billflow.platform.aws.sqs_consumer import Ack, Handler, Received, RetryAfter
from billflow.platform.metrics import Metrics
from domain_fakes import FakeUnitOfWorkFactory, FixedClock, MemoryDocuments, SequentialIds
from tests.support.documents import huge_png, invoice_png

pytestmark = pytest.mark.unit


class FlakyReader:
    async def read(self, content: bytes, media_type: str) -> DocumentText:
        raise TransientFailure("OCR took longer than 60 s")


async def setup(content: bytes, reader: DocumentReader) -> tuple[FakeUnitOfWorkFactory, Handler]:
    uow, docs, ids, clock = FakeUnitOfWorkFactory(), MemoryDocuments(), SequentialIds(), FixedClock()
    at = datetime(2026, 11, 3, tzinfo=UTC)
    uow.store.expenses["x1"] = Expense(
        "x1", "u1", ExpenseStatus.PROCESSING, "expenses/2026/11/x1.png", "image/png", "a.png", at, at
    )
    docs.objects["expenses/2026/11/x1.png"] = content
    extract = ExtractExpenseFields(uow, docs, reader, ids, clock)
    fail = FailExpense(uow, ids, clock)
    return uow, ROUTES.handler(
        UseCases(extract, fail, FailAbandonedUploads(uow, docs, fail, clock)),
        max_receives=3,
        metrics=Metrics("test"),
    )


def message(receive_count: int = 1) -> Received:
    body = (
        b'{"type":"expense.extract.v1","message_id":"m","occurred_at":"2026-11-03T10:00:00Z",'
        b'"correlation_id":"corr","expense_id":"x1"}'
    )
    return Received(body=body, receive_count=receive_count, attributes={}, sqs_message_id="sqs-1")


async def test_a_scanned_invoice_is_read_by_tesseract_and_acknowledged() -> None:
    png = invoice_png(
        vendor="Harbour Consulting Ltd", number="HC-7", issued="14/03/2026", currency="EUR",
        subtotal="100.00", tax="23.00", total="123.00",
    )  # fmt: skip
    uow, handle = await setup(png, TesseractDocumentReader(TesseractOcr()))
    assert isinstance(await handle(message()), Ack)
    expense = uow.store.expenses["x1"]
    assert (expense.status, str(expense.total), expense.currency) == (
        ExpenseStatus.EXTRACTED,
        "123.00",
        "EUR",
    )
    assert [type(m) for m in uow.store.outbox] == [NotifyExpense]


async def test_a_decompression_bomb_fails_the_expense_at_once_with_the_reason() -> None:
    uow, handle = await setup(huge_png(), TesseractDocumentReader(TesseractOcr()))
    assert isinstance(await handle(message()), Ack)
    expense = uow.store.expenses["x1"]
    assert expense.status is ExpenseStatus.FAILED
    assert "too many pixels" in (expense.failure_reason or "")
    assert [type(m) for m in uow.store.outbox] == [NotifyExpense]


async def test_a_slow_reader_is_retried_then_the_expense_fails_on_the_last_receive() -> None:
    uow, handle = await setup(b"\x89PNG\r\n\x1a\n", FlakyReader())
    first = await handle(message(1))
    assert isinstance(first, RetryAfter)
    assert first.seconds >= 1
    assert uow.store.expenses["x1"].status is ExpenseStatus.PROCESSING
    assert await handle(message(3)) == RetryAfter(0)  # released: the DLQ takes it
    expense = uow.store.expenses["x1"]
    assert expense.status is ExpenseStatus.FAILED
    assert "gave up after 3 attempts" in (expense.failure_reason or "")


@pytest.mark.parametrize(
    "body", [b"", b"{", b'{"type":"expense.extract.v1"}', b'{"type":"invoice.render.v1"}']
)
async def test_a_malformed_message_is_released_for_the_dead_letter_queue(body: bytes) -> None:
    _, handle = await setup(b"", FlakyReader())
    assert await handle(Received(body, 1, {}, "sqs-1")) == RetryAfter(0)


async def test_the_hourly_sweep_fails_a_direct_upload_whose_file_never_arrived() -> None:
    uow, handle = await setup(b"", FlakyReader())
    # FixedClock's now is 2026-11-22: an upload recorded on the 3rd is long abandoned.
    at = datetime(2026, 11, 3, tzinfo=UTC)
    key = upload_key("x2", "application/pdf", at)
    uow.store.expenses["x2"] = Expense(
        "x2", "u1", ExpenseStatus.PROCESSING, key, "application/pdf", "b.pdf", at, at
    )
    sweep = Received(b'{"type":"expense.uploads.sweep.v1"}', 1, {}, "sqs-2")
    assert isinstance(await handle(sweep), Ack)
    assert isinstance(await handle(sweep), Ack)
    swept = uow.store.expenses["x2"]
    assert (swept.status, swept.failure_reason) == (ExpenseStatus.FAILED, NEVER_UPLOADED)
    assert uow.store.expenses["x1"].status is ExpenseStatus.PROCESSING  # filed by the multipart route
    assert [type(m) for m in uow.store.outbox] == [NotifyExpense]
