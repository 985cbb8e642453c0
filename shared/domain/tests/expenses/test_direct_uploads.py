"""Direct uploads against in-memory fakes: the form, the expense it records, and the reading
that checks the bytes against the declared type (issue 17)."""

from __future__ import annotations

import pytest

from billflow.domain.contracts import ExtractExpense
from billflow.domain.errors import InvalidInput, UnsupportedDocument
from billflow.domain.expenses import DocumentText, ExpenseStatus
from billflow.domain.expenses.expense import (
    MAX_UPLOAD_BYTES,
    UPLOAD_PREFIX,
    expense_of_upload_key,
    upload_key,
)
from billflow.domain.model import Role, User
from billflow.domain.usecases.direct_upload import StartDirectUpload, StartDirectUploadCommand
from billflow.domain.usecases.extract_expense import ExtractExpenseCommand, ExtractExpenseFields
from domain_fakes import FakeUnitOfWorkFactory, FixedClock, MemoryDocuments, SequentialIds

pytestmark = pytest.mark.unit

ALICE = User("00000000-0000-4000-8000-0000000000a1", "alice@example.com", Role.VIEWER)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
TEXT = "ACME Supplies Ltd\nInvoice number: A-17\nDate: 2026-11-03\nTotal: EUR 121.00\nVAT: EUR 21.00\n"


class TextReader:
    async def read(self, content: bytes, media_type: str) -> DocumentText:
        return DocumentText(TEXT)


def command(content_type: str = "image/png", size: int = len(PNG)) -> StartDirectUploadCommand:
    return StartDirectUploadCommand(ALICE, "C:\\scans\\receipt.png", content_type, size)


async def test_a_direct_upload_records_a_processing_expense_under_the_upload_prefix_and_no_command() -> None:
    uow, docs = FakeUnitOfWorkFactory(), MemoryDocuments()
    started = await StartDirectUpload(uow, docs, SequentialIds(), FixedClock()).execute(command())
    expense = uow.store.expenses[started.expense.id]
    assert (expense.status, expense.media_type, expense.original_filename) == (
        ExpenseStatus.PROCESSING,
        "image/png",
        "receipt.png",
    )
    assert expense.file_key.startswith(UPLOAD_PREFIX)
    assert started.form.fields == {"key": expense.file_key, "Content-Type": "image/png", "max": str(len(PNG))}
    assert started.expires_at > FixedClock().now()
    assert uow.store.outbox == []  # S3's notification starts the reading, not the API


@pytest.mark.parametrize(
    ("content_type", "size", "field"),
    [
        ("application/zip", 10, "content_type"),
        ("image/png", MAX_UPLOAD_BYTES + 1, "size"),
        ("image/png", 0, "size"),
    ],
)
async def test_a_type_not_accepted_or_a_size_out_of_bounds_is_refused_and_nothing_recorded(
    content_type: str, size: int, field: str
) -> None:
    uow = FakeUnitOfWorkFactory()
    with pytest.raises(InvalidInput) as refused:
        await StartDirectUpload(uow, MemoryDocuments(), SequentialIds(), FixedClock()).execute(
            command(content_type, size)
        )
    assert refused.value.field == field
    assert uow.store.expenses == {}


async def test_the_reading_refuses_bytes_that_are_not_the_declared_type() -> None:
    uow, docs = FakeUnitOfWorkFactory(), MemoryDocuments()
    started = await StartDirectUpload(uow, docs, SequentialIds(), FixedClock()).execute(
        command("application/pdf", len(PNG))
    )
    docs.objects[started.expense.file_key] = PNG
    extract = ExtractExpenseFields(uow, docs, TextReader(), SequentialIds(), FixedClock())
    with pytest.raises(UnsupportedDocument, match="image/png, not the application/pdf it was declared as"):
        await extract.execute(ExtractExpenseCommand(started.expense.id, "c"))


async def test_the_reading_of_a_direct_upload_of_the_declared_type_records_the_fields() -> None:
    uow, docs = FakeUnitOfWorkFactory(), MemoryDocuments()
    started = await StartDirectUpload(uow, docs, SequentialIds(), FixedClock()).execute(command())
    docs.objects[started.expense.file_key] = PNG
    extract = ExtractExpenseFields(uow, docs, TextReader(), SequentialIds(), FixedClock())
    await extract.execute(ExtractExpenseCommand(started.expense.id, "c"))
    assert uow.store.expenses[started.expense.id].invoice_number == "A-17"
    assert [type(m) for m in uow.store.outbox] != [ExtractExpense]


def test_an_upload_key_names_its_expense_and_no_other_key_does() -> None:
    expense_id = "00000000-0000-4000-8000-000000000001"
    key = upload_key(expense_id, "image/heic", FixedClock().now())
    assert key == f"uploads/2026/11/{expense_id}.heic"
    assert expense_of_upload_key(key) == expense_id
    for other in (
        f"expenses/2026/11/{expense_id}.png",
        f"uploads/2026/11/{expense_id}.exe",
        "uploads/2026/11/not-an-id.png",
        f"uploads/{expense_id}.png",
        "uploads/",
    ):
        assert expense_of_upload_key(other) is None, other
