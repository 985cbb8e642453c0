"""API keys: how machines authenticate, created and revoked by an admin.

Business rules:
- Only ``admin`` creates, lists and revokes keys (``Action.MANAGE_API_KEYS``). A key acts with the
  role it was given, ``accountant`` or ``viewer``, under the same rules as a user of that role.
- A key is ``bf_`` followed by 256 random bits. It is shown once, when it is created; Billflow
  keeps only its SHA-256 digest, so nobody, not even the database's reader, can present it later.
- A key's ``last_used_at`` is moved on at most once per ``LAST_USED_PRECISION``: authenticating is
  a read, not a write per request.
- Revoking a key stops it at once in this process (``on_revoked``); the API's other processes
  stop trusting it within their authentication cache (``BILLFLOW_AUTH_CACHE_SECONDS``).
- Creating and revoking a key are written to the audit trail; the key itself never is.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from billflow.domain import access
from billflow.domain.access import Action
from billflow.domain.errors import InvalidInput, NotFound
from billflow.domain.model import ActorKind, ApiKey, Role, User
from billflow.domain.ports.pagination import Page
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory
from billflow.domain.usecases.audit_trail import MAX_PAGE, record_change

KEY_PREFIX: Final = "bf_"
KEY_ROLES: Final = frozenset({Role.ACCOUNTANT, Role.VIEWER})
MAX_NAME: Final = 200
LAST_USED_PRECISION: Final = timedelta(minutes=1)


def key_digest(key: str) -> bytes:
    """What is kept of a key. A plain SHA-256 suffices: the key has 256 random bits, so there is
    nothing to guess, and a slow password hash would cost every request (decision 0027)."""
    return hashlib.sha256(key.encode()).digest()


def looks_like_key(token: str) -> bool:
    return token.startswith(KEY_PREFIX)


@dataclass(frozen=True, slots=True)
class NewApiKey:
    actor: User
    name: str
    role: Role


@dataclass(frozen=True, slots=True)
class CreatedApiKey:
    api_key: ApiKey
    key: str
    """The secret, shown to the caller this once."""


class ApiKeys:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        ids: IdGenerator,
        clock: Clock,
        *,
        on_revoked: Callable[[str], None] | None = None,
    ) -> None:
        self._uow = uow
        self._ids = ids
        self._clock = clock
        self._on_revoked = on_revoked
        """Told each revoked key's id after the commit (Accounts.forget: it stops now, here)."""

    async def create(self, cmd: NewApiKey) -> CreatedApiKey:
        access.require(cmd.actor, Action.MANAGE_API_KEYS)
        name = cmd.name.strip()
        if not 1 <= len(name) <= MAX_NAME:
            raise InvalidInput(f"a name of 1 to {MAX_NAME} characters is required", field="name")
        if cmd.role not in KEY_ROLES:
            raise InvalidInput("an API key's role is accountant or viewer", field="role")
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        api_key = ApiKey(id=self._ids.new_id(), name=name, role=cmd.role, created_at=self._clock.now())
        async with self._uow() as uow:
            await uow.api_keys.add(api_key, key_digest(key))
            await record_change(uow.audit, cmd.actor, "api_key", api_key.id, "create", None, api_key)
            await uow.commit()
        return CreatedApiKey(api_key, key)

    async def page(self, *, actor: User, limit: int = 50, cursor: str | None = None) -> Page[ApiKey]:
        access.require(actor, Action.MANAGE_API_KEYS)
        async with self._uow(read_only=True) as uow:
            return await uow.api_keys.page(limit=min(limit, MAX_PAGE), cursor=cursor)

    async def revoke(self, key_id: str, *, actor: User) -> None:
        access.require(actor, Action.MANAGE_API_KEYS)
        async with self._uow() as uow:
            revoked = await uow.api_keys.revoke(key_id, self._clock.now())
            if revoked is None:
                raise NotFound("no such API key")
            await uow.audit.record(actor, "api_key", key_id, "revoke")
            await uow.commit()
        if self._on_revoked is not None:
            self._on_revoked(key_id)

    async def actor_of(self, key: str) -> User | None:
        """The actor an unrevoked key stands for, or None."""
        now = self._clock.now()
        async with self._uow(read_only=True) as uow:  # one statement, no transaction to open
            found = await uow.api_keys.by_digest(key_digest(key))
        if found is None:
            return None
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_PRECISION:
            async with self._uow() as uow:
                await uow.api_keys.mark_used(found.id, now)
                await uow.commit()
        return User(id=found.id, email="", role=found.role, kind=ActorKind.API_KEY)
