"""asyncpg repository for clients."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from billflow.domain.model import Address, Client, Language
from billflow.domain.ports.pagination import Page, PageRequest
from billflow.platform.postgres.paging import page_of, text_and_id
from billflow.platform.postgres.sellers import endpoint_of

_COLUMNS = (
    "id::text, name, email, street, city, postal_code, country, vat_id, currency, language,"
    " payment_terms_days, buyer_reference, archived, endpoint_scheme, endpoint_id"
)


def _client(row: asyncpg.Record) -> Client:
    return Client(
        id=row["id"],
        name=row["name"],
        email=row["email"],
        address=Address(row["street"], row["city"], row["postal_code"], row["country"]),
        currency=row["currency"],
        vat_id=row["vat_id"],
        language=Language(row["language"]),
        payment_terms_days=row["payment_terms_days"],
        buyer_reference=row["buyer_reference"],
        archived=row["archived"],
        electronic_address=endpoint_of(row["endpoint_scheme"], row["endpoint_id"]),
    )


def _values(c: Client) -> tuple[object, ...]:
    a = c.address
    return (
        c.id, c.name, c.email, a.street, a.city, a.postal_code, a.country, c.vat_id, c.currency,
        c.language.value, c.payment_terms_days, c.buyer_reference, c.archived,
        c.electronic_address.scheme if c.electronic_address else None,
        c.electronic_address.id if c.electronic_address else None,
    )  # fmt: skip


class AsyncpgClientRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, client: Client) -> None:
        await self._conn.execute(
            f"INSERT INTO clients ({_COLUMNS.replace('id::text', 'id')})"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            *_values(client),
        )

    async def get(self, client_id: str) -> Client | None:
        row = await self._conn.fetchrow(f"SELECT {_COLUMNS} FROM clients WHERE id = $1", client_id)
        return _client(row) if row else None

    async def get_for_update(self, client_id: str) -> Client | None:
        row = await self._conn.fetchrow(f"SELECT {_COLUMNS} FROM clients WHERE id = $1 FOR UPDATE", client_id)
        return _client(row) if row else None

    async def list(self, *, include_archived: bool = False) -> Sequence[Client]:
        rows = await self._conn.fetch(
            f"SELECT {_COLUMNS} FROM clients WHERE $1 OR NOT archived ORDER BY name, id", include_archived
        )
        return [_client(r) for r in rows]

    async def page(self, request: PageRequest, *, include_archived: bool = False) -> Page[Client]:
        name, after = text_and_id(request.cursor)
        rows = await self._conn.fetch(
            f"SELECT {_COLUMNS} FROM clients WHERE ($1 OR NOT archived)"
            " AND ($2::text IS NULL OR (name, id) > ($2, $3::uuid)) ORDER BY name, id LIMIT $4",
            include_archived,
            name,
            after,
            request.size + 1,
        )
        return page_of(rows, request.size, _client, lambda r: (r["name"], r["id"]))

    async def lock_all(self) -> Sequence[Client]:
        rows = await self._conn.fetch(f"SELECT {_COLUMNS} FROM clients ORDER BY id FOR UPDATE")
        return [_client(r) for r in rows]

    async def lock_page(self, after: tuple[str, str] | None, limit: int) -> Sequence[Client]:
        # Before the first chunk, a bound below every client (a name is never empty): one plain
        # row comparison, whatever the chunk.
        name, after_id = after or ("", "00000000-0000-0000-0000-000000000000")
        rows = await self._conn.fetch(
            f"SELECT {_COLUMNS} FROM clients WHERE (name, id) > ($1::text, $2::uuid)"
            " ORDER BY name, id LIMIT $3 FOR UPDATE",
            name,
            after_id,
            limit,
        )
        return [_client(r) for r in rows]

    async def update(self, client: Client) -> None:
        await self._conn.execute(
            "UPDATE clients SET name = $2, email = $3, street = $4, city = $5, postal_code = $6,"
            " country = $7, vat_id = $8, currency = $9, language = $10, payment_terms_days = $11,"
            " buyer_reference = $12, archived = $13, endpoint_scheme = $14, endpoint_id = $15 WHERE id = $1",
            *_values(client),
        )
