from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import asyncpg
import pytest

from billflow.platform.settings import PostgresSettings


@pytest.fixture(scope="session")
async def pool(postgres_url: str) -> AsyncIterator[asyncpg.Pool]:
    from billflow.platform.postgres.pool import create_pool

    p = await create_pool(PostgresSettings(database_url=postgres_url, pool_min_size=1, pool_max_size=30))
    yield p
    await p.close()


@pytest.fixture
async def stack() -> AsyncIterator[AsyncExitStack]:
    async with AsyncExitStack() as s:
        yield s
