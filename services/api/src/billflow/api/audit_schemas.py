"""Bodies for API keys and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from billflow.api.schemas import Request
from billflow.domain.model import ApiKey, AuditEntry, Role


class ApiKeyIn(Request):
    name: Annotated[str, Meta(min_length=1, max_length=200)]
    role: Literal["accountant", "viewer"]

    def key_role(self) -> Role:
        return Role(self.role)


class ApiKeyOut(msgspec.Struct):
    """A key as listed: never the key itself."""

    id: str
    name: str
    role: Role
    created_at: datetime
    last_used_at: datetime | None

    @classmethod
    def of(cls, k: ApiKey) -> ApiKeyOut:
        return cls(k.id, k.name, k.role, k.created_at, k.last_used_at)


class NewApiKeyOut(msgspec.Struct):
    """The answer to creating a key: the only time ``key`` is ever shown."""

    id: str
    name: str
    role: Role
    key: str
    created_at: datetime


class ApiKeyPage(msgspec.Struct):
    items: list[ApiKeyOut]
    next_cursor: str | None


class ChangeOut(msgspec.Struct):
    old: Any
    new: Any


class ActorOut(msgspec.Struct):
    kind: Literal["user", "api_key", "system"]
    id: str | None


class AuditEntryOut(msgspec.Struct):
    id: str
    at: datetime
    actor: ActorOut
    entity: str
    entity_id: str
    action: str
    changes: dict[str, ChangeOut]

    @classmethod
    def of(cls, e: AuditEntry) -> AuditEntryOut:
        kind = e.actor_kind.value if e.actor_kind else "system"
        return cls(
            id=e.id,
            at=e.at,
            actor=ActorOut(kind, e.actor_id),  # type: ignore[arg-type]  # one of the Literal's values
            entity=e.entity,
            entity_id=e.entity_id,
            action=e.action,
            changes={k: ChangeOut(c.old, c.new) for k, c in e.changes.items()},
        )


class AuditPage(msgspec.Struct):
    items: list[AuditEntryOut]
    next_cursor: str | None
