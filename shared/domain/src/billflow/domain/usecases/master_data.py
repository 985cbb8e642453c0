"""The rules master data keeps, stated once for creating a record and for changing it.

Business rules:
- Names are non-empty after trimming and hold no control characters.
- A project's tax rate is a percentage from 0 to 100; its hourly rate (to its client) is not
  negative and is required when the project has a client, which exists and is not archived.
- An employee belongs to an existing department and project; the hourly rate is not negative;
  the currency is an active ISO 4217 code. An archived department or project takes no new
  employees (one already in it may stay).
- A client's country is ISO 3166-1 alpha-2, its currency ISO 4217, its payment terms 0 to 365 days.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from functools import cache

from babel import Locale

from billflow.domain.errors import InvalidInput
from billflow.domain.model import Client, ElectronicAddress, Employee, Project
from billflow.domain.model.tax import check_tax_category, normalised
from billflow.domain.money import validate_currency
from billflow.domain.ports.unit_of_work import UnitOfWork

MAX_PAYMENT_TERMS_DAYS = 365
# CLDR names a few regions that ISO 3166-1 does not assign: the EU, the eurozone, the UN,
# "outlying Oceania", two pseudo-locales, "unknown", and the exceptionally reserved codes (Ascension,
# Clipperton, Sark, Diego Garcia, Ceuta and Melilla, the Canaries, Tristan da Cunha). Kosovo's XK
# stays: user-assigned, but what the EU and banks use.
_NOT_COUNTRIES = frozenset(
    {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"}
)


def name(value: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput(f"{field} must not be blank", field=field)
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise InvalidInput(f"{field} must not contain control characters", field=field)
    return value


def optional_text(value: str | None, field: str) -> str | None:
    """Blank is the same as absent; anything else follows the rules of a name."""
    return name(value, field) if value is not None and value.strip() else None


@cache
def _countries() -> frozenset[str]:
    # Loaded on first use, not at import: CLDR's data is read from disk.
    codes = {str(c) for c in Locale("en").territories}
    return frozenset(c for c in codes if len(c) == 2 and c.isalpha()) - _NOT_COUNTRIES


def country(code: str, field: str = "address.country") -> str:
    if code not in _countries():
        raise InvalidInput(f"not an ISO 3166-1 alpha-2 country code: {code!r}", field=field)
    return code


def rate(value: Decimal | None, field: str = "hourly_rate") -> None:
    if value is not None and (not value.is_finite() or value < 0):
        raise InvalidInput(f"{field} must not be negative", field=field)


def checked_client(c: Client) -> Client:
    """``c`` with its text trimmed, or InvalidInput naming the first field that breaks a rule."""
    if not 0 <= c.payment_terms_days <= MAX_PAYMENT_TERMS_DAYS:
        raise InvalidInput(
            f"payment_terms_days is from 0 to {MAX_PAYMENT_TERMS_DAYS}", field="payment_terms_days"
        )
    a = c.address
    address = replace(
        a,
        street=name(a.street, "address.street"),
        city=name(a.city, "address.city"),
        postal_code=name(a.postal_code, "address.postal_code"),
        country=country(a.country),
    )
    return replace(
        c,
        name=name(c.name, "name"),
        email=c.email.strip(),
        address=address,
        currency=validate_currency(c.currency),
        vat_id=optional_text(c.vat_id, "vat_id"),
        buyer_reference=optional_text(c.buyer_reference, "buyer_reference"),
        electronic_address=checked_endpoint(c.electronic_address),
    )


def checked_endpoint(e: ElectronicAddress | None) -> ElectronicAddress | None:
    """A Peppol participant id: a four-digit EAS scheme (``0208``, ``9925``, ...) and an id."""
    if e is None:
        return None
    scheme, endpoint_id = e.scheme.strip(), e.id.strip()
    if not (len(scheme) == 4 and scheme.isdigit()):
        raise InvalidInput(
            "electronic_address.scheme is a four-digit EAS code, e.g. 0208", field="electronic_address.scheme"
        )
    if not endpoint_id or len(endpoint_id) > 100:
        raise InvalidInput("electronic_address.id is required", field="electronic_address.id")
    return ElectronicAddress(scheme, endpoint_id)


async def checked_project(uow: UnitOfWork, p: Project, before: Project | None = None) -> Project:
    """``p`` as it may be stored (created, or changed from ``before``), or InvalidInput.

    Moving a project to another client after its hours were billed is allowed: issued invoices
    are snapshots, and the hours already billed stay locked on the invoice that billed them."""
    if not p.tax_rate.is_finite() or not Decimal(0) <= p.tax_rate <= Decimal(100):
        raise InvalidInput("tax_rate is a percentage from 0 to 100", field="tax_rate")
    rate(p.hourly_rate)
    reason = optional_text(p.exemption_reason, "exemption_reason") or None
    code = optional_text(p.exemption_code, "exemption_code") or None
    category = normalised(p.tax_category, p.tax_rate)
    check_tax_category(category, p.tax_rate, reason, code)
    p = replace(
        p, tax_category=category, exemption_reason=reason, exemption_code=code.upper() if code else None
    )
    if p.client_id is not None:
        if p.hourly_rate is None:
            raise InvalidInput("a project with a client needs an hourly_rate", field="hourly_rate")
        if before is None or before.client_id != p.client_id:
            client = await uow.clients.get(p.client_id)
            if client is None:
                raise InvalidInput("no such client", field="client_id")
            if client.archived:
                raise InvalidInput("the client is archived", field="client_id")
    return replace(p, name=name(p.name, "name"))


async def checked_employee(uow: UnitOfWork, e: Employee, before: Employee | None = None) -> Employee:
    """``e`` as it may be stored (created, or changed from ``before``), or InvalidInput."""
    if not e.hourly_rate.is_finite() or e.hourly_rate < 0:
        raise InvalidInput("hourly_rate must not be negative", field="hourly_rate")
    e = replace(e, full_name=name(e.full_name, "full_name"), currency=validate_currency(e.currency))
    if before is None or before.department_id != e.department_id:
        department = await uow.departments.get(e.department_id)
        if department is None:
            raise InvalidInput("no such department", field="department_id")
        if department.archived:
            raise InvalidInput("the department is archived", field="department_id")
    if before is None or before.project_id != e.project_id:
        project = await uow.projects.get(e.project_id)
        if project is None:
            raise InvalidInput("no such project", field="project_id")
        if project.archived:
            raise InvalidInput("the project is archived", field="project_id")
    return e
