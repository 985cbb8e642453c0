"""API keys: machines' credentials, kept as digests only."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from billflow.domain.model import ApiKey
from billflow.domain.ports.pagination import Page


class ApiKeyRepository(Protocol):
    async def add(self, key: ApiKey, digest: bytes) -> None:
        """Keep a new key under the digest of its secret."""
        ...

    async def by_digest(self, digest: bytes) -> ApiKey | None:
        """The unrevoked key whose secret has this digest."""
        ...

    async def get(self, key_id: str) -> ApiKey | None:
        """The key, revoked or not (what the audit trail's readers see of who acted)."""
        ...

    async def page(self, *, limit: int, cursor: str | None = None) -> Page[ApiKey]:
        """Unrevoked keys, newest first. Raises InvalidInput for a foreign cursor."""
        ...

    async def revoke(self, key_id: str, at: datetime) -> ApiKey | None:
        """Revoke an unrevoked key; the key as it was, or None when there was none to revoke."""
        ...

    async def mark_used(self, key_id: str, at: datetime) -> None:
        """Set ``last_used_at`` (the caller decides how often: not on every request)."""
        ...
