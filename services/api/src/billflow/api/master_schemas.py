"""Bodies for clients, project members and the PATCH of every kind of master data.

A PATCH body's fields default to ``UNSET``: only those present change (``changes``), and a
nullable one set to ``null`` is cleared.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, Meta, UnsetType

from billflow.api.schemas import (
    Currency,
    ElectronicAddressBody,
    Email,
    ExemptionText,
    HourlyRate,
    Id,
    Name,
    Request,
)
from billflow.domain.model import (
    Address,
    Client,
    Company,
    Contact,
    ElectronicAddress,
    Language,
    ProjectMember,
    TaxCategory,
)
from billflow.domain.model.company import normalise_iban

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
    electronic_address: ElectronicAddressBody | None = None
    """The client's Peppol participant id: its UBL is then Peppol BIS Billing 3.0."""


def endpoint(body: ElectronicAddressBody | None) -> ElectronicAddress | None:
    return ElectronicAddress(body.scheme, body.id) if body is not None else None


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
    electronic_address: ElectronicAddressBody | UnsetType | None = UNSET


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
    electronic_address: ElectronicAddressBody | None = None

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
            ElectronicAddressBody(c.electronic_address.scheme, c.electronic_address.id)
            if c.electronic_address
            else None,
        )


class ClientList(msgspec.Struct):
    items: list[ClientOut]


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


class DepartmentPatch(Request):
    name: Name | UnsetType = UNSET
    archived: bool | UnsetType = UNSET


class ProjectPatch(Request):
    name: Name | UnsetType = UNSET
    tax_rate: Decimal | UnsetType = UNSET
    client_id: Id | UnsetType | None = UNSET
    hourly_rate: HourlyRate | UnsetType | None = UNSET
    archived: bool | UnsetType = UNSET
    tax_category: TaxCategory | UnsetType = UNSET
    exemption_reason: ExemptionText | UnsetType | None = UNSET
    exemption_code: ExemptionText | UnsetType | None = UNSET


class EmployeePatch(Request):
    full_name: Name | UnsetType = UNSET
    email: Email | UnsetType = UNSET
    department_id: Id | UnsetType = UNSET
    project_id: Id | UnsetType = UNSET
    hourly_rate: Decimal | UnsetType = UNSET
    currency: Currency | UnsetType = UNSET
    archived: bool | UnsetType = UNSET


class ContactBody(Request):
    name: Line
    phone: Annotated[str, Meta(max_length=50)]
    email: Email


class CompanyBody(Request):
    """The company record: the seller on every client invoice and credit note issued from now on."""

    name: Name
    address: AddressIn
    vat_id: Annotated[str, Meta(max_length=20, description="With its country prefix, e.g. BE0123456749")]
    contact: ContactBody
    iban: Annotated[str, Meta(max_length=42)]
    tax_number: Text | None = None
    bic: Annotated[str, Meta(max_length=11)] | None = None
    electronic_address: ElectronicAddressBody | None = None
    """The company's Peppol participant id (e.g. scheme 0208 and a Belgian enterprise number)."""

    def company(self) -> Company:
        c = self.contact
        return Company(
            name=self.name.strip(),
            address=self.address.address(),
            vat_id=self.vat_id.strip().upper(),
            contact=Contact(c.name.strip(), c.phone.strip(), c.email.strip()),
            iban=normalise_iban(self.iban),
            tax_number=(self.tax_number or "").strip() or None,
            bic=(self.bic or "").strip().upper() or None,
            electronic_address=endpoint(self.electronic_address),
        )

    @classmethod
    def of(cls, c: Company) -> CompanyBody:
        a, e, p = c.address, c.electronic_address, c.contact
        return cls(
            name=c.name,
            address=AddressIn(a.street, a.city, a.postal_code, a.country),
            vat_id=c.vat_id,
            contact=ContactBody(p.name, p.phone, p.email),
            iban=c.iban,
            tax_number=c.tax_number,
            bic=c.bic,
            electronic_address=ElectronicAddressBody(e.scheme, e.id) if e else None,
        )
