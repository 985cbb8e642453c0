"""The company record: one row, the seller of every client document."""

from __future__ import annotations

from typing import Protocol

from billflow.domain.model import Company


class CompanyRepository(Protocol):
    """Inside a unit of work (transactional with it)."""

    async def get(self, *, for_update: bool = False) -> Company | None:
        """The company, or None before it was first seeded; ``for_update`` locks the row until
        the transaction ends (a change reads what it replaces, for the audit trail)."""
        ...

    async def save(self, company: Company) -> None:
        """Write the company (insert or replace the one row)."""
        ...

    async def add_if_missing(self, company: Company) -> bool:
        """Write the company unless one exists; True when it was written (idempotent)."""
        ...
