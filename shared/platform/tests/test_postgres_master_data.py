"""The asyncpg adapters of master data (clients, archiving, members, time per project) against a
real PostgreSQL."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal

import asyncpg
import pytest

from billflow.domain.model import (
    Address,
    BilledTo,
    Client,
    Department,
    Employee,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Issuer,
    Language,
    Project,
    ProjectMember,
    Workday,
)
from billflow.platform.postgres.uow import AsyncpgUnitOfWorkFactory

pytestmark = pytest.mark.integration

MARCH = date(2026, 3, 2)


def new_id() -> str:
    return str(uuid.uuid4())


def a_client(**changes: object) -> Client:
    client = Client(
        id=new_id(),
        name=f"Client {uuid.uuid4().hex[:8]}",
        email="billing@client.example",
        address=Address("Rue Haute 1", "Bruxelles", "1000", "BE"),
        currency="EUR",
        vat_id="BE0123456789",
        language=Language.FR,
        payment_terms_days=14,
        buyer_reference="PO-1",
    )
    return replace(client, **changes)  # type: ignore[arg-type]


async def company(uow: AsyncpgUnitOfWorkFactory) -> tuple[Employee, Project]:
    """An employee on their own project, and a second project with a client."""
    client = a_client()
    d = Department(new_id(), "Ops")
    own = Project(new_id(), "Own", Decimal("21"))
    other = Project(new_id(), "Other", Decimal("6"), client_id=client.id, hourly_rate=Decimal("120"))
    e = Employee(new_id(), "Ada", "ada@example.com", d.id, own.id, Decimal("50"), "EUR")
    async with uow() as u:
        await u.clients.add(client)
        await u.departments.add(d)
        await u.projects.add(own)
        await u.projects.add(other)
        await u.employees.add(e)
        await u.commit()
    return e, other


async def test_a_client_round_trips_and_is_listed_by_name_until_archived(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    client = a_client()
    async with uow() as u:
        await u.clients.add(client)
        await u.commit()
    async with uow() as u:
        assert await u.clients.get(client.id) == client
        assert client in await u.clients.list()
        changed = replace(client, name="Renamed", address=replace(client.address, city="Gent"), archived=True)
        await u.clients.update(changed)
        await u.commit()
    async with uow() as u:
        assert await u.clients.get(client.id) == changed
        assert changed not in await u.clients.list()
        listed = await u.clients.list(include_archived=True)
        assert changed in listed
        assert [c.name for c in listed] == sorted(c.name for c in listed)


async def test_archived_departments_projects_and_employees_leave_lists_but_stay(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    employee, project = await company(uow)
    async with uow() as u:
        department = await u.departments.get(employee.department_id)
        assert department is not None
        await u.departments.update(replace(department, name="Gone", archived=True))
        await u.projects.update(replace(project, name="Moved", client_id=None, archived=True))
        await u.employees.update(replace(employee, full_name="Ada L.", archived=True))
        await u.commit()
    async with uow() as u:
        assert await u.departments.get(employee.department_id) == Department(
            employee.department_id, "Gone", archived=True
        )
        assert (await u.projects.get(project.id)) == replace(
            project, name="Moved", client_id=None, archived=True
        )
        assert (await u.employees.get(employee.id)) == replace(employee, full_name="Ada L.", archived=True)
        assert employee.id not in {e.id for e in await u.employees.list()}
        assert employee.id in {e.id for e in await u.employees.list(include_archived=True)}
        assert project.id not in {p.id for p in await u.projects.list()}
        assert project.id in {p.id for p in await u.projects.list(include_archived=True)}
        assert employee.department_id not in {d.id for d in await u.departments.list()}


async def test_members_are_the_rows_and_those_whose_own_project_it_is(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    employee, other = await company(uow)
    async with uow() as u:
        assert await u.members.projects_of(employee.id) == {employee.project_id}
        await u.members.put(ProjectMember(other.id, employee.id, Decimal("100")))
        await u.members.put(ProjectMember(other.id, employee.id, Decimal("110")))
        await u.commit()
    async with uow() as u:
        assert await u.members.list(other.id) == [ProjectMember(other.id, employee.id, Decimal("110"))]
        assert await u.members.list(employee.project_id) == [ProjectMember(employee.project_id, employee.id)]
        assert await u.members.projects_of(employee.id) == {employee.project_id, other.id}
        assert await u.members.rates([other.id]) == {(other.id, employee.id): Decimal("110")}
        assert await u.members.delete(other.id, employee.id) is True
        assert await u.members.delete(other.id, employee.id) is False
        await u.commit()
    async with uow() as u:
        assert await u.members.list(other.id) == []


async def test_one_day_holds_entries_on_two_projects_and_each_goes_alone(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    employee, other = await company(uow)
    async with uow() as u:
        await u.members.put(ProjectMember(other.id, employee.id))
        await u.workdays.upsert(
            employee.id,
            [
                Workday(MARCH, Decimal("3"), None, employee.project_id),
                Workday(MARCH, Decimal("5"), "x", other.id),
            ],
        )
        await u.workdays.upsert(employee.id, [Workday(MARCH, Decimal("4"), None, other.id)])
        await u.commit()
    async with uow() as u:
        assert await u.workdays.between(employee.id, MARCH, MARCH) == sorted(
            [
                Workday(MARCH, Decimal("3.00"), None, employee.project_id),
                Workday(MARCH, Decimal("4.00"), None, other.id),
            ],
            key=lambda w: w.project_id or "",
        )
        recorded = await u.workdays.recorded(employee.id, [(MARCH, other.id), (date(2026, 3, 3), other.id)])
        assert list(recorded) == [(MARCH, other.id)]
        assert recorded[(MARCH, other.id)].workday.hours == Decimal("4.00")
        assert recorded[(MARCH, other.id)].billed_on is None
        assert await u.workdays.delete(employee.id, MARCH, other.id) is True
        assert await u.workdays.delete(employee.id, MARCH, other.id) is False
        await u.commit()
    async with uow() as u:
        assert [w.project_id for w in await u.workdays.between(employee.id, MARCH, MARCH)] == [
            employee.project_id
        ]


async def test_an_entry_on_an_employee_invoice_is_recorded_with_its_number(pool: asyncpg.Pool) -> None:
    uow = AsyncpgUnitOfWorkFactory(pool)
    employee, _ = await company(uow)
    invoice = Invoice(
        id=new_id(),
        number=f"INV-9{uuid.uuid4().int % 1000:03d}-{uuid.uuid4().int % 1_000_000:06d}",
        status=InvoiceStatus.PENDING,
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        issue_date=date(2026, 4, 1),
        due_date=date(2026, 5, 1),
        currency="EUR",
        lines=(InvoiceLine(MARCH, Decimal("8"), Decimal("50"), Decimal("400")),),
        subtotal=Decimal("400"),
        tax_rate=Decimal("21"),
        tax=Decimal("84"),
        total=Decimal("484"),
        issuer=Issuer("Acme", "1 Street", "BE1"),
        billed_to=BilledTo(employee.full_name, employee.email),
        employee_id=employee.id,
    )
    async with uow() as u:
        await u.workdays.upsert(employee.id, [Workday(MARCH, Decimal("8"))])
        await u.invoices.add(invoice)
        await u.commit()
    async with uow() as u:
        recorded = await u.workdays.recorded(employee.id, [(MARCH, employee.project_id)])
    assert recorded[(MARCH, employee.project_id)].billed_on == invoice.number
