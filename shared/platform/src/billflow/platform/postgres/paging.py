"""Keyset pagination: the cursor of a page is the sort key of its last row, opaque to clients.

Every list orders by columns that end in a unique one, asks for ``limit + 1`` rows after the
cursor's key and hands out the ``limit`` first: the extra row only says there is a next page.
A key of one part is the part itself in URL-safe base64 (the invoices' cursor since the first
list); a key of several parts is their JSON array, so no separator can occur inside a part.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

import asyncpg

from billflow.domain.errors import InvalidInput
from billflow.domain.ports.pagination import Page

T = TypeVar("T")


def encode_cursor(*key: str) -> str:
    text = key[0] if len(key) == 1 else json.dumps(list(key), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, parts: int = 1) -> tuple[str, ...]:
    """The key ``encode_cursor`` wrote; InvalidInput (field ``cursor``) for anything else."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if parts == 1:
            return (text,)
        key = json.loads(text)
    except (binascii.Error, UnicodeDecodeError, ValueError) as e:
        raise _foreign() from e
    if not (isinstance(key, list) and len(key) == parts and all(isinstance(k, str) for k in key)):
        raise _foreign()
    return tuple(key)


def cursor_uuid(text: str) -> str:
    """A key part that must be a row id (PostgreSQL would refuse anything else with a 500)."""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise _foreign() from None


def cursor_time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise _foreign() from None


def text_and_id(cursor: str | None) -> tuple[str | None, str | None]:
    """The (text, row id) key a page of a list ordered by a text column and its id starts after."""
    if cursor is None:
        return None, None
    text, row_id = decode_cursor(cursor, 2)
    return text, cursor_uuid(row_id)


def page_of(
    rows: Sequence[asyncpg.Record],
    limit: int,
    build: Callable[[asyncpg.Record], T],
    key: Callable[[asyncpg.Record], tuple[str, ...]],
) -> Page[T]:
    """The page of ``rows`` (fetched with ``LIMIT limit + 1``) and the cursor of the next one."""
    shown = rows[:limit]
    more = len(rows) > limit and shown
    return Page(items=[build(r) for r in shown], next_cursor=encode_cursor(*key(shown[-1])) if more else None)


def _foreign() -> InvalidInput:
    return InvalidInput("cursor is not one this API handed out", field="cursor")
