"""S3's notifications of direct uploads on the upload queue: read as the extraction they mean;
S3's test event and other keys acknowledged; anything malformed counted and dropped, never a crash."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from prometheus_client import REGISTRY

from billflow.domain.expenses import DocumentText, Expense, ExpenseStatus
from billflow.domain.usecases.abandoned_uploads import FailAbandonedUploads
from billflow.domain.usecases.extract_expense import ExtractExpenseFields, FailExpense
from billflow.extractor.routes import ROUTES, UseCases, uploaded
from billflow.platform.aws.sqs_consumer import Ack, Handler, Received
from billflow.platform.metrics import Metrics
from domain_fakes import FakeUnitOfWorkFactory, FixedClock, MemoryDocuments, SequentialIds

pytestmark = pytest.mark.unit

EXPENSE = "00000000-0000-4000-8000-0000000000e1"
KEY = f"uploads/2026/11/{EXPENSE}.png"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
TEXT = "ACME Supplies Ltd\nInvoice number: A-17\nDate: 2026-11-03\nTotal: EUR 121.00\nVAT: EUR 21.00\n"


class TextReader:
    async def read(self, content: bytes, media_type: str) -> DocumentText:
        return DocumentText(TEXT)


def notification(*keys: str, event: str = "ObjectCreated:Post") -> bytes:
    records: list[dict[str, Any]] = [
        {
            "eventVersion": "2.1",
            "eventSource": "aws:s3",
            "eventName": event,
            "s3": {"bucket": {"name": "docs", "arn": "arn:aws:s3:::docs"}, "object": {"key": k, "size": 72}},
        }
        for k in keys
    ]
    return json.dumps({"Records": records}).encode()


TEST_EVENT = json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "docs"}).encode()


async def setup(declared: str = "image/png") -> tuple[FakeUnitOfWorkFactory, Handler, Metrics]:
    uow, docs, ids, clock = FakeUnitOfWorkFactory(), MemoryDocuments(), SequentialIds(), FixedClock()
    at = datetime(2026, 11, 3, tzinfo=UTC)
    uow.store.expenses[EXPENSE] = Expense(
        EXPENSE, "u1", ExpenseStatus.PROCESSING, KEY, declared, "a.png", at, at
    )
    docs.objects[KEY] = PNG
    fail = FailExpense(uow, ids, clock)
    use = UseCases(
        ExtractExpenseFields(uow, docs, TextReader(), ids, clock),
        fail,
        FailAbandonedUploads(uow, docs, fail, clock),
    )
    metrics = Metrics("test")
    return (
        uow,
        ROUTES.handler(use, max_receives=3, metrics=metrics, queue="uploads", translate=uploaded),
        metrics,
    )


def received(body: bytes) -> Received:
    return Received(body=body, receive_count=1, attributes={}, sqs_message_id="sqs-1")


async def test_an_object_created_under_uploads_is_read_as_its_expense() -> None:
    uow, handle, _ = await setup()
    assert isinstance(await handle(received(notification(KEY))), Ack)
    expense = uow.store.expenses[EXPENSE]
    assert (expense.status, expense.invoice_number) == (ExpenseStatus.EXTRACTED, "A-17")


async def test_the_key_is_url_decoded_as_s3_encodes_it() -> None:
    commands = uploaded(notification(KEY.replace("/", "%2F")))
    assert commands is not None
    assert [m.expense_id for m in commands] == [EXPENSE]


async def test_an_upload_whose_bytes_are_not_the_declared_type_fails_with_the_reason() -> None:
    uow, handle, _ = await setup(declared="application/pdf")
    assert isinstance(await handle(received(notification(KEY))), Ack)
    expense = uow.store.expenses[EXPENSE]
    assert expense.status is ExpenseStatus.FAILED
    assert "not the application/pdf it was declared as" in (expense.failure_reason or "")


async def test_the_same_notification_twice_reads_the_expense_once() -> None:
    uow, handle, _ = await setup()
    await handle(received(notification(KEY)))
    outbox = list(uow.store.outbox)
    assert isinstance(await handle(received(notification(KEY))), Ack)
    assert uow.store.outbox == outbox


@pytest.mark.parametrize(
    "body",
    [TEST_EVENT, notification(KEY, event="ObjectRemoved:Delete"), json.dumps({"Records": []}).encode()],
    ids=["s3 test event", "another event", "no records"],
)
async def test_what_s3_says_about_nothing_of_ours_is_acknowledged_and_changes_nothing(body: bytes) -> None:
    uow, handle, _ = await setup()
    assert isinstance(await handle(received(body)), Ack)
    assert uow.store.expenses[EXPENSE].status is ExpenseStatus.PROCESSING


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b"[1, 2]",
        b'{"type":"expense.extract.v1"}',
        b'{"Records": [{"eventName": "ObjectCreated:Put"}]}',
        notification("expenses/2026/11/not-ours.png"),
        notification("uploads/2026/11/not-an-id.png"),
    ],
)
async def test_a_malformed_notification_is_dropped_and_counted_never_a_crash(body: bytes) -> None:
    uow, handle, _ = await setup()
    labels = {"service": "test", "queue": "uploads"}
    before = REGISTRY.get_sample_value("billflow_malformed_messages_total", labels) or 0.0
    assert isinstance(await handle(received(body)), Ack)  # dropped: no retry can make it readable
    assert uow.store.expenses[EXPENSE].status is ExpenseStatus.PROCESSING
    assert REGISTRY.get_sample_value("billflow_malformed_messages_total", labels) == before + 1
