"""The ledger's reads: the documents of a period, for the journal export."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from billflow.domain.journal import PaymentOfInvoice
from billflow.domain.model import CreditNote, Invoice
from billflow.domain.ports.unit_of_work import Transaction


class LedgerQueries(Protocol):
    """One statement each, whatever the number of documents."""

    async def invoices_issued(self, start: date, end: date) -> Sequence[Invoice]:
        """The invoices issued in [start, end], with their taxes and payments (no lines)."""
        ...

    async def credit_notes_issued(self, start: date, end: date) -> Sequence[CreditNote]:
        """The credit notes issued in [start, end], with their taxes."""
        ...

    async def payments_made(self, start: date, end: date) -> Sequence[PaymentOfInvoice]:
        """The payments paid in [start, end], each with its invoice's number, party and currency."""
        ...


class LedgerUnitOfWork(Transaction, Protocol):
    @property
    def ledger(self) -> LedgerQueries: ...


class LedgerUnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False) -> LedgerUnitOfWork:
        """As ``UnitOfWorkFactory``."""
        ...
