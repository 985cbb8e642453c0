"""Clients: the companies invoiced for the hours on their projects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from billflow.domain.model import Client
from billflow.domain.ports.pagination import Page, PageRequest


class ClientRepository(Protocol):
    async def add(self, client: Client) -> None: ...
    async def get(self, client_id: str) -> Client | None: ...
    async def get_for_update(self, client_id: str) -> Client | None:
        """Like get, and locks the client until the transaction ends: two invoices for one client
        are issued one after the other, so no hour is billed twice."""
        ...

    async def list(self, *, include_archived: bool = False) -> Sequence[Client]:
        """Ordered by name, then id."""
        ...

    async def page(self, request: PageRequest, *, include_archived: bool = False) -> Page[Client]:
        """A page of ``list``, in its order."""
        ...

    async def lock_all(self) -> Sequence[Client]:
        """Every client, archived ones too, ordered by id and locked until the transaction ends."""
        ...

    async def lock_page(self, after: tuple[str, str] | None, limit: int) -> Sequence[Client]:
        """A clients' billing run's chunk: at most ``limit`` clients, archived ones too, ordered by
        (name, id) after the (name, id) ``after``, locked until the transaction ends."""
        ...

    async def update(self, client: Client) -> None:
        """Store every field of ``client`` (an existing one)."""
        ...
