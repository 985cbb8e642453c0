"""The expense use cases against in-memory fakes: upload, reading, correcting, notifying, statements."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from billflow.domain.contracts import DeliverStatement, ExtractExpense, NotifyExpense, SendMonthlyStatements
from billflow.domain.errors import (
    DocumentTooLarge,
    Forbidden,
    InvalidInput,
    NotFound,
    NotReady,
    TransientFailure,
    UnreadableDocument,
    UnsupportedDocument,
)
from billflow.domain.expenses import DocumentText, Expense, ExpenseStatus
from billflow.domain.expenses.expense import MAX_UPLOAD_BYTES
from billflow.domain.expenses.months import month_bounds, previous_month
from billflow.domain.model import Role, User
from billflow.domain.ports.mail import OutgoingEmail
from billflow.domain.usecases.expense_queries import CorrectExpenseCommand, ExpenseQueries
from billflow.domain.usecases.extract_expense import (
    ExtractExpenseCommand,
    ExtractExpenseFields,
    FailExpense,
    FailExpenseCommand,
)
from billflow.domain.usecases.monthly_statements import (
    PlanStatements,
    RequestStatements,
    RequestStatementsCommand,
    SendStatement,
    SendStatementsCommand,
)
from billflow.domain.usecases.notify_expense import NotifyExpenseCommand, NotifyUploader
from billflow.domain.usecases.render_invoice import Outcome
from billflow.domain.usecases.upload_expense import UploadExpense, UploadExpenseCommand
from domain_fakes import (
    FakeUnitOfWorkFactory,
    FixedClock,
    MemoryDocuments,
    RecordingMailer,
    SequentialIds,
)

pytestmark = pytest.mark.unit

ALICE = User("00000000-0000-4000-8000-0000000000a1", "alice@example.com", Role.EMPLOYEE, "e1")
BOB = User("00000000-0000-4000-8000-0000000000b0", "bob@example.com", Role.VIEWER)
ACCOUNTANT = User("00000000-0000-4000-8000-0000000000ac", "acc@example.com", Role.ACCOUNTANT)
ADMIN = User("00000000-0000-4000-8000-0000000000ad", "admin@example.com", Role.ADMIN)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
CLEAR = "ACME Supplies Ltd\nInvoice number: A-17\nDate: 2026-11-03\nTotal: EUR 121.00\nVAT: EUR 21.00\n"


class TextReader:
    def __init__(self, text: str = CLEAR, error: Exception | None = None) -> None:
        self.text, self.error, self.reads = text, error, 0

    async def read(self, content: bytes, media_type: str) -> DocumentText:
        self.reads += 1
        if self.error:
            raise self.error
        return DocumentText(self.text)


class RandomIds:
    def new_id(self) -> str:
        return str(uuid.uuid4())


class Writer:
    def confirmation(self, user: User, expense: object) -> OutgoingEmail:
        return OutgoingEmail(user.email, "read", "text", "<p>html</p>")

    def statement(self, user: User, month: str, expenses: Sequence[Expense]) -> OutgoingEmail:
        return OutgoingEmail(user.email, f"statement {month}", f"{len(expenses)}", "<p/>")


@pytest.fixture
def uow() -> FakeUnitOfWorkFactory:
    factory = FakeUnitOfWorkFactory()
    for user in (ALICE, BOB, ACCOUNTANT, ADMIN):
        factory.store.users[user.id] = (user, "hash")
    return factory


async def _upload(
    uow: FakeUnitOfWorkFactory, docs: MemoryDocuments, who: User = ALICE, content: bytes = PNG
) -> str:
    use_case = UploadExpense(uow, docs, RandomIds(), FixedClock())
    uploaded = await use_case.execute(
        UploadExpenseCommand(who, content, "../../etc/pass\nwd.pdf", "  lunch ", "c-1")
    )
    return uploaded.expense.id


async def test_an_upload_is_filed_under_a_key_billflow_chooses_and_its_extraction_committed_with_it(
    uow: FakeUnitOfWorkFactory,
) -> None:
    docs = MemoryDocuments()
    expense_id = await _upload(uow, docs)
    expense = uow.store.expenses[expense_id]
    assert expense.file_key == f"expenses/2026/11/{expense_id}.png"  # PNG by content, whatever the name
    assert (expense.media_type, expense.original_filename, expense.note) == (
        "image/png",
        "passwd.pdf",
        "lunch",
    )
    assert expense.status is ExpenseStatus.PROCESSING
    assert docs.objects[expense.file_key] == PNG
    [command] = uow.store.outbox
    assert isinstance(command, ExtractExpense)
    assert (command.expense_id, command.correlation_id) == (expense_id, "c-1")


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"just text, named .png", UnsupportedDocument),
        (b"PK\x03\x04 a zip", UnsupportedDocument),
        (b"", UnreadableDocument),
        (b"%PDF-" + b"0" * MAX_UPLOAD_BYTES, DocumentTooLarge),
    ],
)
async def test_an_upload_that_is_not_a_readable_document_is_refused_before_anything_is_stored(
    uow: FakeUnitOfWorkFactory, content: bytes, error: type[Exception]
) -> None:
    docs = MemoryDocuments()
    with pytest.raises(error):
        await _upload(uow, docs, content=content)
    assert (docs.objects, uow.store.expenses, uow.store.outbox) == ({}, {}, [])


async def test_a_clear_document_is_extracted_and_the_uploader_notified_once(
    uow: FakeUnitOfWorkFactory,
) -> None:
    docs, ids, clock = MemoryDocuments(), SequentialIds(), FixedClock()
    expense_id = await _upload(uow, docs)
    reader = TextReader()
    extract = ExtractExpenseFields(uow, docs, reader, ids, clock)
    assert await extract.execute(ExtractExpenseCommand(expense_id, "c-1")) is Outcome.DONE
    assert await extract.execute(ExtractExpenseCommand(expense_id, "c-1")) is Outcome.ALREADY_DONE
    assert reader.reads == 1
    expense = uow.store.expenses[expense_id]
    assert expense.status is ExpenseStatus.EXTRACTED
    assert (expense.total, expense.tax, expense.currency) == (Decimal("121.00"), Decimal("21.00"), "EUR")
    assert [type(m) for m in uow.store.outbox] == [ExtractExpense, NotifyExpense]

    mailer = RecordingMailer()
    notify = NotifyUploader(uow, Writer(), mailer)
    assert await notify.execute(NotifyExpenseCommand(expense_id)) is Outcome.DONE
    assert await notify.execute(NotifyExpenseCommand(expense_id)) is Outcome.ALREADY_DONE
    [email] = mailer.sent
    assert (email.to, email.message_id) == (ALICE.email, f"<expense.{expense_id}@expenses.billflow>")


async def test_a_document_without_a_readable_total_needs_review(uow: FakeUnitOfWorkFactory) -> None:
    docs = MemoryDocuments()
    expense_id = await _upload(uow, docs)
    extract = ExtractExpenseFields(
        uow, docs, TextReader("ACME Supplies Ltd\nThank you"), SequentialIds(), FixedClock()
    )
    await extract.execute(ExtractExpenseCommand(expense_id, "c"))
    assert uow.store.expenses[expense_id].status is ExpenseStatus.NEEDS_REVIEW


async def test_an_unreadable_document_fails_with_its_reason_and_the_uploader_is_told(
    uow: FakeUnitOfWorkFactory,
) -> None:
    docs, ids, clock = MemoryDocuments(), SequentialIds(), FixedClock()
    expense_id = await _upload(uow, docs)
    extract = ExtractExpenseFields(
        uow, docs, TextReader(error=DocumentTooLarge("too many pixels")), ids, clock
    )
    with pytest.raises(DocumentTooLarge):
        await extract.execute(ExtractExpenseCommand(expense_id, "c"))
    fail = FailExpense(uow, ids, clock)
    assert await fail.execute(FailExpenseCommand(expense_id, "too many pixels", "c"))
    assert not await fail.execute(FailExpenseCommand(expense_id, "again", "c"))
    expense = uow.store.expenses[expense_id]
    assert (expense.status, expense.failure_reason) == (ExpenseStatus.FAILED, "too many pixels")
    assert [type(m) for m in uow.store.outbox] == [ExtractExpense, NotifyExpense]


async def test_a_user_sees_and_corrects_only_their_own_expenses_accountants_everybodys(
    uow: FakeUnitOfWorkFactory,
) -> None:
    docs = MemoryDocuments()
    expense_id = await _upload(uow, docs)
    queries = ExpenseQueries(uow, docs, FixedClock())
    with pytest.raises(NotReady):
        await queries.correct(CorrectExpenseCommand(ALICE, expense_id, {"vendor": "ACME"}))
    await ExtractExpenseFields(uow, docs, TextReader(), SequentialIds(), FixedClock()).execute(
        ExtractExpenseCommand(expense_id, "c")
    )
    for stranger_call in (
        queries.get(expense_id, actor=BOB),
        queries.file_link(expense_id, actor=BOB),
        queries.correct(CorrectExpenseCommand(BOB, expense_id, {"vendor": "x"})),
    ):
        with pytest.raises(NotFound):
            await stranger_call
    assert await queries.list(actor=BOB, user_id=ALICE.id) == []
    assert [e.id for e in await queries.list(actor=ACCOUNTANT, month="2026-11")] == [expense_id]
    assert await queries.list(actor=ACCOUNTANT, month="2026-10") == []
    link = await queries.file_link(expense_id, actor=ACCOUNTANT)
    assert link.url.startswith(f"memory://expenses/2026/11/{expense_id}.png")

    corrected = await queries.correct(
        CorrectExpenseCommand(ALICE, expense_id, {"total": Decimal("120.50"), "currency": "USD"})
    )
    assert (corrected.status, corrected.total, corrected.currency) == (
        ExpenseStatus.CONFIRMED,
        Decimal("120.50"),
        "USD",
    )
    assert corrected.confidence["total"] == 1.0
    with pytest.raises(InvalidInput):
        await queries.correct(CorrectExpenseCommand(ALICE, expense_id, {"currency": "XXQ"}))
    with pytest.raises(InvalidInput):
        await queries.correct(CorrectExpenseCommand(ALICE, expense_id, {"total": Decimal("-1")}))


async def send_statements(uow: FakeUnitOfWorkFactory, mailer: RecordingMailer, month: str) -> list[Outcome]:
    """The emailer's part: fan the month out, then handle each user's message (a transient
    failure retries that message: it is raised here)."""
    before = len(uow.store.outbox)
    await PlanStatements(uow, SequentialIds(), FixedClock()).execute(SendStatementsCommand(month), "c")
    send = SendStatement(uow, Writer(), mailer)
    return [
        await send.execute(m.user_id, m.month)
        for m in uow.store.outbox[before:]
        if isinstance(m, DeliverStatement)
    ]


async def test_statements_go_once_to_each_uploader_of_the_month_and_only_admins_ask_for_them(
    uow: FakeUnitOfWorkFactory,
) -> None:
    docs = MemoryDocuments()
    for n, who in enumerate((ALICE, ALICE, BOB)):
        await _upload(uow, docs, who, PNG + bytes([n]))  # different files: the same one is one expense
    october = await _upload(uow, docs, ACCOUNTANT)
    uow.store.expenses[october] = replace(
        uow.store.expenses[october], uploaded_at=datetime(2026, 10, 31, 23, 59, tzinfo=UTC)
    )
    mailer = RecordingMailer()
    assert await send_statements(uow, mailer, "2026-11") == [Outcome.DONE, Outcome.DONE]
    assert sorted((m.to, m.text) for m in mailer.sent) == [(ALICE.email, "2"), (BOB.email, "1")]
    assert await send_statements(uow, mailer, "2026-11") == [Outcome.ALREADY_DONE, Outcome.ALREADY_DONE]
    assert len(mailer.sent) == 2

    with pytest.raises(Forbidden):
        await RequestStatements(uow, SequentialIds(), FixedClock()).execute(
            RequestStatementsCommand(ACCOUNTANT, "2026-11", "c")
        )
    await RequestStatements(uow, SequentialIds(), FixedClock()).execute(
        RequestStatementsCommand(ADMIN, "2026-11", "c")
    )
    assert isinstance(uow.store.outbox[-1], SendMonthlyStatements)
    assert uow.store.outbox[-1].month == "2026-11"


async def test_a_mail_outage_retries_only_the_statements_not_yet_sent(uow: FakeUnitOfWorkFactory) -> None:
    docs = MemoryDocuments()
    for who in (ALICE, BOB):
        await _upload(uow, docs, who)
    down = RecordingMailer(fail_with=TransientFailure("the mail server is unreachable"))
    with pytest.raises(TransientFailure):
        await send_statements(uow, down, "2026-11")
    up = RecordingMailer()
    assert await send_statements(uow, up, "2026-11") == [Outcome.DONE, Outcome.DONE]
    assert sorted(m.to for m in up.sent) == [ALICE.email, BOB.email]


def test_the_statement_sent_on_the_first_covers_the_month_before() -> None:
    assert previous_month(datetime(2027, 1, 1, 6, tzinfo=UTC)) == "2026-12"
    assert previous_month(datetime(2026, 12, 1, 6, tzinfo=UTC)) == "2026-11"
    assert month_bounds("2026-12") == (datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    for bad in ("2026-13", "2026-1", "26-01", "0000-01"):
        with pytest.raises(InvalidInput):
            month_bounds(bad)
