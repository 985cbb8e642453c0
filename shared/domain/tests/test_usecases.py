"""Use cases against in-memory fakes of their ports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import pytest

from billflow.domain.billing import LineSums, WorkdayPricing
from billflow.domain.contracts import DeliverInvoice, PlanBillingRun, RenderInvoice
from billflow.domain.errors import Conflict, InvalidInput, InvoiceOverlap, NotFound, NotReady, Unauthenticated
from billflow.domain.model import (
    BillingRun,
    BillingRunStatus,
    Department,
    Employee,
    InvoiceStatus,
    Issuer,
    Project,
    Role,
    User,
    Workday,
)
from billflow.domain.usecases.accounts import Accounts
from billflow.domain.usecases.client_invoices import ClientInvoicing
from billflow.domain.usecases.deliver_invoice import DeliverInvoiceCommand, DeliverInvoicePdf
from billflow.domain.usecases.fail_invoice import FailInvoice, FailInvoiceCommand
from billflow.domain.usecases.invoice_drafts import EmployeeInvoicing, InvoiceDrafts
from billflow.domain.usecases.invoice_queries import InvoiceQueries
from billflow.domain.usecases.issue_invoice import IssueInvoice, IssueInvoiceCommand
from billflow.domain.usecases.organisation import NewEmployee, Organisation
from billflow.domain.usecases.plan_billing_run import PlanBillingRunCommand, PlanBillingRunInChunks
from billflow.domain.usecases.quotas import InvoiceCreationQuota
from billflow.domain.usecases.render_invoice import Outcome, RenderInvoiceCommand, RenderInvoicePdf
from billflow.domain.usecases.start_billing_run import StartBillingRun, StartBillingRunCommand
from domain_fakes import (
    FakeUnitOfWork,
    FakeUnitOfWorkFactory,
    FakeWorkdays,
    FixedClock,
    MemoryDocuments,
    MemoryRateLimiter,
    PlainHasher,
    PlainTokens,
    PlainWriter,
    RecordingMailer,
    RecordingRenderer,
    SequentialIds,
)

pytestmark = pytest.mark.unit

OCT = (date(2026, 10, 1), date(2026, 10, 31))
ADMIN = User("u-admin", "admin@example.com", Role.ADMIN)


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


ACME = Issuer("Acme", "1 Street", "BE1")


def no_quota() -> InvoiceCreationQuota:
    return InvoiceCreationQuota(MemoryRateLimiter(), per_minute=0)


@pytest.fixture
def issuing(uow: FakeUnitOfWorkFactory) -> IssueInvoice:
    return IssueInvoice(uow, SequentialIds(), FixedClock(), ACME, no_quota())


@pytest.fixture
def billing_run(uow: FakeUnitOfWorkFactory) -> StartBillingRun:
    return StartBillingRun(uow, SequentialIds(), FixedClock(), no_quota())


class PlannerIds(SequentialIds):
    """Ids of their own, so the planner's never meet those of the other use cases of a test."""

    def new_id(self) -> str:
        return "p" + super().new_id()


def planner(
    uow: FakeUnitOfWorkFactory, chunk_size: int, budget_seconds: float = 60
) -> PlanBillingRunInChunks:
    ids, clock = PlannerIds(), FixedClock()
    return PlanBillingRunInChunks(
        uow,
        ids,
        clock,
        EmployeeInvoicing(InvoiceDrafts(ids, ACME, 30), ids, clock),
        ClientInvoicing(ids, clock, ACME),
        chunk_size=chunk_size,
        budget_seconds=budget_seconds,
    )


async def test_issuing_numbers_the_invoice_and_asks_for_its_rendering_in_the_same_commit(
    uow: FakeUnitOfWorkFactory, issuing: IssueInvoice
) -> None:
    first = await issuing.execute(IssueInvoiceCommand("e1", *OCT, correlation_id="c1", actor=ADMIN))
    second = await issuing.execute(IssueInvoiceCommand("e2", *OCT, correlation_id="c2", actor=ADMIN))
    assert (first.number, second.number) == ("INV-2026-000001", "INV-2026-000002")
    assert first.status is InvoiceStatus.PENDING
    assert first.total == Decimal("440.00")
    assert first.due_date == date(2026, 12, 22)
    assert [(type(m), m.invoice_id, m.correlation_id) for m in uow.store.outbox] == [  # type: ignore[attr-defined]
        (RenderInvoice, first.id, "c1"),
        (RenderInvoice, second.id, "c2"),
    ]


async def test_a_second_invoice_overlapping_the_period_is_refused_and_names_the_first(
    issuing: IssueInvoice,
) -> None:
    first = await issuing.execute(IssueInvoiceCommand("e1", *OCT, correlation_id="c", actor=ADMIN))
    with pytest.raises(InvoiceOverlap) as e:
        await issuing.execute(
            IssueInvoiceCommand("e1", date(2026, 10, 15), date(2026, 11, 15), "c", actor=ADMIN)
        )
    assert (e.value.existing_invoice_id, e.value.existing_number) == (first.id, first.number)


async def test_an_unknown_employee_is_not_found(issuing: IssueInvoice) -> None:
    with pytest.raises(NotFound):
        await issuing.execute(IssueInvoiceCommand("nobody", *OCT, correlation_id="c", actor=ADMIN))


async def test_an_issued_invoice_does_not_change_when_rates_or_workdays_do(
    uow: FakeUnitOfWorkFactory, issuing: IssueInvoice
) -> None:
    invoice = await issuing.execute(IssueInvoiceCommand("e1", *OCT, correlation_id="c", actor=ADMIN))
    uow.store.workdays["e1"][date(2026, 10, 2)] = Workday(date(2026, 10, 2), Decimal("8"))
    uow.store.employees["e1"] = Employee("e1", "Renamed", "new@example.com", "d1", "p1", Decimal("99"), "EUR")
    stored = await InvoiceQueries(uow, MemoryDocuments(), FixedClock()).get(invoice.id, actor=ADMIN)
    assert stored == invoice


async def _run(uow: FakeUnitOfWorkFactory, run_id: str) -> BillingRun | None:
    async with uow(read_only=True) as u:
        return await u.billing_runs.get(run_id)


async def test_a_billing_run_is_accepted_planning_and_asks_the_planner_in_the_same_commit(
    uow: FakeUnitOfWorkFactory, billing_run: StartBillingRun
) -> None:
    run = await billing_run.execute(StartBillingRunCommand(*OCT, correlation_id="run", actor=ADMIN))
    assert (run.status, run.invoice_ids) == (BillingRunStatus.PLANNING, ())
    assert not uow.store.invoices
    assert [(type(m), m.billing_run_id) for m in uow.store.outbox] == [(PlanBillingRun, run.id)]  # type: ignore[attr-defined]


async def test_planning_invoices_each_employee_once_in_chunks_and_skips_those_already_invoiced(
    uow: FakeUnitOfWorkFactory, issuing: IssueInvoice, billing_run: StartBillingRun
) -> None:
    await issuing.execute(IssueInvoiceCommand("e1", *OCT, correlation_id="c", actor=ADMIN))
    run = await billing_run.execute(StartBillingRunCommand(*OCT, correlation_id="run", actor=ADMIN))
    assert await planner(uow, chunk_size=1).execute(PlanBillingRunCommand(run.id, "run")) is Outcome.DONE
    issued = await _run(uow, run.id)
    assert issued is not None
    assert issued.status is BillingRunStatus.ISSUED
    assert issued.skipped_ids == ("e1",)
    assert [uow.store.invoices[i].employee_id for i in issued.invoice_ids] == ["e2"]
    again = await planner(uow, chunk_size=1).execute(PlanBillingRunCommand(run.id, "run"))
    assert again is Outcome.ALREADY_DONE
    assert len(uow.store.invoices) == 2


class EntryWrittenMidChunk(FakeWorkdays):
    """A time entry of e2's written while a chunk bills e2: after its workdays were priced, before
    they are claimed (workday entries do not lock their employee)."""

    async def priced_between(
        self, pricing: Sequence[WorkdayPricing], start: date, end: date
    ) -> dict[str, LineSums]:
        found = await super().priced_between(pricing, start, end)
        await self.upsert("e2", [Workday(date(2026, 10, 2), Decimal("3"), project_id="p1")])
        return found


class WithAnEntryMidChunk(FakeUnitOfWorkFactory):
    def __call__(self, *, read_only: bool = False) -> FakeUnitOfWork:
        unit = super().__call__(read_only=read_only)
        unit.workdays = EntryWrittenMidChunk(self.store)
        return unit


async def test_a_chunk_whose_workdays_change_while_it_bills_them_is_refused_whole(
    uow: FakeUnitOfWorkFactory, billing_run: StartBillingRun
) -> None:
    run = await billing_run.execute(StartBillingRunCommand(*OCT, correlation_id="run", actor=ADMIN))
    with pytest.raises(Conflict):  # the unit of work rolls the chunk back; the message is retried
        await planner(WithAnEntryMidChunk(uow.store), chunk_size=2).execute(
            PlanBillingRunCommand(run.id, "run")
        )


async def test_a_planner_out_of_time_records_its_continuation_with_its_last_chunk(
    uow: FakeUnitOfWorkFactory, billing_run: StartBillingRun
) -> None:
    run = await billing_run.execute(StartBillingRunCommand(*OCT, correlation_id="run", actor=ADMIN))
    hurried = planner(uow, chunk_size=1, budget_seconds=0)
    await hurried.execute(PlanBillingRunCommand(run.id, "run"))
    plans = [m for m in uow.store.outbox if isinstance(m, PlanBillingRun)]
    assert len(plans) == 2
    assert len(uow.store.invoices) == 1
    await hurried.execute(PlanBillingRunCommand(run.id, "run"))  # the second employee
    await hurried.execute(PlanBillingRunCommand(run.id, "run"))  # nobody left: issued
    issued = await _run(uow, run.id)
    assert issued is not None
    assert issued.status is BillingRunStatus.ISSUED
    assert sorted(uow.store.invoices[i].number for i in issued.invoice_ids) == [
        "INV-2026-000001",
        "INV-2026-000002",
    ]


async def test_a_billing_run_with_nobody_to_bill_is_refused(billing_run: StartBillingRun) -> None:
    with pytest.raises(InvalidInput):
        await billing_run.execute(
            StartBillingRunCommand(date(2030, 1, 1), date(2030, 1, 31), "c", actor=ADMIN)
        )


async def test_rendering_twice_renders_once_and_asks_for_one_delivery(
    uow: FakeUnitOfWorkFactory, issuing: IssueInvoice
) -> None:
    invoice = await issuing.execute(IssueInvoiceCommand("e1", *OCT, correlation_id="c", actor=ADMIN))
    renderer, documents = RecordingRenderer(), MemoryDocuments()
    render = RenderInvoicePdf(uow, renderer, documents, SequentialIds(), FixedClock())

    assert await render.execute(RenderInvoiceCommand(invoice.id, "c")) is Outcome.DONE
    assert await render.execute(RenderInvoiceCommand(invoice.id, "c")) is Outcome.ALREADY_DONE

    assert renderer.rendered == [invoice.id]
    assert list(documents.objects) == ["invoices/2026/INV-2026-000001.pdf"]
    deliveries = [m for m in uow.store.outbox if isinstance(m, DeliverInvoice)]
    assert [(d.invoice_id, d.pdf_key) for d in deliveries] == [
        (invoice.id, "invoices/2026/INV-2026-000001.pdf")
    ]
    assert uow.store.invoices[invoice.id].status is InvoiceStatus.RENDERED


async def test_delivery_mails_a_rendered_invoice_once_and_leaves_other_statuses_alone(
    uow: FakeUnitOfWorkFactory, issuing: IssueInvoice
) -> None:
    invoice = await issuing.execute(IssueInvoiceCommand("e1", *OCT, correlation_id="c", actor=ADMIN))
    documents, mailer = MemoryDocuments(), RecordingMailer()
    deliver = DeliverInvoicePdf(uow, documents, PlainWriter(), mailer)
    command = DeliverInvoiceCommand(invoice.id, "invoices/2026/INV-2026-000001.pdf")

    assert await deliver.execute(command) is Outcome.ALREADY_DONE  # still pending: nothing to send
    await RenderInvoicePdf(uow, RecordingRenderer(), documents, SequentialIds(), FixedClock()).execute(
        RenderInvoiceCommand(invoice.id, "c")
    )
    assert await deliver.execute(command) is Outcome.DONE
    assert await deliver.execute(command) is Outcome.ALREADY_DONE

    assert [m.to for m in mailer.sent] == ["e1@example.com"]
    assert uow.store.invoices[invoice.id].status is InvoiceStatus.SENT


async def test_a_sent_invoice_cannot_fail_and_a_pending_one_fails_with_its_reason(
    uow: FakeUnitOfWorkFactory, issuing: IssueInvoice
) -> None:
    a = await issuing.execute(IssueInvoiceCommand("e1", *OCT, correlation_id="c", actor=ADMIN))
    fail = FailInvoice(uow)
    assert await fail.execute(FailInvoiceCommand(a.id, "x" * 900)) is True
    assert uow.store.invoices[a.id].failure_reason == "x" * 500
    assert await fail.execute(FailInvoiceCommand(a.id, "again")) is False


async def test_no_download_link_before_the_pdf_exists(
    uow: FakeUnitOfWorkFactory, issuing: IssueInvoice
) -> None:
    invoice = await issuing.execute(IssueInvoiceCommand("e1", *OCT, correlation_id="c", actor=ADMIN))
    with pytest.raises(NotReady):
        await InvoiceQueries(uow, MemoryDocuments(), FixedClock()).download_link(invoice.id, actor=ADMIN)


async def test_a_wrong_password_and_an_unknown_email_fail_alike_and_both_check_a_hash(
    uow: FakeUnitOfWorkFactory,
) -> None:
    hasher = PlainHasher()
    accounts = Accounts(uow, SequentialIds(), hasher, PlainTokens(), PlainTokens(), MemoryRateLimiter())
    await accounts.create_user("Boss@Example.com", "correct horse", Role.ADMIN)

    token = await accounts.login("boss@example.com", "correct horse", "10.0.0.1")
    assert (await accounts.authenticate(token.access_token)).role is Role.ADMIN
    with pytest.raises(Unauthenticated):
        await accounts.login("boss@example.com", "wrong", "10.0.0.1")
    with pytest.raises(Unauthenticated):
        await accounts.login("nobody@example.com", "wrong", "10.0.0.1")
    assert len(hasher.verified) == 3


async def test_the_first_admin_is_created_only_when_there_is_no_user(uow: FakeUnitOfWorkFactory) -> None:
    accounts = Accounts(
        uow, SequentialIds(), PlainHasher(), PlainTokens(), PlainTokens(), MemoryRateLimiter()
    )
    assert await accounts.ensure_first_admin("admin@example.com", "long enough") is not None
    assert await accounts.ensure_first_admin("other@example.com", "long enough") is None


async def test_employees_need_a_known_department_and_project_and_a_real_currency(
    uow: FakeUnitOfWorkFactory,
) -> None:
    org = Organisation(uow, SequentialIds())
    ok = NewEmployee("Grace", "grace@example.com", "d1", "p1", Decimal("10"), "USD")
    assert (await org.create_employee(ok, actor=ADMIN)).currency == "USD"
    for bad, field in [
        (NewEmployee("Grace", "g@example.com", "dx", "p1", Decimal("10"), "USD"), "department_id"),
        (NewEmployee("Grace", "g@example.com", "d1", "px", Decimal("10"), "USD"), "project_id"),
        (NewEmployee("Grace", "g@example.com", "d1", "p1", Decimal("-1"), "USD"), "hourly_rate"),
        (NewEmployee("Grace", "g@example.com", "d1", "p1", Decimal("10"), "ABC"), "currency"),
        (NewEmployee("  ", "g@example.com", "d1", "p1", Decimal("10"), "USD"), "full_name"),
        (NewEmployee("Line\nbreak", "g@example.com", "d1", "p1", Decimal("10"), "USD"), "full_name"),
    ]:
        with pytest.raises(InvalidInput) as e:
            await org.create_employee(bad, actor=ADMIN)
        assert e.value.field == field
