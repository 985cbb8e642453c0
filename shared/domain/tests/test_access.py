"""Who may do what, in the use cases themselves (routes add nothing the domain does not check)."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from decimal import Decimal

import pytest

from billflow.domain import access
from billflow.domain.access import Action
from billflow.domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    InvoiceOverlap,
    NotFound,
    RateLimited,
    Unauthenticated,
)
from billflow.domain.model import (
    Department,
    Employee,
    Invoice,
    InvoiceStatus,
    Issuer,
    Project,
    Role,
    User,
    Workday,
)
from billflow.domain.usecases.accounts import LOGIN_MAX_FAILURES, Accounts
from billflow.domain.usecases.fail_invoice import FailInvoice, FailInvoiceCommand
from billflow.domain.usecases.invoice_queries import InvoiceQueries
from billflow.domain.usecases.issue_invoice import IssueInvoice, IssueInvoiceCommand
from billflow.domain.usecases.organisation import NewDepartment, NewEmployee, NewProject, Organisation
from billflow.domain.usecases.quotas import InvoiceCreationQuota
from billflow.domain.usecases.retry_invoice import RetryInvoice, RetryInvoiceCommand
from billflow.domain.usecases.start_billing_run import StartBillingRun, StartBillingRunCommand
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

OCT = (date(2026, 10, 1), date(2026, 10, 31))
ADMIN = User("u-admin", "admin@example.com", Role.ADMIN)
ACCOUNTANT = User("u-acc", "acc@example.com", Role.ACCOUNTANT)
VIEWER = User("u-view", "view@example.com", Role.VIEWER)
ALICE = User("u-alice", "alice@example.com", Role.EMPLOYEE, employee_id="e1")


@pytest.fixture
def uow() -> FakeUnitOfWorkFactory:
    f = FakeUnitOfWorkFactory()
    f.store.departments["d1"] = Department("d1", "Engineering")
    f.store.projects["p1"] = Project("p1", "Apollo", Decimal("10"))
    for n in ("e1", "e2"):
        f.store.employees[n] = Employee(
            n, f"Person {n}", f"{n}@example.com", "d1", "p1", Decimal("50"), "EUR"
        )
        f.store.workdays[n] = {date(2026, 10, 1): Workday(date(2026, 10, 1), Decimal("8"))}
    return f


async def _invoices(uow: FakeUnitOfWorkFactory) -> tuple[Invoice, Invoice]:
    quota = InvoiceCreationQuota(MemoryRateLimiter(), per_minute=0)
    issuing = IssueInvoice(uow, SequentialIds(), FixedClock(), Issuer("Acme", "1 Street", "BE1"), quota)
    own = await issuing.execute(IssueInvoiceCommand("e1", *OCT, correlation_id="c", actor=ADMIN))
    other = await issuing.execute(IssueInvoiceCommand("e2", *OCT, correlation_id="c", actor=ADMIN))
    return own, other


def test_the_role_matrix_is_the_one_the_issue_states() -> None:
    table = {role: {a for a in Action if access.may(User("x", "x@x", role), a)} for role in Role}
    assert table[Role.ADMIN] == set(Action)
    assert table[Role.ACCOUNTANT] == set(Action) - {
        Action.MANAGE_USERS,
        Action.SEND_STATEMENTS,
        Action.SEND_REMINDERS,
        Action.MANAGE_WEBHOOKS,
        Action.MANAGE_API_KEYS,
        Action.READ_AUDIT,
        Action.EDIT_COMPANY,
    }
    assert table[Role.VIEWER] == {Action.READ_BILLING, Action.READ_OWN}
    assert table[Role.EMPLOYEE] == {Action.READ_OWN, Action.RECORD_OWN_WORKDAYS}


async def test_an_employee_sees_only_their_own_invoices_and_others_look_missing(
    uow: FakeUnitOfWorkFactory,
) -> None:
    own, other = await _invoices(uow)
    queries = InvoiceQueries(uow, MemoryDocuments(), FixedClock())
    assert (await queries.get(own.id, actor=ALICE)).id == own.id
    with pytest.raises(NotFound) as hidden:
        await queries.get(other.id, actor=ALICE)
    with pytest.raises(NotFound) as missing:
        await queries.get("no-such-id", actor=ALICE)
    assert hidden.value.detail == missing.value.detail
    assert [i.id for i in (await queries.list(actor=ALICE)).items] == [own.id]
    assert (await queries.list(actor=ALICE, employee_id="e2")).items == []
    assert {i.id for i in (await queries.list(actor=VIEWER)).items} == {own.id, other.id}
    with pytest.raises(NotFound):
        await queries.download_link(other.id, actor=ALICE)  # before any URL is signed


async def test_an_employee_user_without_an_employee_sees_nothing(uow: FakeUnitOfWorkFactory) -> None:
    await _invoices(uow)
    orphan = User("u-orphan", "o@example.com", Role.EMPLOYEE)
    assert (await InvoiceQueries(uow, MemoryDocuments(), FixedClock()).list(actor=orphan)).items == []


async def test_billing_runs_are_for_those_who_read_all_billing_data(uow: FakeUnitOfWorkFactory) -> None:
    with pytest.raises(Forbidden):
        await InvoiceQueries(uow, MemoryDocuments(), FixedClock()).billing_run("r", actor=ALICE)


async def test_employees_record_and_read_only_their_own_workdays_viewers_record_none(
    uow: FakeUnitOfWorkFactory,
) -> None:
    workdays = Workdays(uow)
    day = [Workday(date(2026, 10, 2), Decimal("7.5"), project_id="p1")]
    assert await workdays.record(RecordWorkdaysCommand("e1", day, ALICE)) == day
    with pytest.raises(NotFound):
        await workdays.record(RecordWorkdaysCommand("e2", day, ALICE))
    with pytest.raises(Forbidden):
        await workdays.record(RecordWorkdaysCommand("e1", day, VIEWER))
    assert await workdays.record(RecordWorkdaysCommand("e2", day, ACCOUNTANT)) == day
    assert len(await workdays.between("e1", *OCT, actor=ALICE)) == 2
    with pytest.raises(NotFound):
        await workdays.between("e2", *OCT, actor=ALICE)
    org = Organisation(uow, SequentialIds())
    assert (await org.employee("e1", actor=ALICE)).id == "e1"
    with pytest.raises(NotFound):
        await org.employee("e2", actor=ALICE)


async def test_only_admins_manage_users_and_employee_users_need_an_employee(
    uow: FakeUnitOfWorkFactory,
) -> None:
    users = Users(uow, SequentialIds(), PlainHasher())
    for actor in (ACCOUNTANT, VIEWER, ALICE):
        with pytest.raises(Forbidden):
            await users.create(actor, NewUser("x@example.com", "long enough", Role.VIEWER))
        with pytest.raises(Forbidden):
            await users.list(actor)
        with pytest.raises(Forbidden):
            await users.delete(actor, "anything")
    with pytest.raises(InvalidInput) as no_employee:
        await users.create(ADMIN, NewUser("e@example.com", "long enough", Role.EMPLOYEE))
    assert no_employee.value.field == "employee_id"
    with pytest.raises(InvalidInput) as unknown:
        await users.create(ADMIN, NewUser("e@example.com", "long enough", Role.EMPLOYEE, "e9"))
    assert unknown.value.field == "employee_id"
    created = await users.create(ADMIN, NewUser("E@Example.com", "long enough", Role.EMPLOYEE, "e1"))
    assert (created.email, created.employee_id) == ("e@example.com", "e1")
    assert [u.id for u in await users.list(ADMIN)] == [created.id]
    await users.delete(ADMIN, created.id)
    with pytest.raises(NotFound):
        await users.delete(ADMIN, created.id)
    with pytest.raises(Conflict):
        await users.delete(ADMIN, ADMIN.id)


def _accounts(
    uow: FakeUnitOfWorkFactory, limiter: MemoryRateLimiter, hasher: PlainHasher | None = None
) -> Accounts:
    return Accounts(uow, SequentialIds(), hasher or PlainHasher(), PlainTokens(), PlainTokens(), limiter)


async def test_ten_failed_logins_a_minute_lock_the_account_with_a_retry_after(
    uow: FakeUnitOfWorkFactory,
) -> None:
    limiter = MemoryRateLimiter()
    accounts = _accounts(uow, limiter)
    await accounts.create_user("boss@example.com", "correct horse", Role.ADMIN)
    for n in range(LOGIN_MAX_FAILURES):
        with pytest.raises(Unauthenticated):
            await accounts.login("boss@example.com", "wrong", f"10.0.0.{n}")
    with pytest.raises(RateLimited) as limited:
        await accounts.login("boss@example.com", "correct horse", "10.9.9.9")
    assert 1 <= limited.value.retry_after <= 60
    limiter.now += 61
    assert (await accounts.login("boss@example.com", "correct horse", "10.9.9.9")).access_token


async def test_ten_failed_logins_a_minute_from_one_address_lock_the_address(
    uow: FakeUnitOfWorkFactory,
) -> None:
    accounts = _accounts(uow, MemoryRateLimiter())
    await accounts.create_user("boss@example.com", "correct horse", Role.ADMIN)
    for n in range(LOGIN_MAX_FAILURES):
        with pytest.raises(Unauthenticated):
            await accounts.login(f"guess{n}@example.com", "wrong", "10.6.6.6")
    with pytest.raises(RateLimited):
        await accounts.login("boss@example.com", "correct horse", "10.6.6.6")
    assert await accounts.login("boss@example.com", "correct horse", "10.0.0.1")


async def test_successes_do_not_count_and_every_outcome_does_the_same_work(
    uow: FakeUnitOfWorkFactory,
) -> None:
    limiter, hasher = MemoryRateLimiter(), PlainHasher()
    accounts = _accounts(uow, limiter, hasher)
    await accounts.create_user("boss@example.com", "correct horse", Role.ADMIN)
    for _ in range(3 * LOGIN_MAX_FAILURES):
        await accounts.login("boss@example.com", "correct horse", "10.0.0.1")
    hasher.verified.clear()
    limiter.settled.clear()
    for email, password in [
        ("boss@example.com", "correct horse"),
        ("boss@example.com", "no"),
        ("x@y.z", "no"),
    ]:
        with contextlib.suppress(Unauthenticated):
            await accounts.login(email, password, "10.0.0.2")
    # One hash check and one limiter call per attempt, whatever the outcome: no timing oracle.
    assert len(hasher.verified) == 3
    assert [counted for _, counted in limiter.settled] == [False, True, True]


async def test_an_external_identity_is_linked_by_verified_email_then_by_its_subject(
    uow: FakeUnitOfWorkFactory,
) -> None:
    accounts = _accounts(uow, MemoryRateLimiter())
    alice = await accounts.create_user("alice@example.com", "long enough", Role.EMPLOYEE, "e1")
    first = await accounts.authenticate("ext:sub-1:alice@example.com:")
    assert (first.id, first.role) == (alice.id, Role.EMPLOYEE)
    again = await accounts.authenticate("ext:sub-1::")  # an access token: no email, the sub suffices
    assert again.id == alice.id
    promoted = await accounts.authenticate("ext:sub-1::accountant")
    assert promoted.role is Role.ACCOUNTANT  # the pool's groups decide the role
    with pytest.raises(Unauthenticated):
        await accounts.authenticate("ext:sub-2:stranger@example.com:admin")  # no Billflow user: no entry
    with pytest.raises(Unauthenticated):
        await accounts.authenticate("ext:sub-3::admin")


async def test_a_tokens_user_is_remembered_briefly_never_past_expiry_and_forgotten_on_delete(
    uow: FakeUnitOfWorkFactory,
) -> None:
    clock = FixedClock()
    tokens = PlainTokens(expires_at=clock.now() + timedelta(seconds=8))
    accounts = Accounts(
        uow,
        SequentialIds(),
        PlainHasher(),
        tokens,
        tokens,
        MemoryRateLimiter(),
        clock=clock,
        remember_seconds=5,
    )
    users = Users(uow, SequentialIds(), PlainHasher(), on_deleted=accounts.forget)
    bob = await accounts.create_user("bob@example.com", "long enough", Role.ACCOUNTANT)
    carol = await accounts.create_user("carol@example.com", "long enough", Role.VIEWER)

    assert (await accounts.authenticate(f"token:{bob.id}")).id == bob.id
    assert (await accounts.authenticate(f"token:{bob.id}")).id == bob.id
    assert tokens.verified == 1  # the second came from memory
    await accounts.authenticate(f"token:{carol.id}")
    assert tokens.verified == 2  # another token is always verified

    clock.current += timedelta(seconds=5)  # remembered for 5 s: verified and read again
    await accounts.authenticate(f"token:{bob.id}")
    assert tokens.verified == 3
    clock.current += timedelta(seconds=3)  # the token expires at 8 s, before the 5 s are up
    await accounts.authenticate(f"token:{bob.id}")
    assert tokens.verified == 4

    tokens.expires_at = clock.now() + timedelta(hours=1)
    await accounts.authenticate(f"token:{carol.id}")
    await users.delete(ADMIN, carol.id)  # forgotten at once: the next request reads the store
    with pytest.raises(Unauthenticated):
        await accounts.authenticate(f"token:{carol.id}")


async def test_nothing_is_remembered_without_a_remembering_time(uow: FakeUnitOfWorkFactory) -> None:
    tokens = PlainTokens()
    accounts = Accounts(
        uow, SequentialIds(), PlainHasher(), tokens, tokens, MemoryRateLimiter(), clock=FixedClock()
    )
    bob = await accounts.create_user("bob@example.com", "long enough", Role.ACCOUNTANT)
    for _ in range(3):
        await accounts.authenticate(f"token:{bob.id}")
    assert tokens.verified == 3


async def test_invoice_creation_is_rate_limited_per_user() -> None:
    quota = InvoiceCreationQuota(MemoryRateLimiter(), per_minute=2)
    await quota.charge(ADMIN)
    await quota.charge(ADMIN)
    await quota.charge(ACCOUNTANT)
    with pytest.raises(RateLimited):
        await quota.charge(ADMIN)


def _issuing(uow: FakeUnitOfWorkFactory, quota: InvoiceCreationQuota) -> tuple[IssueInvoice, StartBillingRun]:
    ids, clock, issuer = SequentialIds(), FixedClock(), Issuer("Acme", "1 Street", "BE1")
    return IssueInvoice(uow, ids, clock, issuer, quota), StartBillingRun(uow, ids, clock, quota)


@pytest.mark.parametrize("user", [VIEWER, ALICE])
async def test_only_billing_writers_issue_invoices_or_start_runs_and_a_refusal_costs_no_quota(
    uow: FakeUnitOfWorkFactory, user: User
) -> None:
    limiter = MemoryRateLimiter()
    issue, run = _issuing(uow, InvoiceCreationQuota(limiter, per_minute=5))
    with pytest.raises(Forbidden):
        await issue.execute(IssueInvoiceCommand("e1", *OCT, correlation_id="c", actor=user))
    with pytest.raises(Forbidden):
        await run.execute(StartBillingRunCommand(*OCT, correlation_id="c", actor=user))
    assert uow.store.invoices == {}
    assert limiter.events == {}


async def test_issuing_and_billing_runs_share_the_callers_quota_and_count_failed_attempts(
    uow: FakeUnitOfWorkFactory,
) -> None:
    issue, run = _issuing(uow, InvoiceCreationQuota(MemoryRateLimiter(), per_minute=3))
    with pytest.raises(NotFound):
        await issue.execute(IssueInvoiceCommand("nobody", *OCT, correlation_id="c", actor=ACCOUNTANT))
    await issue.execute(IssueInvoiceCommand("e1", *OCT, correlation_id="c", actor=ACCOUNTANT))
    await run.execute(StartBillingRunCommand(*OCT, correlation_id="c", actor=ACCOUNTANT))
    with pytest.raises(RateLimited):
        await issue.execute(IssueInvoiceCommand("e2", *OCT, correlation_id="c", actor=ACCOUNTANT))
    with pytest.raises(RateLimited):
        await run.execute(StartBillingRunCommand(*OCT, correlation_id="c", actor=ACCOUNTANT))
    # Another user's quota is their own: the admin's call gets past it (to the overlap it is).
    with pytest.raises(InvoiceOverlap):
        await issue.execute(IssueInvoiceCommand("e1", *OCT, correlation_id="c", actor=ADMIN))


@pytest.mark.parametrize("user", [VIEWER, ALICE])
async def test_only_billing_writers_retry_an_invoice(uow: FakeUnitOfWorkFactory, user: User) -> None:
    own, _ = await _invoices(uow)
    await FailInvoice(uow).execute(FailInvoiceCommand(own.id, "mail server refused"))
    retry = RetryInvoice(uow, SequentialIds(), FixedClock())
    with pytest.raises(Forbidden):
        await retry.execute(RetryInvoiceCommand(own.id, "c", actor=user))
    assert uow.store.invoices[own.id].status is InvoiceStatus.FAILED
    assert (await retry.execute(RetryInvoiceCommand(own.id, "c", actor=ACCOUNTANT))).status is (
        InvoiceStatus.PENDING
    )


async def test_the_company_is_read_by_billing_readers_and_recorded_by_billing_writers(
    uow: FakeUnitOfWorkFactory,
) -> None:
    org = Organisation(uow, SequentialIds())
    new = NewEmployee("Grace", "grace@example.com", "d1", "p1", Decimal("10"), "EUR")
    for user in (VIEWER, ALICE):
        with pytest.raises(Forbidden):
            await org.create_department(NewDepartment("Ops"), actor=user)
        with pytest.raises(Forbidden):
            await org.create_project(NewProject("Gemini"), actor=user)
        with pytest.raises(Forbidden):
            await org.create_employee(new, actor=user)
    assert len(uow.store.departments) == 1
    assert [d.id for d in await org.departments(actor=VIEWER)] == ["d1"]
    assert (await org.project("p1", actor=VIEWER)).name == "Apollo"
    assert len(await org.employees(actor=VIEWER)) == 2
    for read in (
        org.departments(actor=ALICE),
        org.department("d1", actor=ALICE),
        org.projects(actor=ALICE),
        org.project("p1", actor=ALICE),
        org.employees(actor=ALICE),
    ):
        with pytest.raises(Forbidden):
            await read
    assert (await org.create_department(NewDepartment("Ops"), actor=ACCOUNTANT)).name == "Ops"
