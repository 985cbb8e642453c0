"""Reading and correcting expenses, and handing out links to their files.

Business rules:
- Who sees what is ``access.expense_scope``: a user sees their own expenses; admin and
  accountant see everybody's. Anybody else's expense is NotFound, exactly like a missing one,
  and the check comes before any URL is signed.
- A listing by month takes the expenses *uploaded* in that month (UTC), oldest first.
- A correction sets the given fields (each then has confidence 1) and makes the expense
  ``confirmed``; it is refused while the document is still being read (NotReady), so a reading
  finishing later cannot overwrite it.
- A correction of the vendor teaches the company's vendor memory how this document looked
  (``vendor_memory.learn``), so the vendor's next upload is named from it. A correction may also
  clear ``possible_duplicate_of`` (the expense is not a duplicate after all: it counts again).
- Everybody may see the known vendors (names, not whose expenses they came from).
- A file link is pre-signed, lives 15 minutes and names the file ``<id>.<ext>``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from billflow.domain import access
from billflow.domain.errors import InvalidInput, NotFound, NotReady
from billflow.domain.expenses.expense import CONFIRM, EXPENSE_LIFECYCLE, Expense
from billflow.domain.expenses.months import month_bounds
from billflow.domain.expenses.vendor_memory import KnownVendor, learn, vendor_key
from billflow.domain.model import User
from billflow.domain.money import validate_currency
from billflow.domain.ports.documents import DocumentStore
from billflow.domain.ports.expenses import ExpenseUnitOfWorkFactory
from billflow.domain.ports.pagination import Page, PageRequest
from billflow.domain.ports.system import Clock
from billflow.domain.usecases.audit_trail import record_change
from billflow.domain.usecases.invoice_queries import DOWNLOAD_LINK_SECONDS, DownloadLink

MAX_TEXT_FIELD = 200
_MAX_AMOUNT = Decimal("1e15")


@dataclass(frozen=True, slots=True)
class CorrectExpenseCommand:
    actor: User
    expense_id: str
    changes: Mapping[str, object]
    """Field name -> new value, only the fields the caller sent (``vendor``, ``invoice_number``,
    ``invoice_date``, ``currency``, ``tax``, ``total``, ``note``); None clears a field."""


def _validated(changes: Mapping[str, object]) -> dict[str, object]:
    clean: dict[str, object] = {}
    for name, value in changes.items():
        if name in {"vendor", "invoice_number", "note"}:
            text = value.strip() if isinstance(value, str) else None
            limit = 2000 if name == "note" else MAX_TEXT_FIELD
            if text is not None and len(text) > limit:
                raise InvalidInput(f"at most {limit} characters", field=name)
            clean[name] = text or None
        elif name == "currency":
            clean[name] = None if value is None else validate_currency(str(value))
        elif name in {"tax", "total"}:
            if value is not None and not (
                isinstance(value, Decimal) and value.is_finite() and Decimal(0) <= value < _MAX_AMOUNT
            ):
                raise InvalidInput("an amount is a decimal of at least 0", field=name)
            clean[name] = value
        elif name == "possible_duplicate_of":
            if value is not None:
                raise InvalidInput("a possible duplicate can only be cleared (null)", field=name)
            clean[name] = None
        elif name == "invoice_date":
            if value is not None and not isinstance(value, date):
                raise InvalidInput("a date is written YYYY-MM-DD", field=name)
            clean[name] = value
        else:
            raise InvalidInput("this field cannot be corrected", field=name)
    return clean


class ExpenseQueries:
    def __init__(self, uow: ExpenseUnitOfWorkFactory, documents: DocumentStore, clock: Clock) -> None:
        self._uow = uow
        self._documents = documents
        self._clock = clock

    async def get(self, expense_id: str, *, actor: User) -> Expense:
        scope = access.expense_scope(actor)
        async with self._uow(read_only=True) as uow:
            expense = await uow.expenses.get(expense_id)
        if expense is None or (scope is not None and expense.user_id != scope):
            raise NotFound("no such expense")
        return expense

    async def list(
        self, *, actor: User, month: str | None = None, user_id: str | None = None
    ) -> Sequence[Expense]:
        scope = access.expense_scope(actor)
        if scope is not None:
            if user_id not in (None, scope):
                return []
            user_id = scope
        start, end = month_bounds(month) if month else (None, None)
        async with self._uow(read_only=True) as uow:
            return await uow.expenses.list(user_id=user_id, uploaded_from=start, uploaded_before=end)

    async def page(
        self, page: PageRequest, *, actor: User, month: str | None = None, user_id: str | None = None
    ) -> Page[Expense]:
        """A page of ``list``'s expenses, oldest first, without its cap."""
        scope = access.expense_scope(actor)
        if scope is not None:
            if user_id not in (None, scope):
                return Page(items=[], next_cursor=None)
            user_id = scope
        start, end = month_bounds(month) if month else (None, None)
        async with self._uow(read_only=True) as uow:
            return await uow.expenses.page(page, user_id=user_id, uploaded_from=start, uploaded_before=end)

    async def correct(self, cmd: CorrectExpenseCommand) -> Expense:
        expense = await self.get(cmd.expense_id, actor=cmd.actor)
        if not EXPENSE_LIFECYCLE.allows(expense.status, CONFIRM.target):
            raise NotReady("the document is still being read; correct it once it is")
        changes = _validated(cmd.changes)
        async with self._uow() as uow:
            corrected = await uow.expenses.correct(expense.id, changes)
            name = changes.get("vendor")
            seen = await uow.expenses.vendor_signature(expense.id) if isinstance(name, str) else None
            if isinstance(name, str) and seen is not None:
                known = await uow.vendors.get(vendor_key(name))
                await uow.vendors.put(learn(known, name, seen, self._clock.now()))
            if corrected is not None:
                await record_change(
                    uow.audit, cmd.actor, "expense", expense.id, "correct", expense, corrected
                )
            await uow.commit()
        if corrected is None:
            raise NotFound("no such expense")
        return corrected

    async def vendors(self) -> Sequence[KnownVendor]:
        async with self._uow(read_only=True) as uow:
            return await uow.vendors.all()

    async def vendor_page(self, page: PageRequest) -> Page[KnownVendor]:
        async with self._uow(read_only=True) as uow:
            return await uow.vendors.page(page)

    async def file_link(self, expense_id: str, *, actor: User) -> DownloadLink:
        expense = await self.get(expense_id, actor=actor)
        expires_at = self._clock.now() + timedelta(seconds=DOWNLOAD_LINK_SECONDS)
        filename = expense.file_key.rsplit("/", 1)[-1]
        url = await self._documents.download_url(
            expense.file_key, filename, DOWNLOAD_LINK_SECONDS, content_type=expense.media_type
        )
        return DownloadLink(url=url, expires_at=expires_at)
