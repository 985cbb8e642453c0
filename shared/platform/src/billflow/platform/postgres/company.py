"""asyncpg repository of the company record (one row)."""

from __future__ import annotations

import asyncpg

from billflow.domain.model import Address, Company, Contact
from billflow.platform.postgres.sellers import endpoint_of

_COLUMNS = (
    "name, street, city, postal_code, country, vat_id, tax_number, contact_name, contact_phone,"
    " contact_email, iban, bic, endpoint_scheme, endpoint_id"
)
_VALUES = "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14"


def _values(c: Company) -> tuple[object, ...]:
    a, e = c.address, c.electronic_address
    return (
        c.name, a.street, a.city, a.postal_code, a.country, c.vat_id, c.tax_number, c.contact.name,
        c.contact.phone, c.contact.email, c.iban, c.bic, e.scheme if e else None, e.id if e else None,
    )  # fmt: skip


class AsyncpgCompanyRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def get(self, *, for_update: bool = False) -> Company | None:
        r = await self._conn.fetchrow(
            f"SELECT {_COLUMNS} FROM company" + (" FOR UPDATE" if for_update else "")
        )
        if r is None:
            return None
        return Company(
            name=r["name"],
            address=Address(r["street"], r["city"], r["postal_code"], r["country"]),
            vat_id=r["vat_id"],
            contact=Contact(r["contact_name"], r["contact_phone"], r["contact_email"]),
            iban=r["iban"],
            tax_number=r["tax_number"],
            bic=r["bic"],
            electronic_address=endpoint_of(r["endpoint_scheme"], r["endpoint_id"]),
        )

    async def save(self, company: Company) -> None:
        updates = ", ".join(f"{c.strip()} = EXCLUDED.{c.strip()}" for c in _COLUMNS.split(","))
        await self._conn.execute(
            f"INSERT INTO company ({_COLUMNS}) VALUES ({_VALUES})"
            f" ON CONFLICT (id) DO UPDATE SET {updates}, updated_at = now()",
            *_values(company),
        )

    async def add_if_missing(self, company: Company) -> bool:
        result = await self._conn.execute(
            f"INSERT INTO company ({_COLUMNS}) VALUES ({_VALUES}) ON CONFLICT (id) DO NOTHING",
            *_values(company),
        )
        return result == "INSERT 0 1"
