"""What e-invoices need survives PostgreSQL exactly: the seller snapshot, tax rows per (category,
rate) with their exemptions, lines' categories, clients' and buyers' Peppol ids, projects'
categories, the company record (migration 0008)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from decimal import Decimal

import asyncpg
import pytest

from billflow.domain.model import Client, CreditNote, ElectronicAddress, Invoice, Project, TaxCategory
from billflow.platform.postgres.uow import AsyncpgUnitOfWorkFactory
from tests.support.einvoice_cases import DEMO_COMPANY, GERMAN, cases

pytestmark = pytest.mark.integration


def _id() -> str:
    return str(uuid.uuid4())


async def _client(uow: AsyncpgUnitOfWorkFactory) -> Client:
    assert GERMAN.address is not None
    client = Client(
        _id(),
        GERMAN.name,
        GERMAN.email,
        GERMAN.address,
        "EUR",
        vat_id=GERMAN.vat_id,
        electronic_address=ElectronicAddress("9930", "DE123456789"),
    )
    async with uow() as u:
        await u.clients.add(client)
        await u.commit()
    return client


def _stored(document: Invoice, client: Client) -> Invoice:
    """A case invoice with ids PostgreSQL takes (uuids) and a number of its own."""
    lines = tuple(replace(line, project_id=_id(), employee_id=_id()) for line in document.lines)
    number = f"INV-9{uuid.uuid4().int % 1000:03d}-{uuid.uuid4().int % 1_000_000:06d}"
    return replace(document, id=_id(), number=number, client_id=client.id, lines=lines)


async def test_a_client_invoice_with_several_categories_round_trips_with_its_seller_and_peppol_id(
    pool: asyncpg.Pool,
) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    client = await _client(uow)
    mixed = cases()["standard and exempt together"]
    assert isinstance(mixed, Invoice)
    invoice = _stored(
        replace(mixed, billed_to=replace(mixed.billed_to, electronic_address=client.electronic_address)),
        client,
    )
    async with uow() as u:
        await u.invoices.add(invoice)
        await u.commit()
    async with uow(read_only=True) as u:
        assert await u.invoices.get(invoice.id) == invoice


async def test_a_credit_note_keeps_its_rows_per_category_and_reads_its_invoices_seller(
    pool: asyncpg.Pool,
) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    client = await _client(uow)
    original = cases()["partial credit note"]
    assert isinstance(original, CreditNote)
    zero_and_exempt = cases()["standard and exempt together"]
    assert isinstance(zero_and_exempt, Invoice)
    invoice = _stored(zero_and_exempt, client)
    note = replace(
        original,
        id=_id(),
        number=f"CN-9{uuid.uuid4().int % 1000:03d}-{uuid.uuid4().int % 1_000_000:06d}",
        invoice_id=invoice.id,
        invoice_number=invoice.number,
        taxes=invoice.taxes,
        subtotal=invoice.subtotal,
        tax=invoice.tax,
        total=invoice.total,
    )
    async with uow() as u:
        await u.invoices.add(invoice)
        await u.credit_notes.add(note)
        await u.commit()
    async with uow(read_only=True) as u:
        stored = await u.credit_notes.get(note.id)
    assert stored is not None
    assert stored.taxes == invoice.taxes
    assert {t.category for t in stored.taxes} == {TaxCategory.STANDARD, TaxCategory.EXEMPT}
    assert stored.issuer == invoice.issuer == DEMO_COMPANY.snapshot()


async def test_a_project_keeps_its_category_and_exemption_and_the_company_record_round_trips(
    pool: asyncpg.Pool,
) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    project = Project(
        _id(), "Reverse", Decimal(0), None, None, False, TaxCategory.REVERSE_CHARGE, "RC", "VATEX-EU-AE"
    )
    async with uow() as u:
        await u.projects.add(project)
        before = await u.company.get()
        await u.company.save(DEMO_COMPANY)
        assert not await u.company.add_if_missing(replace(DEMO_COMPANY, name="Other"))
        assert await u.company.get() == DEMO_COMPANY
        if before is not None:
            await u.company.save(before)
        await u.commit()
    async with uow(read_only=True) as u:
        assert await u.projects.get(project.id) == project
