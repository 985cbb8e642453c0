"""Taking in an uploaded invoice or receipt (the API's use case).

Business rules:
- The kind of file is told by its content (magic bytes): PDF, PNG, JPEG, WebP or HEIC;
  anything else is ``UnsupportedDocument``, whatever its name says. An empty file is
  ``UnreadableDocument``; more than ``MAX_INLINE_UPLOAD_BYTES`` (4 MB: what reaches a Lambda
  behind API Gateway) is ``DocumentTooLarge``; bigger files go straight to storage
  (``direct_upload``).
- The file is filed under a key Billflow chooses (``expenses/<year>/<month>/<id>.<ext>``); the
  uploader's filename is kept for display only, reduced to a printable base name.
- The expense row (``processing``) and its ``ExtractExpense`` command are committed together.
  The file is stored first: a failure after that leaves an unreferenced object, never a row whose
  file is missing.
- Every user may upload; the expense is the uploader's.
- The same file (the same bytes, by SHA-256) uploaded again by the same uploader is the same
  expense: the existing one is returned (``Uploaded.new`` is False) and nothing is stored or read
  again, even when two such uploads race (the database's unique index decides).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from billflow.domain import access
from billflow.domain.contracts import ExtractExpense
from billflow.domain.errors import DocumentTooLarge, InvalidInput, UnreadableDocument
from billflow.domain.expenses.expense import MAX_INLINE_UPLOAD_BYTES, Expense, ExpenseStatus, file_key
from billflow.domain.expenses.sniff import sniff_media_type
from billflow.domain.model import User
from billflow.domain.ports.documents import DocumentStore
from billflow.domain.ports.expenses import ExpenseUnitOfWorkFactory
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.usecases.audit_trail import record_change

MAX_NOTE_LENGTH = 2000
MAX_FILENAME_LENGTH = 200


@dataclass(frozen=True, slots=True)
class UploadExpenseCommand:
    actor: User
    content: bytes
    filename: str
    note: str | None
    correlation_id: str


@dataclass(frozen=True, slots=True)
class Uploaded:
    expense: Expense
    new: bool
    """False when the uploader had already uploaded the same file: ``expense`` is that one."""


def display_filename(name: str) -> str:
    """The base name, printable characters only, at most ``MAX_FILENAME_LENGTH`` long."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable()).strip()
    return cleaned[:MAX_FILENAME_LENGTH] or "upload"


class UploadExpense:
    def __init__(
        self, uow: ExpenseUnitOfWorkFactory, documents: DocumentStore, ids: IdGenerator, clock: Clock
    ) -> None:
        self._uow = uow
        self._documents = documents
        self._ids = ids
        self._clock = clock

    async def execute(self, cmd: UploadExpenseCommand) -> Uploaded:
        access.require_person(cmd.actor)
        if len(cmd.content) > MAX_INLINE_UPLOAD_BYTES:
            raise DocumentTooLarge(
                f"the file is larger than {MAX_INLINE_UPLOAD_BYTES // (1024 * 1024)} MB;"
                " upload it straight to storage (POST /v1/expenses/uploads)"
            )
        if not cmd.content:
            raise UnreadableDocument("the file is empty")
        media_type = sniff_media_type(cmd.content)
        note = (cmd.note or "").strip() or None
        if note is not None and len(note) > MAX_NOTE_LENGTH:
            raise InvalidInput(f"the note is longer than {MAX_NOTE_LENGTH} characters", field="note")
        digest = hashlib.sha256(cmd.content).hexdigest()
        async with self._uow(read_only=True) as uow:
            known = await uow.expenses.find_same_file(cmd.actor.id, digest)
        if known is not None:
            return Uploaded(known, new=False)
        now = self._clock.now()
        expense_id = self._ids.new_id()
        key = file_key(expense_id, media_type, now)
        await self._documents.put(key, cmd.content, media_type)
        expense = Expense(
            id=expense_id,
            user_id=cmd.actor.id,
            status=ExpenseStatus.PROCESSING,
            file_key=key,
            media_type=media_type,
            original_filename=display_filename(cmd.filename),
            uploaded_at=now,
            updated_at=now,
            note=note,
            content_sha256=digest,
        )
        async with self._uow() as uow:
            if not await uow.expenses.add(expense):
                # A concurrent upload of the same file won; its object is the one referenced.
                raced = await uow.expenses.find_same_file(cmd.actor.id, digest)
                if raced is None:  # pragma: no cover - the winner rolled back after all
                    raise UnreadableDocument("the upload could not be recorded; try again")
                return Uploaded(raced, new=False)
            await uow.outbox.add(
                ExtractExpense(
                    message_id=self._ids.new_id(),
                    occurred_at=now,
                    correlation_id=cmd.correlation_id,
                    expense_id=expense_id,
                )
            )
            await record_change(uow.audit, cmd.actor, "expense", expense.id, "upload", None, expense)
            await uow.commit()
        return Uploaded(expense, new=True)
