"""How the seller's snapshot, Peppol ids and (category, rate) tax rows are stored."""

from __future__ import annotations

import json
from collections.abc import Sequence

import asyncpg

from billflow.domain.model import Address, Contact, ElectronicAddress, Issuer, TaxCategory, TaxRow

CATEGORY_ORDER = "array_position(ARRAY[{}]::text[], t.category)".format(
    ", ".join(f"'{c.value}'" for c in TaxCategory)
)
"""SQL ordering tax rows ``t`` as the domain orders them: by category, then rate."""


def endpoint_of(scheme: str | None, endpoint_id: str | None) -> ElectronicAddress | None:
    return ElectronicAddress(scheme, endpoint_id) if scheme is not None and endpoint_id is not None else None


def tax_rows_of(rows: Sequence[asyncpg.Record]) -> tuple[TaxRow, ...]:
    return tuple(TaxRow(r[0], r[1], r[2], TaxCategory(r[3]), r[4], r[5]) for r in rows)


def issuer_json(issuer: Issuer) -> str:
    a, c, e = issuer.postal_address, issuer.contact, issuer.electronic_address
    return json.dumps(
        {
            "name": issuer.name,
            "address": issuer.address,
            "vat_id": issuer.tax_id,
            "postal_address": None
            if a is None
            else {"street": a.street, "city": a.city, "postal_code": a.postal_code, "country": a.country},
            "tax_number": issuer.tax_number,
            "contact": None if c is None else {"name": c.name, "phone": c.phone, "email": c.email},
            "iban": issuer.iban,
            "bic": issuer.bic,
            "electronic_address": None if e is None else {"scheme": e.scheme, "id": e.id},
        }
    )


def issuer_of(row: asyncpg.Record) -> Issuer:
    """The stored snapshot; the three printed columns of a document issued before migration 0008."""
    stored = row["issuer_snapshot"]
    if stored is None:
        return Issuer(row["issuer_name"], row["issuer_address"], row["issuer_tax_id"])
    s = json.loads(stored)
    a, c, e = s["postal_address"], s["contact"], s["electronic_address"]
    return Issuer(
        name=s["name"],
        address=s["address"],
        tax_id=s["vat_id"],
        postal_address=None if a is None else Address(a["street"], a["city"], a["postal_code"], a["country"]),
        tax_number=s["tax_number"],
        contact=None if c is None else Contact(c["name"], c["phone"], c["email"]),
        iban=s["iban"],
        bic=s["bic"],
        electronic_address=None if e is None else ElectronicAddress(e["scheme"], e["id"]),
    )
