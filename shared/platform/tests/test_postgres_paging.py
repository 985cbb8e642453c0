"""Keyset pagination of the lists against a real PostgreSQL: pages in the list's order, ties on
the sort key broken by id, nothing twice and nothing missing, and a foreign cursor refused."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import asyncpg
import pytest

from billflow.domain.errors import InvalidInput
from billflow.domain.expenses.expense import Expense, ExpenseStatus
from billflow.domain.model import Department, Role, User
from billflow.domain.ports.pagination import Page, PageRequest
from billflow.platform.postgres.paging import decode_cursor, encode_cursor
from billflow.platform.postgres.uow import AsyncpgUnitOfWorkFactory

pytestmark = pytest.mark.integration

T = TypeVar("T")


async def walk(fetch: Callable[[PageRequest], Awaitable[Page[T]]], limit: int) -> list[T]:
    items: list[T] = []
    cursor: str | None = None
    while True:
        page = await fetch(PageRequest(limit, cursor))
        assert len(page.items) <= limit
        items.extend(page.items)
        if page.next_cursor is None:
            return items
        cursor = page.next_cursor


def ids(items: Sequence[Any]) -> list[str]:
    return [x.id for x in items]


async def test_departments_page_in_the_lists_order_with_ties_on_the_name_broken_by_id(
    pool: asyncpg.Pool,
) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    name = f"Paged {uuid.uuid4().hex[:6]}"
    ours = [Department(str(uuid.uuid4()), name) for _ in range(5)]
    async with uow() as u:
        for d in ours:
            await u.departments.add(d)
        await u.commit()
    async with uow(read_only=True) as u:
        everything = await u.departments.list(include_archived=True)
        paged = await walk(lambda p: u.departments.page(p, include_archived=True), 2)
    assert ids(paged) == ids(everything)
    assert len(set(ids(paged))) == len(paged)
    assert {d.id for d in ours} <= set(ids(paged))


async def test_users_page_by_email_whatever_its_case(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    tag = uuid.uuid4().hex[:6]
    async with uow() as u:
        for email in (f"B-{tag}@example.com", f"a-{tag}@example.com", f"c-{tag}@example.com"):
            await u.users.add(User(str(uuid.uuid4()), email, Role.VIEWER), "hash")
        await u.commit()
    async with uow(read_only=True) as u:
        paged = await walk(u.users.page, 2)
    emails = [x.email for x in paged]
    assert emails == sorted(emails, key=str.lower)
    assert len(set(ids(paged))) == len(paged)


async def test_expenses_uploaded_at_the_same_instant_are_paged_by_id_and_none_is_lost(
    pool: asyncpg.Pool,
) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    user = User(str(uuid.uuid4()), f"{uuid.uuid4().hex[:10]}@example.com", Role.VIEWER)
    at = datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
    async with uow() as u:
        await u.users.add(user, "hash")
        for i in range(7):
            expense_id = str(uuid.uuid4())
            when = at if i < 5 else datetime.now(UTC)
            await u.expenses.add(
                Expense(
                    expense_id,
                    user.id,
                    ExpenseStatus.PROCESSING,
                    f"uploads/x/{expense_id}.pdf",
                    "application/pdf",
                    "bill.pdf",
                    when,
                    when,
                )
            )
        await u.commit()
    async with uow(read_only=True) as u:
        listed = await u.expenses.list(user_id=user.id, uploaded_from=None, uploaded_before=None)
        paged = await walk(
            lambda p: u.expenses.page(p, user_id=user.id, uploaded_from=None, uploaded_before=None), 3
        )
    assert len(paged) == 7
    assert ids(paged) == ids(listed)


@pytest.mark.parametrize(
    "cursor",
    [
        "!!!",
        encode_cursor("just one part"),
        encode_cursor("name", "not-a-uuid"),
        encode_cursor("a", "b", "c"),
    ],
)
async def test_a_cursor_the_api_did_not_hand_out_is_invalid_input(pool: asyncpg.Pool, cursor: str) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    async with uow(read_only=True) as u:
        with pytest.raises(InvalidInput) as refused:
            await u.departments.page(PageRequest(2, cursor))
    assert refused.value.field == "cursor"


def test_a_cursor_of_one_part_is_the_invoices_cursor_of_before() -> None:
    assert encode_cursor("2026-000042") == "MjAyNi0wMDAwNDI"
    assert decode_cursor(encode_cursor("Ünïcode", "x"), 2) == ("Ünïcode", "x")
