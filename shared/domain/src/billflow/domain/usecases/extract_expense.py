"""Reading an uploaded expense document (the extractor's use case), and giving up on one.

Business rules:
- Only a ``processing`` expense is read; any other status means the work is done (a redelivered
  command) and the call is a no-op.
- The reader decides what the document says; the domain's rules (``read_fields``) decide the
  fields. The expense becomes ``extracted``, or ``needs_review`` when the total, the date or the
  currency was not read with confidence.
- The bytes decide what the file is (``sniff``): a file that is not the type its expense was
  recorded with (a direct upload declares its type before storage receives the bytes) is not
  read, and the expense fails with the reason.
- A document that cannot be read (``PermanentFailure`` from the reader: not a PDF/PNG/JPEG, too
  many bytes or pixels, damaged) is not retried: the worker gives up, and ``FailExpense`` makes it
  ``failed`` with the reason.
- The fields are cross-checked (``expenses.checks``), the date against the upload too; a failed
  check lowers the field's confidence, which sends the expense to ``needs_review``.
- A vendor the company has taught Billflow (``vendor_memory``: a correction of an earlier
  expense's vendor) names the expense when the document's signature matches it.
- When another expense of the same uploader has the same vendor, invoice number and total, this
  one is kept but marked ``possible_duplicate_of`` it and sent to ``needs_review``. Only the
  uploader's own: the mark must point at an expense they may see, and their statement is where
  a duplicate is counted once.
- Every outcome is followed by a ``NotifyExpense`` command, committed with the status change, so
  the uploader hears what was read, or why nothing was.
- No database connection is held while the document is read.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from billflow.domain.contracts import NotifyExpense
from billflow.domain.errors import NotFound, UnsupportedDocument
from billflow.domain.expenses.checks import check_upload_date
from billflow.domain.expenses.expense import Expense, ExpenseStatus, status_after_reading
from billflow.domain.expenses.extraction import read_fields
from billflow.domain.expenses.reading import ExtractedFields
from billflow.domain.expenses.sniff import sniff_media_type
from billflow.domain.expenses.vendor_memory import recognise, signature
from billflow.domain.ports.documents import DocumentStore
from billflow.domain.ports.expenses import DocumentReader, ExpenseRepository, ExpenseUnitOfWorkFactory
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.usecases.render_invoice import Outcome

MAX_REASON_LENGTH = 500


@dataclass(frozen=True, slots=True)
class ExtractExpenseCommand:
    expense_id: str
    correlation_id: str


@dataclass(frozen=True, slots=True)
class FailExpenseCommand:
    expense_id: str
    reason: str
    correlation_id: str


class ExtractExpenseFields:
    def __init__(
        self,
        uow: ExpenseUnitOfWorkFactory,
        documents: DocumentStore,
        reader: DocumentReader,
        ids: IdGenerator,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._documents = documents
        self._reader = reader
        self._ids = ids
        self._clock = clock

    async def execute(self, cmd: ExtractExpenseCommand) -> Outcome:
        async with self._uow(read_only=True) as uow:
            expense = await uow.expenses.get(cmd.expense_id)
        if expense is None:
            raise NotFound(f"expense {cmd.expense_id} does not exist")
        if expense.status is not ExpenseStatus.PROCESSING:
            return Outcome.ALREADY_DONE
        content = await self._documents.get(expense.file_key)
        found = sniff_media_type(content)
        if found != expense.media_type:
            raise UnsupportedDocument(f"the file is {found}, not the {expense.media_type} it was declared as")
        document = await self._reader.read(content, expense.media_type)
        fields = check_upload_date(read_fields(document), expense.uploaded_at.date())
        seen = signature(document, fields.vendor)
        async with self._uow() as uow:
            known = recognise(seen, await uow.vendors.all())
            if known is not None:
                fields = replace(fields, vendor=known)
            duplicate = await self._same_invoice(uow.expenses, expense, fields)
            status = status_after_reading(fields, possible_duplicate=duplicate is not None)
            if not await uow.expenses.record_reading(
                expense.id, status, fields, signature=seen, possible_duplicate_of=duplicate
            ):
                return Outcome.ALREADY_DONE
            await uow.outbox.add(self._notify(expense.id, cmd.correlation_id))
            await uow.commit()
        return Outcome.DONE

    @staticmethod
    async def _same_invoice(
        expenses: ExpenseRepository, expense: Expense, fields: ExtractedFields
    ) -> str | None:
        vendor, number, total = fields.vendor.value, fields.invoice_number.value, fields.total.value
        if vendor is None or number is None or total is None:
            return None
        return await expenses.find_same_invoice(expense.id, expense.user_id, vendor, number, total)

    def _notify(self, expense_id: str, correlation_id: str) -> NotifyExpense:
        return NotifyExpense(
            message_id=self._ids.new_id(),
            occurred_at=self._clock.now(),
            correlation_id=correlation_id,
            expense_id=expense_id,
        )


class FailExpense:
    """``processing -> failed`` with the reason, and the uploader told; False when not processing."""

    def __init__(self, uow: ExpenseUnitOfWorkFactory, ids: IdGenerator, clock: Clock) -> None:
        self._uow = uow
        self._ids = ids
        self._clock = clock

    async def execute(self, cmd: FailExpenseCommand) -> bool:
        async with self._uow() as uow:
            if not await uow.expenses.fail(cmd.expense_id, cmd.reason[:MAX_REASON_LENGTH]):
                return False
            await uow.outbox.add(
                NotifyExpense(
                    message_id=self._ids.new_id(),
                    occurred_at=self._clock.now(),
                    correlation_id=cmd.correlation_id,
                    expense_id=cmd.expense_id,
                )
            )
            await uow.commit()
        return True
