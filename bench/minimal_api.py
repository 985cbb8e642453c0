"""The baseline `bench.api_load` compares the API with: a minimal Litestar + msgspec + asyncpg app
serving the same read as ``GET /v1/invoices/{id}`` (the same repository query, the same response
schema), with no authentication, middleware, unit of work or use case.

Served by the same HTTP server as the API, so the difference is Billflow's own work per request.
``DATABASE_URL`` names the database; the factory is ``bench.minimal_api:app``.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import cast

import asyncpg
from litestar import Litestar, get
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from billflow.api.schemas import InvoiceOut
from billflow.platform.postgres.invoices import AsyncpgInvoiceRepository


@get("/invoices/{invoice_id:str}")
async def one_invoice(invoice_id: FromPath[str], state: State) -> InvoiceOut:
    pool: asyncpg.Pool = state.pool
    async with pool.acquire() as proxy:
        # A pool hands out a proxy that forwards every Connection method; asyncpg-stubs do not
        # make it a subtype of Connection, which is what the repository is typed against.
        conn = cast(asyncpg.Connection, proxy)
        invoice = await AsyncpgInvoiceRepository(conn).get(invoice_id)
    if invoice is None:
        raise NotFoundException()
    return InvoiceOut.of(invoice)


def app() -> Litestar:
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=4, max_size=10) as pool:
            app.state.pool = pool
            yield

    return Litestar(route_handlers=[one_invoice], lifespan=[lifespan], logging_config=None)
