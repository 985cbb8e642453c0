"""Giving up on direct uploads whose file never arrived (the extractor's scheduled sweep).

Business rules:
- A direct upload (``StartDirectUpload``) records its expense ``processing`` before storage has
  the file; the form expires after ``UPLOAD_FORM_SECONDS``. One still ``processing``
  ``ABANDONED_AFTER_SECONDS`` after it was recorded (the form's life and a grace for storage's
  notification and the reading to start) whose file is not in storage never will be read: it
  becomes ``failed`` with ``NEVER_UPLOADED``, and the uploader is told (``FailExpense``).
- An expense whose file is in storage is left alone, however old: its reading decides (and a
  reading that keeps failing ends in the worker's give-up, with its own reason).
- Only direct uploads: the multipart route stores the file before it records the expense.
- Idempotent: the status change is guarded (``processing -> failed``), so two sweeps at once, or a
  redelivered request, fail each expense once and tell its uploader once.
"""

from __future__ import annotations

from datetime import timedelta

from billflow.domain.ports.documents import DocumentStore
from billflow.domain.ports.expenses import ExpenseUnitOfWorkFactory
from billflow.domain.ports.system import Clock
from billflow.domain.usecases.direct_upload import UPLOAD_FORM_SECONDS
from billflow.domain.usecases.extract_expense import FailExpense, FailExpenseCommand
from billflow.domain.usecases.render_invoice import Outcome

ABANDONED_AFTER_SECONDS = UPLOAD_FORM_SECONDS + 15 * 60
NEVER_UPLOADED = "the file was never uploaded"
BATCH = 200


class FailAbandonedUploads:
    def __init__(
        self, uow: ExpenseUnitOfWorkFactory, documents: DocumentStore, fail: FailExpense, clock: Clock
    ) -> None:
        self._uow = uow
        self._documents = documents
        self._fail = fail
        self._clock = clock

    async def execute(self, correlation_id: str) -> Outcome:
        before = self._clock.now() - timedelta(seconds=ABANDONED_AFTER_SECONDS)
        after = None
        while True:
            async with self._uow(read_only=True) as uow:
                batch = await uow.expenses.awaiting_upload(before, after=after, limit=BATCH)
            for expense in batch:
                if not await self._documents.exists(expense.file_key):
                    await self._fail.execute(FailExpenseCommand(expense.id, NEVER_UPLOADED, correlation_id))
            if len(batch) < BATCH:
                return Outcome.DONE
            after = (batch[-1].uploaded_at, batch[-1].id)
