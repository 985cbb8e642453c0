"""Reading a whole paginated list through the API, following ``next_cursor``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx


async def every_item(
    client: httpx.AsyncClient, path: str, params: Mapping[str, str] | None = None, *, limit: int = 100
) -> list[dict[str, Any]]:
    """Every item of the list at ``path``, page by page; fails on a page that repeats an item."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        query = {**(params or {}), "limit": str(limit), **({"cursor": cursor} if cursor else {})}
        response = await client.get(path, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items
