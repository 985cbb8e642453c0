"""Master data's use cases against in-memory fakes: clients, projects with rates, members, PATCH
and archive, time on several projects and the lock on billed time."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billflow.domain.errors import Conflict, EntryBilled, Forbidden, InvalidInput, NotFound
from billflow.domain.model import (
    Address,
    Department,
    Employee,
    Issuer,
    Language,
    Project,
    Role,
    User,
    Workday,
)
from billflow.domain.usecases.clients import Clients, NewClient
from billflow.domain.usecases.edit_organisation import Change, EditOrganisation
from billflow.domain.usecases.issue_invoice import IssueInvoice, IssueInvoiceCommand
from billflow.domain.usecases.organisation import NewEmployee, NewProject, Organisation
from billflow.domain.usecases.project_members import ProjectMembers, PutMember
from billflow.domain.usecases.quotas import InvoiceCreationQuota
from billflow.domain.usecases.workdays import DeleteWorkdayCommand, RecordWorkdaysCommand, Workdays
from domain_fakes import FakeUnitOfWorkFactory, FixedClock, MemoryRateLimiter, SequentialIds

pytestmark = pytest.mark.unit

ADMIN = User("u-admin", "admin@example.com", Role.ADMIN)
VIEWER = User("u-viewer", "viewer@example.com", Role.VIEWER)
ADA = User("u-ada", "ada@example.com", Role.EMPLOYEE, employee_id="e1")
DAY = date(2026, 10, 1)
ADDRESS = Address("Rue Haute 1", "Bruxelles", "1000", "BE")


@pytest.fixture
def uow() -> FakeUnitOfWorkFactory:
    f = FakeUnitOfWorkFactory()
    f.store.departments["d1"] = Department("d1", "Engineering")
    f.store.projects["p1"] = Project("p1", "Own", Decimal("21"))
    f.store.projects["p2"] = Project("p2", "Other", Decimal("6"))
    f.store.employees["e1"] = Employee("e1", "Ada", "ada@example.com", "d1", "p1", Decimal("50"), "EUR")
    return f


def new_client(**kw: object) -> NewClient:
    fields: dict[str, object] = {"name": "Initech", "email": "ap@initech.example", "address": ADDRESS}
    fields.update(kw)
    return NewClient(actor=ADMIN, currency=str(fields.pop("currency", "EUR")), **fields)  # type: ignore[arg-type]


async def test_a_client_is_created_with_defaults_and_text_trimmed(uow: FakeUnitOfWorkFactory) -> None:
    client = await Clients(uow, SequentialIds()).create(new_client(name="  Initech ", vat_id=" "))
    assert (client.name, client.vat_id, client.language, client.payment_terms_days) == (
        "Initech",
        None,
        Language.EN,
        30,
    )
    assert client.archived is False
    assert uow.store.clients[client.id] == client


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"address": Address("s", "c", "1", "XX")}, "address.country"),
        ({"address": Address("s", "c", "1", "EU")}, "address.country"),
        ({"address": Address(" ", "c", "1", "BE")}, "address.street"),
        ({"currency": "EUX"}, "currency"),
        ({"payment_terms_days": 366}, "payment_terms_days"),
        ({"payment_terms_days": -1}, "payment_terms_days"),
        ({"name": "\t"}, "name"),
    ],
)
async def test_a_client_breaking_a_rule_names_the_field_and_is_not_stored(
    uow: FakeUnitOfWorkFactory, kw: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as e:
        await Clients(uow, SequentialIds()).create(new_client(**kw))
    assert e.value.field == field
    assert uow.store.clients == {}


async def test_clients_are_read_by_readers_and_written_by_writers_only(uow: FakeUnitOfWorkFactory) -> None:
    clients = Clients(uow, SequentialIds())
    client = await clients.create(new_client())
    assert await clients.get(client.id, actor=VIEWER) == client
    with pytest.raises(Forbidden):
        await clients.create(NewClient(VIEWER, "X", "x@example.com", ADDRESS, "EUR"))
    with pytest.raises(Forbidden):
        await clients.list(actor=ADA)


async def test_an_archived_client_leaves_the_list_unless_asked_for(uow: FakeUnitOfWorkFactory) -> None:
    clients = Clients(uow, SequentialIds())
    client = await clients.create(new_client())
    archived = await clients.update(Change(client.id, {"archived": True, "language": Language.DE}, ADMIN))
    assert (archived.archived, archived.language, archived.name) == (True, Language.DE, "Initech")
    assert await clients.list(actor=ADMIN) == []
    assert await clients.list(actor=ADMIN, include_archived=True) == [archived]


async def test_a_change_breaking_a_rule_writes_nothing(uow: FakeUnitOfWorkFactory) -> None:
    clients = Clients(uow, SequentialIds())
    client = await clients.create(new_client())
    with pytest.raises(InvalidInput) as e:
        await clients.update(Change(client.id, {"name": "New", "currency": "XXX1"}, ADMIN))
    assert e.value.field == "currency"
    assert uow.store.clients[client.id] == client
    with pytest.raises(InvalidInput) as e:
        await clients.update(Change(client.id, {"id": "other"}, ADMIN))
    assert e.value.field == "id"


async def test_a_project_with_a_client_needs_a_rate_and_a_live_client(uow: FakeUnitOfWorkFactory) -> None:
    client = await Clients(uow, SequentialIds()).create(new_client())
    organisation = Organisation(uow, SequentialIds())
    with pytest.raises(InvalidInput) as e:
        await organisation.create_project(NewProject("Site", client_id=client.id), actor=ADMIN)
    assert e.value.field == "hourly_rate"
    with pytest.raises(InvalidInput) as e:
        await organisation.create_project(
            NewProject("Site", client_id="nobody", hourly_rate=Decimal(1)), actor=ADMIN
        )
    assert e.value.field == "client_id"
    with pytest.raises(InvalidInput) as e:
        await organisation.create_project(NewProject("Site", hourly_rate=Decimal(-1)), actor=ADMIN)
    assert e.value.field == "hourly_rate"
    project = await organisation.create_project(
        NewProject("Site", client_id=client.id, hourly_rate=Decimal(90)), actor=ADMIN
    )
    assert (project.client_id, project.hourly_rate) == (client.id, Decimal(90))

    await Clients(uow, SequentialIds()).update(Change(client.id, {"archived": True}, ADMIN))
    with pytest.raises(InvalidInput) as e:
        await organisation.create_project(
            NewProject("Late", client_id=client.id, hourly_rate=Decimal(1)), actor=ADMIN
        )
    assert e.value.field == "client_id"
    # the project already with the archived client may still change its other fields
    renamed = await EditOrganisation(uow).project(Change(project.id, {"name": "Site 2"}, ADMIN))
    assert renamed.client_id == client.id


async def test_archived_departments_and_projects_take_no_new_employees(uow: FakeUnitOfWorkFactory) -> None:
    edit = EditOrganisation(uow)
    await edit.department(Change("d1", {"archived": True}, ADMIN))
    await edit.project(Change("p2", {"archived": True}, ADMIN))
    organisation = Organisation(uow, SequentialIds())
    with pytest.raises(InvalidInput) as e:
        await organisation.create_employee(
            NewEmployee("Bo", "bo@example.com", "d1", "p1", Decimal(1), "EUR"), actor=ADMIN
        )
    assert e.value.field == "department_id"
    with pytest.raises(InvalidInput) as e:
        await edit.employee(Change("e1", {"project_id": "p2"}, ADMIN))
    assert e.value.field == "project_id"
    # staying in the archived department is fine
    renamed = await edit.employee(Change("e1", {"full_name": "Ada L."}, ADMIN))
    assert (renamed.full_name, renamed.department_id) == ("Ada L.", "d1")
    assert await organisation.departments(actor=ADMIN) == []
    assert [p.id for p in await organisation.projects(actor=ADMIN)] == ["p1"]


async def test_only_writers_change_master_data(uow: FakeUnitOfWorkFactory) -> None:
    with pytest.raises(Forbidden):
        await EditOrganisation(uow).employee(Change("e1", {"hourly_rate": Decimal(99)}, ADA))
    with pytest.raises(NotFound):
        await EditOrganisation(uow).department(Change("nope", {"name": "X"}, ADMIN))


async def test_members_with_a_rate_of_their_own_and_the_own_project_counted(
    uow: FakeUnitOfWorkFactory,
) -> None:
    members = ProjectMembers(uow)
    put = await members.put(PutMember("p2", "e1", Decimal("120"), ADMIN))
    assert put.hourly_rate == Decimal("120")
    assert [(m.employee_id, m.hourly_rate) for m in await members.list("p2", actor=VIEWER)] == [
        ("e1", Decimal("120"))
    ]
    assert [(m.employee_id, m.hourly_rate) for m in await members.list("p1", actor=VIEWER)] == [("e1", None)]
    with pytest.raises(InvalidInput) as e:
        await members.put(PutMember("p2", "e1", Decimal("-1"), ADMIN))
    assert e.value.field == "hourly_rate"
    with pytest.raises(Conflict):
        await members.delete("p1", "e1", actor=ADMIN)
    await members.delete("p2", "e1", actor=ADMIN)
    with pytest.raises(NotFound):
        await members.delete("p2", "e1", actor=ADMIN)
    await EditOrganisation(uow).project(Change("p2", {"archived": True}, ADMIN))
    with pytest.raises(InvalidInput) as e:
        await members.put(PutMember("p2", "e1", None, ADMIN))
    assert e.value.field == "project_id"


def entry(hours: str, project_id: str | None = None, on: date = DAY) -> Workday:
    return Workday(on, Decimal(hours), None, project_id)


async def test_one_day_holds_hours_on_two_projects_for_a_member(uow: FakeUnitOfWorkFactory) -> None:
    workdays = Workdays(uow)
    with pytest.raises(InvalidInput) as e:
        await workdays.record(RecordWorkdaysCommand("e1", [entry("3"), entry("5", "p2")], ADMIN))
    assert e.value.field == "workdays[1].project_id"
    assert uow.store.entries("e1") == {}

    await ProjectMembers(uow).put(PutMember("p2", "e1", None, ADMIN))
    stored = await workdays.record(RecordWorkdaysCommand("e1", [entry("5", "p2"), entry("3")], ADA))
    assert [(w.project_id, w.hours) for w in stored] == [("p1", Decimal(3)), ("p2", Decimal(5))]
    assert await workdays.between("e1", DAY, DAY, actor=ADA) == stored

    with pytest.raises(InvalidInput) as e:
        await workdays.record(RecordWorkdaysCommand("e1", [entry("1", "p1"), entry("2")], ADMIN))
    assert e.value.field == "workdays[1].date"

    await workdays.delete(DeleteWorkdayCommand("e1", DAY, "p2", ADMIN))
    assert [w.project_id for w in await workdays.between("e1", DAY, DAY, actor=ADMIN)] == ["p1"]
    with pytest.raises(NotFound):
        await workdays.delete(DeleteWorkdayCommand("e1", DAY, "p2", ADMIN))


async def test_archived_projects_and_employees_take_no_new_time(uow: FakeUnitOfWorkFactory) -> None:
    workdays = Workdays(uow)
    await workdays.record(RecordWorkdaysCommand("e1", [entry("3")], ADMIN))
    await EditOrganisation(uow).project(Change("p1", {"archived": True}, ADMIN))
    with pytest.raises(InvalidInput) as e:
        await workdays.record(
            RecordWorkdaysCommand("e1", [entry("3"), entry("4", on=date(2026, 10, 2))], ADMIN)
        )
    assert e.value.field == "workdays[1].project_id"
    await EditOrganisation(uow).employee(Change("e1", {"archived": True}, ADMIN))
    with pytest.raises(InvalidInput) as e:
        await workdays.record(RecordWorkdaysCommand("e1", [entry("5")], ADMIN))
    assert e.value.field == "employee_id"
    # unchanged time is no new time
    assert await workdays.record(RecordWorkdaysCommand("e1", [entry("3")], ADMIN)) == [entry("3", "p1")]


async def test_billed_time_is_locked_but_may_be_sent_again_unchanged(uow: FakeUnitOfWorkFactory) -> None:
    workdays = Workdays(uow)
    await workdays.record(RecordWorkdaysCommand("e1", [entry("8")], ADMIN))
    quota = InvoiceCreationQuota(MemoryRateLimiter(), per_minute=0)
    invoice = await IssueInvoice(
        uow, SequentialIds(), FixedClock(), Issuer("Acme", "1 Street", "BE1"), quota
    ).execute(IssueInvoiceCommand("e1", date(2026, 10, 1), date(2026, 10, 31), "c", actor=ADMIN))
    with pytest.raises(EntryBilled) as e:
        await workdays.record(RecordWorkdaysCommand("e1", [entry("7")], ADMIN))
    assert e.value.invoice_number == invoice.number
    assert invoice.number in e.value.detail
    with pytest.raises(EntryBilled):
        await workdays.delete(DeleteWorkdayCommand("e1", DAY, None, ADMIN))
    assert await workdays.record(RecordWorkdaysCommand("e1", [entry("8.00")], ADMIN)) == [entry("8", "p1")]
    assert uow.store.entries("e1")[(DAY, "p1")].hours == Decimal(8)


async def test_an_employee_reads_the_live_projects_they_may_record_time_on_their_own_first(
    uow: FakeUnitOfWorkFactory,
) -> None:
    uow.store.projects["p3"] = Project("p3", "Archived since", Decimal("0"))
    await ProjectMembers(uow).put(PutMember("p2", "e1", None, ADMIN))
    await ProjectMembers(uow).put(PutMember("p3", "e1", None, ADMIN))
    await EditOrganisation(uow).project(Change("p3", {"archived": True}, ADMIN))
    workdays = Workdays(uow)
    assert [p.id for p in await workdays.projects("e1", actor=ADA)] == ["p1", "p2"]
    assert [p.id for p in await workdays.projects("e1", actor=VIEWER)] == ["p1", "p2"]
    other = User("u-bob", "bob@example.com", Role.EMPLOYEE, employee_id="e2")
    with pytest.raises(NotFound):
        await workdays.projects("e1", actor=other)
