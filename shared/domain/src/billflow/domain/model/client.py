"""Clients: the companies Billflow invoices for the hours worked on their projects."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Language(StrEnum):
    """The languages a client's documents and emails are written in."""

    EN = "en"
    DE = "de"
    FR = "fr"
    NL = "nl"


@dataclass(frozen=True, slots=True)
class Address:
    street: str
    city: str
    postal_code: str
    country: str
    """ISO 3166-1 alpha-2, upper case."""


@dataclass(frozen=True, slots=True)
class ElectronicAddress:
    """A Peppol participant id: an EAS ``scheme`` (e.g. ``0208``, a Belgian enterprise number)
    and the ``id`` within it."""

    scheme: str
    id: str


@dataclass(frozen=True, slots=True)
class Client:
    id: str
    name: str
    email: str
    """Where the client's invoices go."""
    address: Address
    currency: str
    """ISO 4217: every invoice to the client, and its projects' rates, are in it."""
    vat_id: str | None = None
    language: Language = Language.EN
    payment_terms_days: int = 30
    buyer_reference: str | None = None
    archived: bool = False
    electronic_address: ElectronicAddress | None = None
    """Set: the client is a Peppol participant (its UBL is Peppol BIS Billing 3.0)."""


@dataclass(frozen=True, slots=True)
class ProjectMember:
    """Somebody who works on a project; ``hourly_rate`` (to the client) overrides the project's."""

    project_id: str
    employee_id: str
    hourly_rate: Decimal | None = None
