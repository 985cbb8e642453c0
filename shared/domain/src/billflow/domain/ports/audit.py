"""The audit trail: one append-only record of every write, kept in the writer's transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from billflow.domain.model import AuditEntry, FieldChange, User
from billflow.domain.ports.pagination import Page


@dataclass(frozen=True, slots=True)
class AuditFilter:
    entity: str | None = None
    entity_id: str | None = None
    actor_id: str | None = None
    since: datetime | None = None
    """Entries at or after this instant."""
    until: datetime | None = None
    """Entries before this instant."""


class AuditLog(Protocol):
    async def record(
        self,
        actor: User | None,
        entity: str,
        entity_id: str,
        action: str,
        changes: Mapping[str, FieldChange] | None = None,
    ) -> None:
        """Append one entry in the unit of work's transaction: it is kept if and only if the
        write it describes commits. ``actor`` None is the system itself. ``changes`` comes from
        ``billflow.domain.auditing.changes``, which has dropped every secret. Entries are never
        changed or removed (the store refuses it)."""
        ...

    async def record_many(
        self,
        actor: User | None,
        entity: str,
        action: str,
        changes: Sequence[tuple[str, Mapping[str, FieldChange]]],
    ) -> None:
        """``record`` for several records of one entity at once (``(entity_id, changes)`` each):
        one round trip for a request that writes many rows (workdays, imports)."""
        ...

    async def page(self, where: AuditFilter, *, limit: int, cursor: str | None = None) -> Page[AuditEntry]:
        """Entries matching ``where``, newest first. Raises InvalidInput for a foreign cursor."""
        ...

    async def of(self, entity: str, entity_id: str, *, limit: int = 100) -> list[AuditEntry]:
        """The first ``limit`` entries about one record, oldest first (its history)."""
        ...
