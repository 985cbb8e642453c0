"""Bodies for clients, project members and the PATCH of every kind of master data.

A PATCH body's fields default to ``UNSET``: only those present change (``changes``), and a
nullable one set to ``null`` is cleared.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, Meta, UnsetType

from billflow.api.schemas import Currency, Email, HourlyRate, Id, Name, Request
from billflow.domain.model import Address, Client, Language, ProjectMember

Country = Annotated[str, Meta(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code, e.g. BE")]
Line = Annotated[str, Meta(min_length=1, max_length=200)]
Text = Annotated[str, Meta(max_length=200)]
PaymentTerms = Annotated[int, Meta(ge=0, le=365, description="Days from issue to due date")]


def changes(body: msgspec.Struct) -> dict[str, Any]:
    """The fields a PATCH body sets, by name."""
    return {f: v for f in body.__struct_fields__ if (v := getattr(body, f)) is not UNSET}


class AddressIn(Request):
    street: Line
    city: Line
    postal_code: Annotated[str, Meta(min_length=1, max_length=20)]
    country: Country

    def address(self) -> Address:
        return Address(self.street, self.city, self.postal_code, self.country)


class AddressBody(msgspec.Struct):
    street: str
    city: str
    postal_code: str
    country: str


class ClientIn(Request):
    name: Name
    email: Email
    address: AddressIn
    currency: Currency
    vat_id: Text | None = None
    language: Language = Language.EN
    payment_terms_days: PaymentTerms = 30
    buyer_reference: Text | None = None


class ClientPatch(Request):
    name: Name | UnsetType = UNSET
    email: Email | UnsetType = UNSET
    address: AddressIn | UnsetType = UNSET
    currency: Currency | UnsetType = UNSET
    vat_id: Text | UnsetType | None = UNSET
    language: Language | UnsetType = UNSET
    payment_terms_days: PaymentTerms | UnsetType = UNSET
    buyer_reference: Text | UnsetType | None = UNSET
    archived: bool | UnsetType = UNSET


class ClientOut(msgspec.Struct):
    id: str
    name: str
    email: str
    address: AddressBody
    currency: str
    vat_id: str | None
    language: Language
    payment_terms_days: int
    buyer_reference: str | None
    archived: bool

    @classmethod
    def of(cls, c: Client) -> ClientOut:
        a = c.address
        return cls(
            c.id,
            c.name,
            c.email,
            AddressBody(a.street, a.city, a.postal_code, a.country),
            c.currency,
            c.vat_id,
            c.language,
            c.payment_terms_days,
            c.buyer_reference,
            c.archived,
        )


class ClientList(msgspec.Struct):
    items: list[ClientOut]
    next_cursor: str | None = None
    """Give it as `cursor` for the next page; null on the last one."""


class MemberIn(Request):
    hourly_rate: (
        Annotated[Decimal, Meta(description="Overrides the project's rate for this person")] | None
    ) = None


class MemberOut(msgspec.Struct):
    project_id: str
    employee_id: str
    hourly_rate: Decimal | None

    @classmethod
    def of(cls, m: ProjectMember) -> MemberOut:
        return cls(m.project_id, m.employee_id, m.hourly_rate)


class MemberList(msgspec.Struct):
    items: list[MemberOut]
    next_cursor: str | None = None
    """Give it as `cursor` for the next page; null on the last one."""


class DepartmentPatch(Request):
    name: Name | UnsetType = UNSET
    archived: bool | UnsetType = UNSET


class ProjectPatch(Request):
    name: Name | UnsetType = UNSET
    tax_rate: Decimal | UnsetType = UNSET
    client_id: Id | UnsetType | None = UNSET
    hourly_rate: HourlyRate | UnsetType | None = UNSET
    archived: bool | UnsetType = UNSET


class EmployeePatch(Request):
    full_name: Name | UnsetType = UNSET
    email: Email | UnsetType = UNSET
    department_id: Id | UnsetType = UNSET
    project_id: Id | UnsetType = UNSET
    hourly_rate: Decimal | UnsetType = UNSET
    currency: Currency | UnsetType = UNSET
    archived: bool | UnsetType = UNSET
