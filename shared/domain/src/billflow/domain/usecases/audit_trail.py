"""The audit trail: how use cases write to it, and how an admin reads it.

Business rules:
- Every write a use case makes for a caller (a user or an API key) records, in the same unit of
  work, who made it, what it touched (entity, id, action) and the changed fields' old and new
  values (``auditing.changes``, which drops every secret). The system's own writes (the first
  admin from configuration) name no actor.
- Only ``admin`` reads the trail (``Action.READ_AUDIT``); a page holds at most ``MAX_PAGE``
  entries, newest first. A record's history (the invoice page) is asked for by the use case
  that shows the record, once it has checked the caller may see it; the invoice's shows it to
  those who read all billing data (an employee sees their invoice, not who handled it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from billflow.domain import access, auditing
from billflow.domain.access import Action
from billflow.domain.model import ActorKind, AuditEntry, User
from billflow.domain.ports.audit import AuditFilter, AuditLog
from billflow.domain.ports.pagination import Page
from billflow.domain.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

MAX_PAGE: Final = 100


async def record_change(
    audit: AuditLog,
    actor: User | None,
    entity: str,
    entity_id: str,
    action: str,
    before: Any = None,
    after: Any = None,
) -> None:
    """Record ``action`` on ``entity`` ``entity_id`` with the fields that differ between
    ``before`` and ``after`` (records, or None for "did not exist")."""
    await audit.record(actor, entity, entity_id, action, auditing.changes(before, after))


async def record_changes(
    audit: AuditLog,
    actor: User | None,
    entity: str,
    action: str,
    records: Sequence[tuple[str, Any, Any]],
) -> None:
    """``record_change`` for many records of one entity: ``(entity_id, before, after)`` each."""
    if records:
        await audit.record_many(actor, entity, action, [(i, auditing.changes(b, a)) for i, b, a in records])


INVOICE_FIELDS: Final = (
    "number",
    "kind",
    "status",
    "employee_id",
    "client_id",
    "billing_run_id",
    "period_start",
    "period_end",
    "issue_date",
    "due_date",
    "currency",
    "subtotal",
    "tax",
    "total",
)
"""What the trail says of an issued invoice: the document itself is its own snapshot."""
CREDIT_NOTE_FIELDS: Final = (
    "number",
    "status",
    "invoice_id",
    "reason",
    "issue_date",
    "currency",
    "subtotal",
    "tax",
    "total",
    "full",
)
MONEY_FIELDS: Final = ("payment_status", "amount_paid", "amount_credited")
"""An invoice's money status, recorded on the invoice when a payment or credit note moves it."""


def summary(record: Any, names: Sequence[str]) -> dict[str, Any]:
    """The fields ``names`` of ``record`` (None stays None)."""
    return {} if record is None else {n: getattr(record, n) for n in names}


def workday_id(employee_id: str, w: Any) -> str:
    """How the trail names a time entry: its employee, day and project."""
    return f"{employee_id}/{w.date.isoformat()}/{w.project_id or ''}"


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """One entry of a record's history, with who made it as people read it."""

    entry: AuditEntry
    by: str
    """The user's email, ``API key`` and its name, or ``system``."""


async def history(uow: UnitOfWork, entity: str, entity_id: str) -> list[HistoryLine]:
    """A record's history, oldest first (its first ``MAX_PAGE`` entries)."""
    entries = await uow.audit.of(entity, entity_id, limit=MAX_PAGE)
    names: dict[str, str] = {}
    for e in entries:
        if e.actor_id is None or e.actor_id in names:
            continue
        if e.actor_kind is ActorKind.API_KEY:
            key = await uow.api_keys.get(e.actor_id)
            names[e.actor_id] = f"API key {key.name}" if key else "an API key"
        else:
            user = await uow.users.get(e.actor_id)
            names[e.actor_id] = user.email if user else "a deleted user"
    return [HistoryLine(e, names[e.actor_id] if e.actor_id else "system") for e in entries]


class AuditTrail:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def page(
        self, where: AuditFilter, *, actor: User, limit: int = 50, cursor: str | None = None
    ) -> Page[AuditEntry]:
        access.require(actor, Action.READ_AUDIT)
        async with self._uow(read_only=True) as uow:
            return await uow.audit.page(where, limit=min(limit, MAX_PAGE), cursor=cursor)
