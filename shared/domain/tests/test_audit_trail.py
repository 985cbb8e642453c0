"""The audit trail and API keys against in-memory fakes: what an entry says, that no secret
reaches it, that writes of every kind reach it in their own transaction, and a key's life."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from billflow.domain import auditing
from billflow.domain.errors import Forbidden, InvalidInput, NotFound, Unauthenticated
from billflow.domain.model import (
    ActorKind,
    Department,
    Employee,
    FieldChange,
    Issuer,
    Project,
    Role,
    User,
    Workday,
)
from billflow.domain.ports.audit import AuditFilter
from billflow.domain.usecases.accounts import Accounts
from billflow.domain.usecases.api_keys import ApiKeys, NewApiKey, key_digest
from billflow.domain.usecases.audit_trail import AuditTrail
from billflow.domain.usecases.edit_organisation import Change, EditOrganisation
from billflow.domain.usecases.invoice_queries import InvoiceQueries
from billflow.domain.usecases.issue_invoice import IssueInvoice, IssueInvoiceCommand
from billflow.domain.usecases.payments import Payments, RecordPaymentCommand
from billflow.domain.usecases.quotas import InvoiceCreationQuota
from billflow.domain.usecases.upload_expense import UploadExpense, UploadExpenseCommand
from billflow.domain.usecases.users import NewUser, Users
from billflow.domain.usecases.workdays import RecordWorkdaysCommand, Workdays
from domain_fakes import (
    FakeUnitOfWorkFactory,
    FixedClock,
    MemoryDocuments,
    MemoryRateLimiter,
    PlainHasher,
    PlainTokens,
    SequentialIds,
)

pytestmark = pytest.mark.unit

ADMIN = User("u-admin", "admin@example.com", Role.ADMIN)
ACCOUNTANT = User("u-acc", "acc@example.com", Role.ACCOUNTANT)


@pytest.fixture
def uow() -> FakeUnitOfWorkFactory:
    f = FakeUnitOfWorkFactory()
    f.store.departments["d1"] = Department("d1", "Engineering")
    f.store.projects["p1"] = Project("p1", "Own", Decimal("21"))
    f.store.employees["e1"] = Employee("e1", "Ada", "ada@example.com", "d1", "p1", Decimal("50"), "EUR")
    return f


def test_a_change_lists_only_the_fields_that_differ_as_json() -> None:
    before = Employee("e1", "Ada", "ada@example.com", "d1", "p1", Decimal("50"), "EUR")
    after = Employee("e1", "Ada", "ada@example.com", "d1", "p1", Decimal("62.50"), "EUR")
    assert auditing.changes(before, after) == {"hourly_rate": FieldChange("50", "62.50")}


def test_a_new_record_lists_every_field_with_no_old_value() -> None:
    found = auditing.changes(None, Workday(date(2026, 3, 2), Decimal("7.5"), None, "p1"))
    assert found == {
        "date": FieldChange(None, "2026-03-02"),
        "hours": FieldChange(None, "7.5"),
        "project_id": FieldChange(None, "p1"),
    }


@pytest.mark.parametrize(
    "name",
    [
        "password",
        "password_hash",
        "key",
        "api_key",
        "digest",
        "secret",
        "client_secret",
        "access_token",
        "Refresh_Token",
    ],
)
def test_a_field_named_like_a_secret_never_reaches_the_trail(name: str) -> None:
    assert auditing.is_secret_field(name)
    assert auditing.changes(None, {name: "hunter2", "name": "x"}) == {"name": FieldChange(None, "x")}
    assert auditing.changes({"nested": {name: "a"}}, {"nested": {name: "b"}}) == {}


def test_flattened_records_name_the_inner_fields_that_changed_and_drop_inner_secrets() -> None:
    before = {"name": "A", "bank": {"iban": "BE1", "api_key": "k1"}, "portal": None}
    after = {
        "name": "A",
        "bank": {"iban": "BE2", "api_key": "k2"},
        "portal": {"url": "https://x", "token": "t"},
    }
    assert auditing.flattened(None) == {}
    assert auditing.flattened(after) == {"name": "A", "bank.iban": "BE2", "portal.url": "https://x"}
    assert auditing.changes(auditing.flattened(before), auditing.flattened(after)) == {
        "bank.iban": FieldChange("BE1", "BE2"),
        "portal.url": FieldChange(None, "https://x"),
    }
    assert auditing.is_secret_field("bank.api_key")
    assert auditing.is_secret_field("portal.token")


def test_a_value_that_looks_like_a_billflow_credential_is_redacted_whatever_its_field() -> None:
    found = auditing.changes(None, {"note": "bf_abcdef", "url": "whsec_abc", "name": "bfx"})
    assert found == {
        "note": FieldChange(None, auditing.REDACTED),
        "url": FieldChange(None, auditing.REDACTED),
        "name": FieldChange(None, "bfx"),
    }


def test_ordinary_fields_are_not_mistaken_for_secrets() -> None:
    for name in ("hourly_rate", "email", "monkey_business", "keyboard", "tokenised"):
        assert not auditing.is_secret_field(name), name


async def test_an_employee_rate_change_is_audited_with_old_and_new_value_and_actor(
    uow: FakeUnitOfWorkFactory,
) -> None:
    await EditOrganisation(uow).employee(Change("e1", {"hourly_rate": Decimal("62.50")}, ACCOUNTANT))
    (entry,) = uow.store.audit
    assert (entry.actor_kind, entry.actor_id, entry.entity, entry.entity_id, entry.action) == (
        ActorKind.USER,
        "u-acc",
        "employee",
        "e1",
        "update",
    )
    assert entry.changes == {"hourly_rate": FieldChange("50", "62.50")}


async def test_a_write_that_changes_nothing_records_nothing(uow: FakeUnitOfWorkFactory) -> None:
    await EditOrganisation(uow).employee(Change("e1", {"hourly_rate": Decimal("50")}, ACCOUNTANT))
    assert uow.store.audit == []


async def test_a_refused_write_leaves_no_entry(uow: FakeUnitOfWorkFactory) -> None:
    with pytest.raises(InvalidInput):
        await EditOrganisation(uow).employee(Change("e1", {"hourly_rate": Decimal("-1")}, ACCOUNTANT))
    assert uow.store.audit == []


async def test_recorded_workdays_are_one_entry_each(uow: FakeUnitOfWorkFactory) -> None:
    days = [Workday(date(2026, 3, d), Decimal(8)) for d in (2, 3)]
    await Workdays(uow).record(RecordWorkdaysCommand("e1", days, ACCOUNTANT))
    assert [(e.entity, e.entity_id, e.action) for e in uow.store.audit] == [
        ("workday", "e1/2026-03-02/p1", "record"),
        ("workday", "e1/2026-03-03/p1", "record"),
    ]


async def test_a_new_user_is_audited_without_their_password(uow: FakeUnitOfWorkFactory) -> None:
    users = Users(uow, SequentialIds(), PlainHasher())
    await users.create(ADMIN, NewUser("new@example.com", "a-long-password", Role.VIEWER))
    (entry,) = uow.store.audit
    assert entry.entity == "user"
    assert "password" not in repr(entry)
    assert "a-long-password" not in repr(entry)


def keys(uow: FakeUnitOfWorkFactory, clock: FixedClock) -> tuple[ApiKeys, Accounts]:
    accounts_box: list[Accounts] = []
    api_keys = ApiKeys(uow, SequentialIds(), clock, on_revoked=lambda i: accounts_box[0].forget(i))
    accounts = Accounts(
        uow,
        SequentialIds(),
        PlainHasher(),
        PlainTokens(),
        PlainTokens(),
        MemoryRateLimiter(),
        clock=clock,
        remember_seconds=60,
        api_keys=api_keys,
    )
    accounts_box.append(accounts)
    return api_keys, accounts


async def test_a_key_is_shown_once_kept_as_a_digest_and_acts_with_its_role(
    uow: FakeUnitOfWorkFactory,
) -> None:
    clock = FixedClock()
    api_keys, accounts = keys(uow, clock)
    made = await api_keys.create(NewApiKey(ADMIN, " ci ", Role.VIEWER))
    assert made.key.startswith("bf_")
    assert len(made.key) > 40
    (stored,) = uow.store.api_keys.values()
    assert stored[1] == key_digest(made.key)
    assert made.key not in repr(stored)
    actor = await accounts.authenticate(made.key)
    assert (actor.id, actor.role, actor.kind) == (made.api_key.id, Role.VIEWER, ActorKind.API_KEY)
    assert made.key not in repr(uow.store.audit)


async def test_last_used_moves_at_most_once_a_minute(uow: FakeUnitOfWorkFactory) -> None:
    clock = FixedClock()
    api_keys, _ = keys(uow, clock)
    made = await api_keys.create(NewApiKey(ADMIN, "ci", Role.ACCOUNTANT))
    first = clock.now()
    assert await api_keys.actor_of(made.key) is not None
    clock.current += timedelta(seconds=30)
    await api_keys.actor_of(made.key)
    assert uow.store.api_keys[made.api_key.id][0].last_used_at == first
    clock.current += timedelta(seconds=31)
    await api_keys.actor_of(made.key)
    assert uow.store.api_keys[made.api_key.id][0].last_used_at == clock.now()


async def test_a_revoked_key_is_refused_at_once_in_this_process(uow: FakeUnitOfWorkFactory) -> None:
    api_keys, accounts = keys(uow, FixedClock())
    made = await api_keys.create(NewApiKey(ADMIN, "ci", Role.ACCOUNTANT))
    await accounts.authenticate(made.key)  # now remembered
    await api_keys.revoke(made.api_key.id, actor=ADMIN)
    with pytest.raises(Unauthenticated):
        await accounts.authenticate(made.key)
    with pytest.raises(NotFound):
        await api_keys.revoke(made.api_key.id, actor=ADMIN)
    assert [e.action for e in uow.store.audit] == ["create", "revoke"]


async def test_only_an_admin_manages_keys_and_only_for_accountant_or_viewer(
    uow: FakeUnitOfWorkFactory,
) -> None:
    api_keys, _ = keys(uow, FixedClock())
    with pytest.raises(Forbidden):
        await api_keys.create(NewApiKey(ACCOUNTANT, "ci", Role.VIEWER))
    with pytest.raises(InvalidInput):
        await api_keys.create(NewApiKey(ADMIN, "ci", Role.ADMIN))
    with pytest.raises(InvalidInput):
        await api_keys.create(NewApiKey(ADMIN, "  ", Role.VIEWER))


async def test_an_api_key_uploads_no_expense(uow: FakeUnitOfWorkFactory) -> None:
    key_actor = User("k1", "", Role.ACCOUNTANT, kind=ActorKind.API_KEY)
    upload = UploadExpense(uow, MemoryDocuments(), SequentialIds(), FixedClock())
    with pytest.raises(Forbidden):
        await upload.execute(UploadExpenseCommand(key_actor, b"%PDF-1.4", "a.pdf", None, "c1"))


async def test_only_an_admin_reads_the_trail(uow: FakeUnitOfWorkFactory) -> None:
    await EditOrganisation(uow).employee(Change("e1", {"hourly_rate": Decimal("70")}, ACCOUNTANT))
    trail = AuditTrail(uow)
    with pytest.raises(Forbidden):
        await trail.page(AuditFilter(), actor=ACCOUNTANT)
    page = await trail.page(AuditFilter(entity="employee", entity_id="e1"), actor=ADMIN)
    assert [e.changes["hourly_rate"].new for e in page.items] == ["70"]


async def test_an_invoices_history_tells_who_issued_it_and_who_was_paid_by_a_key(
    uow: FakeUnitOfWorkFactory,
) -> None:
    uow.store.users[ACCOUNTANT.id] = (ACCOUNTANT, "hash")
    uow.store.workdays["e1"] = {date(2026, 10, 1): Workday(date(2026, 10, 1), Decimal("8"))}
    quota = InvoiceCreationQuota(MemoryRateLimiter(), per_minute=0)
    issuing = IssueInvoice(uow, SequentialIds(), FixedClock(), Issuer("Acme", "1 Street", "BE1"), quota)
    invoice = await issuing.execute(
        IssueInvoiceCommand("e1", date(2026, 10, 1), date(2026, 10, 31), "c", ACCOUNTANT)
    )
    api_keys, accounts = keys(uow, FixedClock())
    made = await api_keys.create(NewApiKey(ADMIN, "bank sync", Role.ACCOUNTANT))
    machine = await accounts.authenticate(made.key)
    await Payments(uow, SequentialIds(), FixedClock()).record(
        RecordPaymentCommand(invoice.id, Decimal("10.00"), date(2026, 11, 2), None, "REF-1", machine)
    )
    lines = await InvoiceQueries(uow, MemoryDocuments(), FixedClock()).history(invoice.id, actor=ACCOUNTANT)
    assert [(line.by, line.entry.action) for line in lines] == [
        ("acc@example.com", "issue"),
        ("API key bank sync", "settle"),
    ]
    assert lines[0].entry.changes["number"] == FieldChange(None, invoice.number)
    assert lines[1].entry.changes["amount_paid"] == FieldChange("0", "10.00")


async def test_another_process_refuses_a_revoked_key_once_its_cache_window_has_passed(
    uow: FakeUnitOfWorkFactory,
) -> None:
    clock = FixedClock()
    here_keys, _ = keys(uow, clock)
    _, there = keys(uow, clock)  # a second API process over the same database
    made = await here_keys.create(NewApiKey(ADMIN, "ci", Role.VIEWER))
    assert (await there.authenticate(made.key)).id == made.api_key.id
    await here_keys.revoke(made.api_key.id, actor=ADMIN)
    clock.current += timedelta(seconds=59)  # the window is 60 s here (``keys``)
    assert (await there.authenticate(made.key)).id == made.api_key.id
    clock.current += timedelta(seconds=2)
    with pytest.raises(Unauthenticated):
        await there.authenticate(made.key)
