"""Who changed what: the audit trail's entries, and the API keys machines act with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from billflow.domain.model.user import ActorKind, Role

JsonValue = str | int | float | bool | None | list["JsonValue"] | dict[str, "JsonValue"]


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field's value before and after a write (None: it had none, or the record was new)."""

    old: JsonValue
    new: JsonValue


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One write: who (``actor_kind`` and ``actor_id``; ``system`` and None for configuration),
    when, what (``entity``, ``entity_id``, ``action``) and the changed fields."""

    id: str
    at: datetime
    actor_kind: ActorKind | None
    """None: the system itself (the first admin from configuration)."""
    actor_id: str | None
    entity: str
    entity_id: str
    action: str
    changes: Mapping[str, FieldChange] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A machine's credential. The key itself is shown once and never kept: only its digest."""

    id: str
    name: str
    role: Role
    created_at: datetime
    last_used_at: datetime | None = None
