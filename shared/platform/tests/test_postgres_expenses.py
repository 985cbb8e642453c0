"""The expense adapters against PostgreSQL: guarded readings, corrections, months, statement claims."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import asyncpg
import pytest

from billflow.domain.expenses import ExtractedFields, Field
from billflow.domain.expenses.expense import Expense, ExpenseStatus
from billflow.domain.expenses.vendor_memory import VendorSignature, learn, vendor_key
from billflow.domain.model import Role, User
from billflow.platform.postgres.uow import AsyncpgUnitOfWorkFactory

pytestmark = pytest.mark.integration


async def _user(uow: AsyncpgUnitOfWorkFactory) -> User:
    user = User(str(uuid.uuid4()), f"{uuid.uuid4().hex[:10]}@example.com", Role.VIEWER)
    async with uow() as u:
        await u.users.add(user, "hash")
        await u.commit()
    return user


async def _expense(uow: AsyncpgUnitOfWorkFactory, user: User, at: datetime) -> Expense:
    expense_id = str(uuid.uuid4())
    expense = Expense(
        expense_id, user.id, ExpenseStatus.PROCESSING, f"expenses/x/{expense_id}.pdf", "application/pdf",
        "bill.pdf", at, at, note="n",
    )  # fmt: skip
    async with uow() as u:
        await u.expenses.add(expense)
        await u.commit()
    return expense


async def test_a_reading_is_recorded_once_and_a_correction_confirms_it(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    expense = await _expense(uow, await _user(uow), datetime.now(UTC))
    fields = ExtractedFields(
        vendor=Field("ACME", 0.8), invoice_date=Field(date(2026, 11, 3), 0.9), currency=Field("EUR", 0.95),
        tax=Field(Decimal("21.00"), 0.7), total=Field(Decimal("121.00"), 0.9),
    )  # fmt: skip
    async with uow() as u:
        assert await u.expenses.record_reading(expense.id, ExpenseStatus.EXTRACTED, fields)
        assert not await u.expenses.record_reading(expense.id, ExpenseStatus.NEEDS_REVIEW, fields)
        assert not await u.expenses.fail(expense.id, "late")
        await u.commit()
    async with uow() as u:
        read = await u.expenses.get(expense.id)
        corrected = await u.expenses.correct(expense.id, {"total": Decimal("120.5"), "invoice_number": "A-1"})
        await u.commit()
    assert read is not None
    assert (read.status, read.total, read.currency, read.confidence["total"]) == (
        ExpenseStatus.EXTRACTED, Decimal("121.00"), "EUR", 0.9,
    )  # fmt: skip
    assert corrected is not None
    assert (corrected.status, corrected.total, corrected.invoice_number) == (
        ExpenseStatus.CONFIRMED, Decimal("120.5"), "A-1",
    )  # fmt: skip
    assert (corrected.confidence["total"], corrected.confidence["vendor"]) == (1.0, 0.8)


async def test_a_month_holds_what_was_uploaded_in_it(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    user = await _user(uow)
    inside = await _expense(uow, user, datetime(1999, 3, 31, 23, 59, 59, tzinfo=UTC))
    await _expense(uow, user, datetime(1999, 4, 1, tzinfo=UTC))
    async with uow() as u:
        listed = await u.expenses.list(
            user_id=user.id,
            uploaded_from=datetime(1999, 3, 1, tzinfo=UTC),
            uploaded_before=datetime(1999, 4, 1, tzinfo=UTC),
        )
        uploaders = await u.expenses.uploaders(
            datetime(1999, 3, 1, tzinfo=UTC), datetime(1999, 4, 1, tzinfo=UTC)
        )
    assert [e.id for e in listed] == [inside.id]
    assert user.id in uploaders


async def test_of_two_senders_racing_for_a_statement_one_wins(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    user = await _user(uow)

    async def claim() -> bool:
        async with uow() as u:
            got = await u.statements.claim(user.id, "1999-03", "<m@x>", 60)
            await u.commit()
        return got is not None

    assert sorted(await asyncio.gather(claim(), claim())) == [False, True]
    async with uow() as u:
        await u.statements.accepted(user.id, "1999-03")
        await u.commit()
    assert not await claim()
    async with uow() as u:
        assert await u.statements.state(user.id, "1999-03") == "accepted"


async def test_the_same_file_of_the_same_uploader_is_refused_once_even_when_inserted_twice(
    pool: asyncpg.Pool,
) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    alice, bob = await _user(uow), await _user(uow)
    now = datetime.now(UTC)
    digest = uuid.uuid4().hex

    def one(user: User) -> Expense:
        expense_id = str(uuid.uuid4())
        return Expense(
            expense_id, user.id, ExpenseStatus.PROCESSING, f"expenses/x/{expense_id}.heic", "image/heic",
            "IMG.heic", now, now, content_sha256=digest,
        )  # fmt: skip

    first = one(alice)
    async with uow() as u:
        assert await u.expenses.add(first)
        assert not await u.expenses.add(one(alice))
        assert await u.expenses.add(one(bob))  # another uploader's copy is theirs
        await u.commit()
    async with uow(read_only=True) as u:
        found = await u.expenses.find_same_file(alice.id, digest)
    assert found is not None
    assert (found.id, found.media_type, found.content_sha256) == (first.id, "image/heic", digest)


async def test_an_expense_of_the_same_vendor_number_and_total_is_found_and_its_mark_kept(
    pool: asyncpg.Pool,
) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    user = await _user(uow)
    earlier = await _expense(uow, user, datetime(2026, 3, 1, tzinfo=UTC))
    later = await _expense(uow, user, datetime(2026, 3, 2, tzinfo=UTC))
    number = f"INV-{uuid.uuid4().hex[:8]}"
    fields = ExtractedFields(
        vendor=Field("Kestrel Marine", 0.8),
        invoice_number=Field(number, 0.9),
        total=Field(Decimal("80.00"), 0.9),
    )
    seen = VendorSignature("Kestrel Marine", 0.8, ("IE6388047V",), ("kestrel", "marine"))
    async with uow() as u:
        assert await u.expenses.record_reading(earlier.id, ExpenseStatus.EXTRACTED, fields, signature=seen)
        same = await u.expenses.find_same_invoice(later.id, user.id, "KESTREL MARINE", number, Decimal("80"))
        stranger = await u.expenses.find_same_invoice(
            later.id, str(uuid.uuid4()), "Kestrel Marine", number, Decimal("80")
        )
        assert await u.expenses.record_reading(
            later.id, ExpenseStatus.NEEDS_REVIEW, fields, possible_duplicate_of=same
        )
        await u.commit()
    assert (same, stranger) == (earlier.id, None)
    async with uow() as u:
        marked = await u.expenses.get(later.id)
        assert await u.expenses.vendor_signature(earlier.id) == seen
        cleared = await u.expenses.correct(later.id, {"possible_duplicate_of": None})
        await u.commit()
    assert marked is not None
    assert marked.possible_duplicate_of == earlier.id
    assert cleared is not None
    assert (cleared.possible_duplicate_of, cleared.status) == (None, ExpenseStatus.CONFIRMED)


async def test_the_vendor_memory_keeps_one_row_per_vendor_and_lists_them_by_name(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    name = f"Zephyr {uuid.uuid4().hex[:6]}"
    now = datetime.now(UTC)
    first = learn(None, name, VendorSignature("Zephyr Ltd", 0.6, ("DE812526315",), ("zephyr",)), now)
    async with uow() as u:
        await u.vendors.put(first)
        await u.vendors.put(learn(first, name, VendorSignature("Zephyr GmbH", 0.6, (), ("berlin",)), now))
        await u.commit()
    async with uow(read_only=True) as u:
        known = await u.vendors.get(vendor_key(name))
        everyone = await u.vendors.all()
    assert known is not None
    assert (known.name, known.corrections, known.vat_ids) == (name, 2, ("DE812526315",))
    assert set(known.header) == {"zephyr", "berlin"}
    assert [v.name for v in everyone].count(name) == 1
