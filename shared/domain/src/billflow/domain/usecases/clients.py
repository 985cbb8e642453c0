"""Clients: the companies invoiced for the hours worked on their projects.

Business rules:
- Those who write billing data create and change clients; those who read it read them; an
  employee user sees none (Forbidden).
- A client keeps the rules of ``master_data.checked_client`` (name, ISO 3166-1 alpha-2 country,
  ISO 4217 currency, payment terms 0 to 365 days); ``language`` is one of ``Language``; an
  ``electronic_address`` (Peppol participant id) has a four-digit EAS scheme and an id.
- A change names only the fields it changes; ``archived: true`` hides the client from lists (unless
  ``include_archived``) and from new projects. Nothing is ever deleted: issued invoices copy what
  they show of the client, so changing it never changes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from billflow.domain import access
from billflow.domain.access import Action
from billflow.domain.errors import NotFound
from billflow.domain.model import Address, Client, ElectronicAddress, Language, User
from billflow.domain.ports.system import IdGenerator
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory
from billflow.domain.usecases.edit_organisation import Change, changed
from billflow.domain.usecases.master_data import checked_client


@dataclass(frozen=True, slots=True)
class NewClient:
    actor: User
    name: str
    email: str
    address: Address
    currency: str
    vat_id: str | None = None
    language: Language = Language.EN
    payment_terms_days: int = 30
    buyer_reference: str | None = None
    electronic_address: ElectronicAddress | None = None


class Clients:
    def __init__(self, uow: UnitOfWorkFactory, ids: IdGenerator) -> None:
        self._uow = uow
        self._ids = ids

    async def create(self, cmd: NewClient) -> Client:
        access.require(cmd.actor, Action.WRITE_BILLING)
        client = checked_client(
            Client(
                id=self._ids.new_id(),
                name=cmd.name,
                email=cmd.email,
                address=cmd.address,
                currency=cmd.currency,
                vat_id=cmd.vat_id,
                language=cmd.language,
                payment_terms_days=cmd.payment_terms_days,
                buyer_reference=cmd.buyer_reference,
                electronic_address=cmd.electronic_address,
            )
        )
        async with self._uow() as uow:
            await uow.clients.add(client)
            await uow.commit()
        return client

    async def get(self, client_id: str, *, actor: User) -> Client:
        access.require(actor, Action.READ_BILLING)
        async with self._uow(read_only=True) as uow:
            found = await uow.clients.get(client_id)
        if found is None:
            raise NotFound("no such client")
        return found

    async def list(self, *, actor: User, include_archived: bool = False) -> Sequence[Client]:
        access.require(actor, Action.READ_BILLING)
        async with self._uow(read_only=True) as uow:
            return await uow.clients.list(include_archived=include_archived)

    async def update(self, cmd: Change) -> Client:
        """Set the fields named in ``cmd.changes`` (``address`` as a whole)."""
        access.require(cmd.actor, Action.WRITE_BILLING)
        async with self._uow() as uow:
            before = await uow.clients.get(cmd.record_id)
            if before is None:
                raise NotFound("no such client")
            after = checked_client(changed(before, cmd.changes))
            if after != before:
                await uow.clients.update(after)
                await uow.commit()
        return after
