"""Opening a direct upload: a form that puts the file straight into storage (the API's use case).

Business rules:
- The declared ``content_type`` must be one of ``ACCEPTED_MEDIA_TYPES`` and the declared
  ``size`` 1..``MAX_UPLOAD_BYTES``; anything else is ``InvalidInput`` and nothing is recorded.
- The expense (``processing``) is recorded at once, with the declared type and the key its file
  must land under (``upload_key``): the storage refuses any other key, another type or a body
  bigger than declared, and the form expires after ``UPLOAD_FORM_SECONDS``.
- No extraction command is written: storage's notification of the new object starts the reading,
  which checks the bytes against the declared type (``ExtractExpenseFields``).
- Every user may upload (a person: an API key is refused, as for ``UploadExpense``); the expense
  is the uploader's. The filename is for display only.
- The recorded expense is in the audit trail (``expense``, ``upload``) in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from billflow.domain import access
from billflow.domain.errors import InvalidInput
from billflow.domain.expenses.expense import MAX_UPLOAD_BYTES, Expense, ExpenseStatus, upload_key
from billflow.domain.model import User
from billflow.domain.ports.documents import UploadForm, UploadSigner
from billflow.domain.ports.expenses import ACCEPTED_MEDIA_TYPES, ExpenseUnitOfWorkFactory
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.usecases.audit_trail import record_change
from billflow.domain.usecases.upload_expense import MAX_NOTE_LENGTH, display_filename

UPLOAD_FORM_SECONDS = 15 * 60


@dataclass(frozen=True, slots=True)
class StartDirectUploadCommand:
    actor: User
    filename: str
    content_type: str
    size: int
    note: str | None = None
    success_redirect: str | None = None
    """Where a browser that posted the form goes next (the web page's)."""


@dataclass(frozen=True, slots=True)
class DirectUpload:
    expense: Expense
    form: UploadForm
    expires_at: datetime


class StartDirectUpload:
    def __init__(
        self, uow: ExpenseUnitOfWorkFactory, signer: UploadSigner, ids: IdGenerator, clock: Clock
    ) -> None:
        self._uow = uow
        self._signer = signer
        self._ids = ids
        self._clock = clock

    async def execute(self, cmd: StartDirectUploadCommand) -> DirectUpload:
        access.require_person(cmd.actor)
        content_type = cmd.content_type.strip().lower()
        if content_type not in ACCEPTED_MEDIA_TYPES:
            raise InvalidInput(
                f"content_type must be one of {', '.join(ACCEPTED_MEDIA_TYPES)}", field="content_type"
            )
        if not 1 <= cmd.size <= MAX_UPLOAD_BYTES:
            raise InvalidInput(f"size must be 1..{MAX_UPLOAD_BYTES} bytes (10 MB)", field="size")
        note = (cmd.note or "").strip() or None
        if note is not None and len(note) > MAX_NOTE_LENGTH:
            raise InvalidInput(f"the note is longer than {MAX_NOTE_LENGTH} characters", field="note")
        now = self._clock.now()
        expense_id = self._ids.new_id()
        key = upload_key(expense_id, content_type, now)
        form = await self._signer.upload_form(
            key, content_type, cmd.size, UPLOAD_FORM_SECONDS, success_redirect=cmd.success_redirect
        )
        expense = Expense(
            id=expense_id,
            user_id=cmd.actor.id,
            status=ExpenseStatus.PROCESSING,
            file_key=key,
            media_type=content_type,
            original_filename=display_filename(cmd.filename),
            uploaded_at=now,
            updated_at=now,
            note=note,
        )
        async with self._uow() as uow:
            await uow.expenses.add(expense)
            await record_change(uow.audit, cmd.actor, "expense", expense.id, "upload", None, expense)
            await uow.commit()
        return DirectUpload(expense, form, now + timedelta(seconds=UPLOAD_FORM_SECONDS))
