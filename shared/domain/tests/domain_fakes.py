"""In-memory fakes of the domain's ports, for unit tests of use cases.

They keep the contracts the adapters keep (gapless numbering, guarded transitions, outbox written
only on commit), so a use case tested against them behaves the same against PostgreSQL.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from types import TracebackType
from typing import Any, Self, TypeVar

from billflow.domain.billing import LineSums, WorkdayPricing
from billflow.domain.client_billing import BillableHours
from billflow.domain.contracts import Message
from billflow.domain.errors import NotFound
from billflow.domain.expenses.expense import UPLOAD_PREFIX, Expense, ExpenseStatus
from billflow.domain.expenses.reading import FIELD_NAMES, ExtractedFields
from billflow.domain.expenses.vendor_memory import KnownVendor, VendorSignature
from billflow.domain.model import (
    CREDIT_NOTE_LIFECYCLE,
    PAYMENT_LIFECYCLE,
    ApiKey,
    AuditEntry,
    BillingRun,
    BillingRunStatus,
    Client,
    Company,
    CreditNote,
    DeliveryState,
    Department,
    EInvoiceKeys,
    Employee,
    FieldChange,
    Identity,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    Project,
    ProjectMember,
    Receivable,
    Role,
    User,
    Workday,
)
from billflow.domain.model.invoice import INVOICE_LIFECYCLE, RETRY
from billflow.domain.ports.audit import AuditFilter
from billflow.domain.ports.delivery import DeliveryClaim
from billflow.domain.ports.documents import UploadForm
from billflow.domain.ports.invoices import PlanningCursor, RunPlanning
from billflow.domain.ports.mail import OutgoingEmail
from billflow.domain.ports.organisation import RecordedEntry
from billflow.domain.ports.pagination import Page, PageRequest
from billflow.domain.ports.rate_limits import Admission


@dataclass
class Store:
    departments: dict[str, Department] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    employees: dict[str, Employee] = field(default_factory=dict)
    workdays: dict[str, dict[Any, Workday]] = field(default_factory=dict)
    """By employee, then by (date, project id); a test may key an entry by its date alone, which
    puts it on the employee's own project."""
    billed: dict[tuple[str, date, str], str] = field(default_factory=dict)
    """The number of the invoice each (employee, date, project) entry is billed on."""
    client_billed: dict[tuple[str, date, str], str] = field(default_factory=dict)
    """The id of the client invoice each entry is claimed by (``claim_client_hours``)."""
    clients: dict[str, Client] = field(default_factory=dict)
    members: dict[tuple[str, str], ProjectMember] = field(default_factory=dict)
    invoices: dict[str, Invoice] = field(default_factory=dict)
    sequences: dict[int, int] = field(default_factory=dict)
    runs: dict[str, BillingRun] = field(default_factory=dict)
    run_cursors: dict[str, PlanningCursor] = field(default_factory=dict)
    users: dict[str, tuple[User, str]] = field(default_factory=dict)
    external_subjects: dict[str, str] = field(default_factory=dict)
    outbox: list[Message] = field(default_factory=list)
    deliveries: dict[str, dict[str, Any]] = field(default_factory=dict)
    expenses: dict[str, Expense] = field(default_factory=dict)
    signatures: dict[str, VendorSignature] = field(default_factory=dict)
    vendors: dict[str, KnownVendor] = field(default_factory=dict)
    statements: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    credit_notes: dict[str, CreditNote] = field(default_factory=dict)
    credit_note_sequences: dict[int, int] = field(default_factory=dict)
    payments: dict[str, Payment] = field(default_factory=dict)
    slots: dict[tuple[object, ...], dict[str, Any]] = field(default_factory=dict)
    """Delivery records of credit note emails (``("cn", id)``) and reminders (``("r", id, level)``)."""
    audit: list[AuditEntry] = field(default_factory=list)
    """The committed audit entries, oldest first."""
    api_keys: dict[str, tuple[ApiKey, bytes, datetime | None]] = field(default_factory=dict)
    """Key id -> the key, its digest, and when it was revoked."""
    company: Company | None = None
    commits: int = 0

    def entries(self, employee_id: str) -> dict[tuple[date, str], Workday]:
        """The employee's entries keyed by (date, project), every ``project_id`` set."""
        days = self.workdays.setdefault(employee_id, {})
        for key in [k for k in days if isinstance(k, date)]:
            w = days.pop(key)
            project_id = w.project_id or self.employees[employee_id].project_id
            days[(key, project_id)] = replace(w, project_id=project_id)
        return days


class _Repo:
    def __init__(self, s: Store) -> None:
        self.s = s


_T = TypeVar("_T")


def fake_page(items: Sequence[_T], request: PageRequest, key: Callable[[_T], tuple[str, ...]]) -> Page[_T]:
    """Keyset paging over a list already in ``key``'s order; the cursor is the last key, joined."""
    after = tuple(request.cursor.split("\x1f")) if request.cursor else None
    rest = [x for x in sorted(items, key=key) if after is None or key(x) > after]
    shown = rest[: request.size]
    more = len(rest) > request.size
    return Page(items=shown, next_cursor="\x1f".join(key(shown[-1])) if more else None)


class FakeDepartments(_Repo):
    async def add(self, d: Department) -> None:
        self.s.departments[d.id] = d

    async def get(self, i: str) -> Department | None:
        return self.s.departments.get(i)

    async def list(self, *, include_archived: bool = False) -> Sequence[Department]:
        return [x for x in self.s.departments.values() if include_archived or not x.archived]

    async def page(self, request: PageRequest, *, include_archived: bool = False) -> Page[Department]:
        return fake_page(
            await self.list(include_archived=include_archived), request, lambda x: (x.name, x.id)
        )

    async def update(self, x: Department) -> None:
        self.s.departments[x.id] = x


class FakeProjects(_Repo):
    async def add(self, p: Project) -> None:
        self.s.projects[p.id] = p

    async def get(self, i: str) -> Project | None:
        return self.s.projects.get(i)

    async def list(self, *, include_archived: bool = False) -> Sequence[Project]:
        return [x for x in self.s.projects.values() if include_archived or not x.archived]

    async def page(self, request: PageRequest, *, include_archived: bool = False) -> Page[Project]:
        return fake_page(
            await self.list(include_archived=include_archived), request, lambda x: (x.name, x.id)
        )

    async def update(self, x: Project) -> None:
        self.s.projects[x.id] = x

    async def of_clients(self, client_ids: Sequence[str]) -> Sequence[Project]:
        return [p for p in self.s.projects.values() if p.client_id in client_ids]


class FakeEmployees(_Repo):
    async def add(self, e: Employee) -> None:
        self.s.employees[e.id] = e

    async def get(self, i: str) -> Employee | None:
        return self.s.employees.get(i)

    async def get_for_update(self, i: str) -> Employee | None:
        return self.s.employees.get(i)

    async def list(self, *, include_archived: bool = False) -> Sequence[Employee]:
        return [x for x in self.s.employees.values() if include_archived or not x.archived]

    async def page(self, request: PageRequest, *, include_archived: bool = False) -> Page[Employee]:
        found = await self.list(include_archived=include_archived)
        return fake_page(found, request, lambda x: (x.full_name, x.id))

    async def update(self, x: Employee) -> None:
        self.s.employees[x.id] = x

    async def with_workdays_between(
        self, start: date, end: date, *, after: str | None = None, limit: int | None = None
    ) -> Sequence[Employee]:
        ids = sorted(
            i
            for i in self.s.workdays
            if (after is None or i > after) and any(start <= d <= end for d, _ in self.s.entries(i))
        )
        return [self.s.employees[i] for i in ids][:limit]

    async def any_with_workdays_between(self, start: date, end: date) -> bool:
        return bool(await self.with_workdays_between(start, end, limit=1))

    async def names(self, employee_ids: Sequence[str]) -> dict[str, str]:
        return {i: self.s.employees[i].full_name for i in employee_ids if i in self.s.employees}


class FakeClients(_Repo):
    async def add(self, c: Client) -> None:
        self.s.clients[c.id] = c

    async def get(self, i: str) -> Client | None:
        return self.s.clients.get(i)

    async def get_for_update(self, i: str) -> Client | None:
        return self.s.clients.get(i)

    async def list(self, *, include_archived: bool = False) -> Sequence[Client]:
        found = [c for c in self.s.clients.values() if include_archived or not c.archived]
        return sorted(found, key=lambda c: (c.name, c.id))

    async def page(self, request: PageRequest, *, include_archived: bool = False) -> Page[Client]:
        return fake_page(
            await self.list(include_archived=include_archived), request, lambda x: (x.name, x.id)
        )

    async def lock_all(self) -> Sequence[Client]:
        return sorted(self.s.clients.values(), key=lambda c: c.id)

    async def lock_page(self, after: tuple[str, str] | None, limit: int) -> Sequence[Client]:
        ordered = sorted(self.s.clients.values(), key=lambda c: (c.name, c.id))
        return [c for c in ordered if after is None or (c.name, c.id) > after][:limit]

    async def update(self, c: Client) -> None:
        self.s.clients[c.id] = c


class FakeCompany(_Repo):
    async def get(self, *, for_update: bool = False) -> Company | None:
        return self.s.company

    async def save(self, company: Company) -> None:
        self.s.company = company

    async def add_if_missing(self, company: Company) -> bool:
        if self.s.company is not None:
            return False
        self.s.company = company
        return True


class FakeMembers(_Repo):
    async def put(self, m: ProjectMember) -> None:
        self.s.members[(m.project_id, m.employee_id)] = m

    async def list(self, project_id: str) -> Sequence[ProjectMember]:
        found = {e: m for (p, e), m in self.s.members.items() if p == project_id}
        for e in self.s.employees.values():
            if e.project_id == project_id:
                found.setdefault(e.id, ProjectMember(project_id, e.id))
        return [found[e] for e in sorted(found)]

    async def page(self, project_id: str, request: PageRequest) -> Page[ProjectMember]:
        return fake_page(await self.list(project_id), request, lambda m: (m.employee_id,))

    async def delete(self, project_id: str, employee_id: str) -> bool:
        return self.s.members.pop((project_id, employee_id), None) is not None

    async def projects_of(self, employee_id: str) -> set[str]:
        own = self.s.employees[employee_id].project_id if employee_id in self.s.employees else None
        return {p for p, e in self.s.members if e == employee_id} | ({own} if own else set())

    async def rates(self, project_ids: Sequence[str]) -> dict[tuple[str, str], Decimal]:
        return {
            k: m.hourly_rate
            for k, m in self.s.members.items()
            if k[0] in project_ids and m.hourly_rate is not None
        }


class FakeWorkdays(_Repo):
    async def upsert(self, employee_id: str, workdays: Sequence[Workday]) -> None:
        own = self.s.employees[employee_id].project_id
        entries = self.s.entries(employee_id)
        for w in workdays:
            w = w if w.project_id else replace(w, project_id=own)
            entries[(w.date, w.project_id or own)] = w

    async def recorded(
        self, employee_id: str, keys: Sequence[tuple[date, str]]
    ) -> Mapping[tuple[date, str], RecordedEntry]:
        entries = self.s.entries(employee_id)
        return {
            k: RecordedEntry(entries[k], self.s.billed.get((employee_id, *k))) for k in keys if k in entries
        }

    async def delete(self, employee_id: str, day: date, project_id: str) -> bool:
        return self.s.entries(employee_id).pop((day, project_id), None) is not None

    async def between(self, employee_id: str, start: date, end: date) -> list[Workday]:
        if employee_id not in self.s.employees:
            return []
        entries = self.s.entries(employee_id)
        return [entries[k] for k in sorted(entries) if start <= k[0] <= end]

    async def priced_between(
        self, pricing: Sequence[WorkdayPricing], start: date, end: date
    ) -> dict[str, LineSums]:
        """Like the adapter: each employee's entries in the period, priced (nothing locked)."""
        found: dict[str, LineSums] = {}
        for p in pricing:
            days = await self.between(p.employee_id, start, end)
            if days:
                found[p.employee_id] = LineSums(len(days), sum((_priced(w, p) for w in days), Decimal(0)))
        return found


def _priced(w: Workday, p: WorkdayPricing) -> Decimal:
    return (w.hours * p.rate).quantize(Decimal(1).scaleb(-p.digits), rounding=ROUND_HALF_UP)


class FakeInvoices(_Repo):
    async def next_number(self, year: int, count: int = 1) -> int:
        self.s.sequences[year] = self.s.sequences.get(year, 0) + count
        return self.s.sequences[year] - count + 1

    async def add(self, invoice: Invoice) -> None:
        """Like the adapter, an employee invoice bills (locks) the employee's unbilled entries in
        its period."""
        self.s.invoices[invoice.id] = invoice
        if invoice.kind is InvoiceKind.EMPLOYEE and invoice.employee_id in self.s.employees:
            for d, p in self.s.entries(invoice.employee_id):
                if invoice.period_start <= d <= invoice.period_end:
                    self.s.billed.setdefault((invoice.employee_id, d, p), invoice.number)
        if invoice.kind is InvoiceKind.CLIENT:
            for key, invoice_id in self.s.client_billed.items():
                if invoice_id == invoice.id:
                    self.s.billed.setdefault(key, invoice.number)

    async def add_many(self, invoices: Sequence[Invoice]) -> None:
        for invoice in invoices:
            await self.add(invoice)

    async def add_with_workday_lines(
        self, invoices: Sequence[Invoice], pricing: Sequence[WorkdayPricing], start: date, end: date
    ) -> dict[str, LineSums]:
        """Like the adapter: each invoice gets the lines of its employee's unbilled entries in the
        period, in (date, project) order, and bills them."""
        by_invoice = {p.invoice_id: p for p in pricing}
        written: dict[str, LineSums] = {}
        for invoice in invoices:
            p = by_invoice[invoice.id]
            entries = self.s.entries(p.employee_id)
            keys = [
                k
                for k in sorted(entries)
                if start <= k[0] <= end and (p.employee_id, *k) not in self.s.billed
            ]
            lines = tuple(
                InvoiceLine(
                    date=entries[k].date,
                    hours=entries[k].hours,
                    rate=p.rate,
                    amount=_priced(entries[k], p),
                    description=entries[k].description,
                    project_id=entries[k].project_id or p.project_id,
                )
                for k in keys
            )
            await self.add(replace(invoice, lines=lines))
            if lines:
                written[invoice.id] = LineSums(len(lines), sum((line.amount for line in lines), Decimal(0)))
        return written

    async def claim_client_hours(
        self, invoice_for_client: Mapping[str, str], start: date, end: date
    ) -> dict[str, list[BillableHours]]:
        """Like the adapter: mark each client's unbilled entries in the period with the invoice
        given for the client, and sum them per (project, person)."""
        sums: dict[tuple[str, str, str], list[Workday]] = {}
        for employee_id in self.s.employees:
            for (day, project_id), w in self.s.entries(employee_id).items():
                project = self.s.projects.get(project_id)
                key = (employee_id, day, project_id)
                client_id = project.client_id if project is not None else None
                if client_id is None or client_id not in invoice_for_client or not start <= day <= end:
                    continue
                if key in self.s.client_billed:
                    continue
                invoice_id = invoice_for_client[client_id]
                self.s.client_billed[key] = invoice_id
                sums.setdefault((invoice_id, project_id, employee_id), []).append(w)
        found: dict[str, list[BillableHours]] = {}
        for (invoice_id, project_id, employee_id), days in sums.items():
            found.setdefault(invoice_id, []).append(
                BillableHours(
                    project_id,
                    employee_id,
                    sum((w.hours for w in days), Decimal(0)),
                    min(w.date for w in days),
                    max(w.date for w in days),
                )
            )
        return found

    async def employees_with_overlapping(
        self, start: date, end: date, among: Sequence[str] | None = None
    ) -> set[str]:
        return {
            i.employee_id
            for i in self.s.invoices.values()
            if i.employee_id is not None
            and (among is None or i.employee_id in among)
            and i.period_start <= end
            and i.period_end >= start
        }

    async def get(self, i: str) -> Invoice | None:
        return self.s.invoices.get(i)

    async def find_overlapping(self, employee_id: str, start: date, end: date) -> Invoice | None:
        for inv in self.s.invoices.values():
            if (
                inv.employee_id == employee_id
                and inv.period_start <= end
                and inv.period_end >= start
                and inv.payment_status is not PaymentStatus.CREDITED
            ):
                return inv
        return None

    async def get_for_update(self, invoice_id: str) -> Invoice | None:
        return await self.get(invoice_id)

    async def settle(
        self, invoice_id: str, status: PaymentStatus, amount_paid: Decimal, amount_credited: Decimal
    ) -> bool:
        inv = self.s.invoices.get(invoice_id)
        if inv is None or not (
            inv.payment_status is status or PAYMENT_LIFECYCLE.allows(inv.payment_status, status)
        ):
            return False
        payments = tuple(p for p in self.s.payments.values() if p.invoice_id == invoice_id)
        self.s.invoices[invoice_id] = replace(
            inv,
            payment_status=status,
            amount_paid=amount_paid,
            amount_credited=amount_credited,
            payments=payments,
        )
        return True

    async def release_entries(self, invoice_id: str) -> int:
        number = self.s.invoices[invoice_id].number
        released = [k for k, n in self.s.billed.items() if n == number]
        for k in released:
            del self.s.billed[k]
        for k in [k for k, i in self.s.client_billed.items() if i == invoice_id]:
            del self.s.client_billed[k]
        return len(released)

    async def list(
        self,
        *,
        employee_id: str | None,
        status: InvoiceStatus | None,
        limit: int,
        cursor: str | None,
        period: tuple[date, date] | None = None,
        client_id: str | None = None,
        kind: InvoiceKind | None = None,
        payment_status: PaymentStatus | None = None,
        overdue_on: date | None = None,
    ) -> Page[Invoice]:
        items = [
            i
            for i in sorted(self.s.invoices.values(), key=lambda i: i.number, reverse=True)
            if (employee_id is None or i.employee_id == employee_id)
            and (client_id is None or i.client_id == client_id)
            and (kind is None or i.kind == kind)
            and (status is None or i.status == status)
            and (period is None or (i.period_end >= period[0] and i.period_start <= period[1]))
            and (payment_status is None or i.payment_status is payment_status)
            and (overdue_on is None or i.overdue(overdue_on))
        ]
        return Page(items=items[:limit], next_cursor=None)

    async def reopen(self, invoice_id: str) -> bool:
        inv = self.s.invoices.get(invoice_id)
        if inv is None or inv.status not in RETRY.sources:
            return False
        self.s.invoices[invoice_id] = replace(inv, status=RETRY.target, failure_reason=None)
        return True

    async def transition(
        self,
        invoice_id: str,
        target: InvoiceStatus,
        *,
        pdf_key: str | None = None,
        failure_reason: str | None = None,
        einvoice: EInvoiceKeys | None = None,
    ) -> bool:
        inv = self.s.invoices.get(invoice_id)
        if inv is None or inv.status not in INVOICE_LIFECYCLE.allowed_sources(target):
            return False
        self.s.invoices[invoice_id] = replace(
            inv,
            status=target,
            pdf_key=pdf_key or inv.pdf_key,
            failure_reason=failure_reason,
            einvoice=einvoice or inv.einvoice,
        )
        return True


class FakeRuns(_Repo):
    async def add(self, run: BillingRun) -> None:
        self.s.runs[run.id] = run

    async def get(self, i: str) -> BillingRun | None:
        run = self.s.runs.get(i)
        if run is None or run.status is BillingRunStatus.PLANNING:
            return run
        ids = tuple(
            v.id for v in sorted(self.s.invoices.values(), key=lambda v: v.number) if v.billing_run_id == i
        )
        return replace(run, invoice_ids=ids)

    async def lock_planning(self, run_id: str) -> RunPlanning | None:
        run = self.s.runs.get(run_id)
        if run is None or run.status is not BillingRunStatus.PLANNING:
            return None
        return RunPlanning(run, self.s.run_cursors.get(run_id))

    async def count_candidates(self, run: BillingRun) -> int:
        return len(self.s.runs)  # a fake's count: a number, not a rule

    async def advance(
        self,
        run_id: str,
        *,
        planned: int,
        cursor: PlanningCursor | None,
        skipped: Sequence[str],
        issued: bool,
    ) -> None:
        run = self.s.runs[run_id]
        if cursor is not None:
            self.s.run_cursors[run_id] = cursor
        self.s.runs[run_id] = replace(
            run,
            planned=planned,
            skipped_ids=run.skipped_ids + tuple(skipped),
            status=BillingRunStatus.ISSUED if issued else BillingRunStatus.PLANNING,
        )

    async def status_counts(self, run_id: str) -> dict[InvoiceStatus, int]:
        counts: dict[InvoiceStatus, int] = {}
        for inv in self.s.invoices.values():
            if inv.billing_run_id == run_id:
                counts[inv.status] = counts.get(inv.status, 0) + 1
        return counts


class FakeUsers(_Repo):
    async def add(self, user: User, password_hash: str) -> None:
        self.s.users[user.id] = (user, password_hash)

    async def get(self, i: str) -> User | None:
        found = self.s.users.get(i)
        return found[0] if found else None

    async def by_email(self, email: str) -> tuple[User, str] | None:
        return next((u for u in self.s.users.values() if u[0].email == email.lower()), None)

    async def count(self) -> int:
        return len(self.s.users)

    async def list(self) -> Sequence[User]:
        return sorted((u for u, _ in self.s.users.values()), key=lambda u: u.email)

    async def page(self, request: PageRequest) -> Page[User]:
        return fake_page(await self.list(), request, lambda u: (u.email.lower(), u.id))

    async def delete(self, user_id: str) -> bool:
        return self.s.users.pop(user_id, None) is not None

    async def by_external_subject(self, subject: str) -> User | None:
        user_id = self.s.external_subjects.get(subject)
        return await self.get(user_id) if user_id else None

    async def link_external_subject(self, user_id: str, subject: str) -> None:
        self.s.external_subjects[subject] = user_id


class FakeDeliveries(_Repo):
    """Leases never expire here unless a test says so (``expire``)."""

    async def claim(self, invoice_id: str, message_id: str, lease_seconds: float) -> DeliveryClaim | None:
        current = self.s.deliveries.get(invoice_id)
        if current is None:
            self.s.deliveries[invoice_id] = {"state": "claimed", "attempts": 1, "message_id": message_id}
            return DeliveryClaim(message_id, 1, takeover=False)
        if current["state"] == "released" or (current["state"] == "claimed" and current.get("expired")):
            takeover = current["state"] == "claimed"
            current.update(state="claimed", attempts=current["attempts"] + 1, expired=False)
            return DeliveryClaim(current["message_id"], current["attempts"], takeover=takeover)
        return None

    async def state(self, invoice_id: str) -> DeliveryState | None:
        current = self.s.deliveries.get(invoice_id)
        return DeliveryState(current["state"]) if current else None

    async def accepted(self, invoice_id: str) -> None:
        self.s.deliveries[invoice_id]["state"] = "accepted"

    async def release(self, invoice_id: str) -> None:
        if self.s.deliveries[invoice_id]["state"] == "claimed":
            self.s.deliveries[invoice_id]["state"] = "released"

    def expire(self, invoice_id: str) -> None:
        self.s.deliveries[invoice_id]["expired"] = True


class FakeExpenses(_Repo):
    async def add(self, expense: Expense) -> bool:
        if expense.content_sha256 and await self.find_same_file(expense.user_id, expense.content_sha256):
            return False
        self.s.expenses[expense.id] = expense
        return True

    async def get(self, i: str) -> Expense | None:
        return self.s.expenses.get(i)

    async def find_same_file(self, user_id: str, content_sha256: str) -> Expense | None:
        same = (
            e for e in self.s.expenses.values() if (e.user_id, e.content_sha256) == (user_id, content_sha256)
        )
        return next(same, None)

    async def find_same_invoice(
        self, expense_id: str, user_id: str, vendor: str, invoice_number: str, total: Decimal
    ) -> str | None:
        same = sorted(
            (e.uploaded_at, e.id)
            for e in self.s.expenses.values()
            if e.id != expense_id
            and e.user_id == user_id
            and e.status is not ExpenseStatus.FAILED
            and (e.vendor or "").lower() == vendor.lower()
            and (e.invoice_number, e.total) == (invoice_number, total)
        )
        return same[0][1] if same else None

    async def vendor_signature(self, expense_id: str) -> VendorSignature | None:
        return self.s.signatures.get(expense_id)

    async def list(
        self, *, user_id: str | None, uploaded_from: datetime | None, uploaded_before: datetime | None
    ) -> Sequence[Expense]:
        return sorted(
            (
                e
                for e in self.s.expenses.values()
                if (user_id is None or e.user_id == user_id)
                and (uploaded_from is None or e.uploaded_at >= uploaded_from)
                and (uploaded_before is None or e.uploaded_at < uploaded_before)
            ),
            key=lambda e: (e.uploaded_at, e.id),
        )

    async def record_reading(
        self,
        expense_id: str,
        status: ExpenseStatus,
        fields: ExtractedFields,
        *,
        signature: VendorSignature | None = None,
        possible_duplicate_of: str | None = None,
    ) -> bool:
        e = self.s.expenses.get(expense_id)
        if e is None or e.status is not ExpenseStatus.PROCESSING:
            return False
        values = {n: getattr(fields, n).value for n in FIELD_NAMES}
        self.s.expenses[e.id] = replace(
            e,
            status=status,
            confidence=fields.confidences(),
            possible_duplicate_of=possible_duplicate_of,
            **values,
        )
        if signature is not None:
            self.s.signatures[e.id] = signature
        return True

    async def fail(self, expense_id: str, reason: str) -> bool:
        e = self.s.expenses.get(expense_id)
        if e is None or e.status is not ExpenseStatus.PROCESSING:
            return False
        self.s.expenses[e.id] = replace(e, status=ExpenseStatus.FAILED, failure_reason=reason)
        return True

    async def awaiting_upload(
        self, uploaded_before: datetime, *, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[Expense]:
        waiting = sorted(
            (e.uploaded_at, e.id)
            for e in self.s.expenses.values()
            if e.status is ExpenseStatus.PROCESSING
            and e.file_key.startswith(UPLOAD_PREFIX)
            and e.uploaded_at < uploaded_before
            and (after is None or (e.uploaded_at, e.id) > after)
        )
        return [self.s.expenses[i] for _, i in waiting[:limit]]

    async def correct(self, expense_id: str, changes: Mapping[str, object]) -> Expense | None:
        e = self.s.expenses.get(expense_id)
        if e is None:
            return None
        confidence = {**e.confidence, **{n: 1.0 for n in changes if n in FIELD_NAMES}}
        # The port takes the changes as names to values (the use case has validated both), so
        # their types are known only at run time: Any says so to dataclasses.replace.
        fields: dict[str, Any] = {**changes, "status": ExpenseStatus.CONFIRMED, "confidence": confidence}
        e = replace(e, **fields)
        self.s.expenses[e.id] = e
        return e

    async def mark_notified(self, expense_id: str) -> bool:
        e = self.s.expenses[expense_id]
        if e.notified_at is not None:
            return False
        self.s.expenses[e.id] = replace(e, notified_at=datetime.now(UTC))
        return True

    async def page(
        self,
        request: PageRequest,
        *,
        user_id: str | None,
        uploaded_from: datetime | None,
        uploaded_before: datetime | None,
    ) -> Page[Expense]:
        found = await self.list(user_id=user_id, uploaded_from=uploaded_from, uploaded_before=uploaded_before)
        return fake_page(found, request, lambda e: (e.uploaded_at.isoformat(), e.id))

    async def uploaders(self, uploaded_from: datetime, uploaded_before: datetime) -> Sequence[str]:
        expenses = await self.list(user_id=None, uploaded_from=uploaded_from, uploaded_before=uploaded_before)
        return sorted({e.user_id for e in expenses})


class FakeVendors(_Repo):
    async def all(self) -> Sequence[KnownVendor]:
        return sorted(self.s.vendors.values(), key=lambda v: (v.name, v.key))

    async def page(self, request: PageRequest) -> Page[KnownVendor]:
        return fake_page(await self.all(), request, lambda v: (v.name, v.key))

    async def get(self, key: str) -> KnownVendor | None:
        return self.s.vendors.get(key)

    async def put(self, vendor: KnownVendor) -> None:
        self.s.vendors[vendor.key] = vendor


class FakeStatements(_Repo):
    async def claim(
        self, user_id: str, month: str, message_id: str, lease_seconds: float
    ) -> DeliveryClaim | None:
        row = self.s.statements.get((user_id, month))
        if row is None:
            self.s.statements[(user_id, month)] = {
                "state": "claimed",
                "message_id": message_id,
                "attempts": 1,
            }
            return DeliveryClaim(message_id, 1, False)
        if row["state"] != "released":
            return None
        row.update(state="claimed", attempts=row["attempts"] + 1)
        return DeliveryClaim(row["message_id"], row["attempts"], False)

    async def state(self, user_id: str, month: str) -> DeliveryState | None:
        row = self.s.statements.get((user_id, month))
        return None if row is None else DeliveryState(row["state"])

    async def accepted(self, user_id: str, month: str) -> None:
        self.s.statements[(user_id, month)]["state"] = "accepted"

    async def release(self, user_id: str, month: str) -> None:
        self.s.statements[(user_id, month)]["state"] = "released"


class FakeCreditNotes(_Repo):
    async def reopen(self, credit_note_id: str) -> bool:
        note = self.s.credit_notes.get(credit_note_id)
        if note is None or note.status not in RETRY.sources:
            return False
        self.s.credit_notes[credit_note_id] = replace(note, status=RETRY.target, failure_reason=None)
        return True

    async def next_number(self, year: int) -> int:
        self.s.credit_note_sequences[year] = self.s.credit_note_sequences.get(year, 0) + 1
        return self.s.credit_note_sequences[year]

    async def add(self, note: CreditNote) -> None:
        self.s.credit_notes[note.id] = note

    async def get(self, credit_note_id: str) -> CreditNote | None:
        return self.s.credit_notes.get(credit_note_id)

    async def of_invoice(self, invoice_id: str) -> Sequence[CreditNote]:
        return sorted(
            (c for c in self.s.credit_notes.values() if c.invoice_id == invoice_id), key=lambda c: c.number
        )

    async def page_of_invoice(self, invoice_id: str, request: PageRequest) -> Page[CreditNote]:
        return fake_page(await self.of_invoice(invoice_id), request, lambda c: (c.number,))

    async def transition(
        self,
        credit_note_id: str,
        target: InvoiceStatus,
        *,
        pdf_key: str | None = None,
        failure_reason: str | None = None,
        einvoice: EInvoiceKeys | None = None,
    ) -> bool:
        note = self.s.credit_notes.get(credit_note_id)
        if note is None or not CREDIT_NOTE_LIFECYCLE.allows(note.status, target):
            return False
        self.s.credit_notes[credit_note_id] = replace(
            note,
            status=target,
            pdf_key=pdf_key or note.pdf_key,
            failure_reason=failure_reason,
            einvoice=einvoice or note.einvoice,
        )
        return True


class FakePayments(_Repo):
    async def add(self, payment: Payment) -> None:
        self.s.payments[payment.id] = payment

    async def get(self, invoice_id: str, payment_id: str) -> Payment | None:
        p = self.s.payments.get(payment_id)
        return p if p is not None and p.invoice_id == invoice_id else None

    async def delete(self, invoice_id: str, payment_id: str) -> bool:
        return self.s.payments.pop(payment_id, None) is not None


class FakeReceivables(_Repo):
    def _open(self) -> list[Receivable]:
        return [
            Receivable(
                i.id,
                i.number,
                i.billed_to.name,
                i.currency,
                i.total,
                i.amount_credited,
                i.amount_paid,
                i.issue_date,
                i.due_date,
                i.payment_status,
            )
            for i in sorted(self.s.invoices.values(), key=lambda i: i.number)
            if i.balance_due > 0
        ]

    async def open_on(self, day: date) -> Sequence[Receivable]:
        return [r for r in self._open() if r.issue_date <= day]

    async def overdue_by(self, day: date, days: int) -> Sequence[Receivable]:
        return [r for r in self._open() if (day - r.due_date).days >= days]


class FakeSlot:
    """One delivery record in ``Store.slots``; leases never expire unless a test says so."""

    def __init__(self, s: Store, key: tuple[object, ...]) -> None:
        self.s = s
        self.key = key

    async def claim(self, message_id: str, lease_seconds: float) -> DeliveryClaim | None:
        row = self.s.slots.get(self.key)
        if row is None:
            self.s.slots[self.key] = {"state": "claimed", "message_id": message_id, "attempts": 1}
            return DeliveryClaim(message_id, 1, False)
        if row["state"] == "released" or (row["state"] == "claimed" and row.get("expired")):
            takeover = row["state"] == "claimed"
            row.update(state="claimed", attempts=row["attempts"] + 1, expired=False)
            return DeliveryClaim(row["message_id"], row["attempts"], takeover)
        return None

    async def state(self) -> DeliveryState | None:
        row = self.s.slots.get(self.key)
        return None if row is None else DeliveryState(row["state"])

    async def accepted(self) -> None:
        self.s.slots[self.key]["state"] = "accepted"

    async def release(self) -> None:
        if self.s.slots[self.key]["state"] == "claimed":
            self.s.slots[self.key]["state"] = "released"


class FakeCreditNoteDeliveries(_Repo):
    def slot(self, credit_note_id: str) -> FakeSlot:
        return FakeSlot(self.s, ("cn", credit_note_id))


class FakeReminders(_Repo):
    def slot(self, invoice_id: str, level: int) -> FakeSlot:
        return FakeSlot(self.s, ("r", invoice_id, level))

    async def levels_sent(self, invoice_ids: Sequence[str]) -> dict[str, set[int]]:
        sent: dict[str, set[int]] = {}
        for key, row in self.s.slots.items():
            if key[0] == "r" and key[1] in invoice_ids and row["state"] == "accepted":
                level = key[2]
                assert isinstance(level, int)
                sent.setdefault(str(key[1]), set()).add(level)
        return sent


class FakeOutbox:
    def __init__(self) -> None:
        self.pending: list[Message] = []

    async def add(self, message: Message) -> None:
        self.pending.append(message)

    async def add_many(self, messages: Sequence[Message]) -> None:
        self.pending.extend(messages)


class FakeAuditLog:
    """Entries reach the store on commit only, as they do in the writer's transaction."""

    def __init__(self, s: Store) -> None:
        self.s = s
        self.pending: list[AuditEntry] = []

    async def record(
        self,
        actor: User | None,
        entity: str,
        entity_id: str,
        action: str,
        changes: Mapping[str, FieldChange] | None = None,
    ) -> None:
        self.pending.append(
            AuditEntry(
                id=str(len(self.s.audit) + len(self.pending) + 1),
                at=datetime(2026, 11, 22, 9, 30, tzinfo=UTC),
                actor_kind=actor.kind if actor else None,
                actor_id=actor.id if actor else None,
                entity=entity,
                entity_id=entity_id,
                action=action,
                changes=dict(changes or {}),
            )
        )

    async def record_many(
        self,
        actor: User | None,
        entity: str,
        action: str,
        changes: Sequence[tuple[str, Mapping[str, FieldChange]]],
    ) -> None:
        for entity_id, c in changes:
            await self.record(actor, entity, entity_id, action, c)

    async def page(self, where: AuditFilter, *, limit: int, cursor: str | None = None) -> Page[AuditEntry]:
        found = [
            e
            for e in reversed(self.s.audit)
            if where.entity in (None, e.entity)
            and where.entity_id in (None, e.entity_id)
            and where.actor_id in (None, e.actor_id)
            and (cursor is None or int(e.id) < int(cursor))
        ]
        more = len(found) > limit
        return Page(items=found[:limit], next_cursor=found[limit - 1].id if more else None)

    async def of(self, entity: str, entity_id: str, *, limit: int = 100) -> list[AuditEntry]:
        return [e for e in self.s.audit if (e.entity, e.entity_id) == (entity, entity_id)][:limit]


class FakeApiKeys(_Repo):
    async def add(self, key: ApiKey, digest: bytes) -> None:
        self.s.api_keys[key.id] = (key, digest, None)

    async def by_digest(self, digest: bytes) -> ApiKey | None:
        return next(
            (k for k, d, revoked in self.s.api_keys.values() if d == digest and revoked is None), None
        )

    async def get(self, key_id: str) -> ApiKey | None:
        found = self.s.api_keys.get(key_id)
        return found[0] if found else None

    async def page(self, *, limit: int, cursor: str | None = None) -> Page[ApiKey]:
        active = [k for k, _, revoked in self.s.api_keys.values() if revoked is None]
        active.sort(key=lambda k: (k.created_at, k.id), reverse=True)
        start = next((n + 1 for n, k in enumerate(active) if k.id == cursor), 0) if cursor else 0
        items = active[start : start + limit]
        return Page(items=items, next_cursor=items[-1].id if len(active) > start + limit else None)

    async def revoke(self, key_id: str, at: datetime) -> ApiKey | None:
        found = self.s.api_keys.get(key_id)
        if found is None or found[2] is not None:
            return None
        self.s.api_keys[key_id] = (found[0], found[1], at)
        return found[0]

    async def mark_used(self, key_id: str, at: datetime) -> None:
        key, digest, revoked = self.s.api_keys[key_id]
        self.s.api_keys[key_id] = (replace(key, last_used_at=at), digest, revoked)


class FakeUnitOfWork:
    """Changes apply to the store at once (a fake, not a database), but the outbox only on commit."""

    def __init__(self, store: Store, *, read_only: bool = False) -> None:
        self.store = store
        self.read_only = read_only
        self.departments = FakeDepartments(store)
        self.projects = FakeProjects(store)
        self.employees = FakeEmployees(store)
        self.workdays = FakeWorkdays(store)
        self.clients = FakeClients(store)
        self.company = FakeCompany(store)
        self.members = FakeMembers(store)
        self.invoices = FakeInvoices(store)
        self.billing_runs = FakeRuns(store)
        self.users = FakeUsers(store)
        self.outbox = FakeOutbox()
        self.deliveries = FakeDeliveries(store)
        self.expenses = FakeExpenses(store)
        self.vendors = FakeVendors(store)
        self.statements = FakeStatements(store)
        self.credit_notes = FakeCreditNotes(store)
        self.payments = FakePayments(store)
        self.receivables = FakeReceivables(store)
        self.credit_note_deliveries = FakeCreditNoteDeliveries(store)
        self.reminders = FakeReminders(store)
        self.audit = FakeAuditLog(store)
        self.api_keys = FakeApiKeys(store)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    async def commit(self) -> None:
        if self.read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        self.store.outbox.extend(self.outbox.pending)
        self.outbox.pending.clear()
        self.store.audit.extend(self.audit.pending)
        self.audit.pending.clear()
        self.store.commits += 1


class FakeUnitOfWorkFactory:
    def __init__(self, store: Store | None = None) -> None:
        self.store = store or Store()

    def __call__(self, *, read_only: bool = False) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store, read_only=read_only)


class FixedClock:
    def __init__(self, now: datetime = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


class SequentialIds:
    def __init__(self) -> None:
        self._n = itertools.count(1)

    def new_id(self) -> str:
        return f"00000000-0000-4000-8000-{next(self._n):012d}"


class RecordingRenderer:
    def __init__(self) -> None:
        self.rendered: list[str] = []

    async def render(self, invoice: Invoice) -> bytes:
        self.rendered.append(invoice.id)
        return b"%PDF-1.7 " + invoice.number.encode()


class RecordingCreditNoteRenderer:
    async def render_credit_note(self, note: CreditNote) -> bytes:
        return b"%PDF-1.7 Credit note " + note.number.encode()


class AfterIssueWriter:
    def credit_note(self, note: CreditNote, pdf: bytes) -> OutgoingEmail:
        return OutgoingEmail(note.billed_to.email, f"Credit note {note.number}", "", "")

    def reminder(self, invoice: Invoice, level: int, day: date, pdf: bytes) -> OutgoingEmail:
        return OutgoingEmail(invoice.billed_to.email, f"Reminder {level}: {invoice.number}", "", "")


class MemoryDocuments:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    async def put(self, key: str, body: bytes, content_type: str) -> None:
        self.objects[key] = body

    async def exists(self, key: str) -> bool:
        return key in self.objects

    async def get(self, key: str) -> bytes:
        if key not in self.objects:  # the port's contract: NotFound for a missing key
            raise NotFound(f"no document at {key}")
        return self.objects[key]

    async def download_url(
        self, key: str, filename: str, expires_in_seconds: int, content_type: str = "application/pdf"
    ) -> str:
        return f"memory://{key}?filename={filename}&expires={expires_in_seconds}"

    async def upload_form(
        self,
        key: str,
        content_type: str,
        max_bytes: int,
        expires_in_seconds: int,
        success_redirect: str | None = None,
    ) -> UploadForm:
        fields = {"key": key, "Content-Type": content_type, "max": str(max_bytes)}
        return UploadForm(f"memory://upload?expires={expires_in_seconds}", fields)


class RecordingMailer:
    def __init__(self, fail_with: Exception | None = None) -> None:
        self.sent: list[OutgoingEmail] = []
        self.fail_with = fail_with

    async def send(self, email: OutgoingEmail) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append(email)


class PlainWriter:
    def write(self, invoice: Invoice, pdf: bytes) -> OutgoingEmail:
        return OutgoingEmail(to=invoice.billed_to.email, subject=invoice.number, text="t", html="h")


class PlainHasher:
    def __init__(self) -> None:
        self.verified: list[str] = []

    def hash(self, password: str) -> str:
        return f"hashed:{password}"

    def verify(self, password_hash: str, password: str) -> bool:
        self.verified.append(password_hash)
        return password_hash == f"hashed:{password}"


class PlainTokens:
    """``token:<user id>`` for Billflow's own; ``ext:<sub>:<email>:<role>`` for an external IdP.

    Counts verifications; every token it verifies expires at ``expires_at`` (None: not said)."""

    def __init__(self, expires_at: datetime | None = None) -> None:
        self.expires_at = expires_at
        self.verified = 0

    def issue(self, user: User) -> tuple[str, int]:
        return f"token:{user.id}", 60

    async def verify(self, token: str) -> Identity:
        self.verified += 1
        if token.startswith("ext:"):
            _, sub, email, role = token.split(":")
            return Identity(
                sub,
                external=True,
                email=email or None,
                role=Role(role) if role else None,
                expires_at=self.expires_at,
            )
        return Identity(token.removeprefix("token:"), expires_at=self.expires_at)


class MemoryRateLimiter:
    """Counts events per key in memory, with a clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0
        self.events: dict[str, list[tuple[float, str]]] = {}
        self.settled: list[tuple[str, bool]] = []
        self._tickets = itertools.count(1)

    async def acquire(self, keys: Sequence[str], limit: int, window_seconds: int) -> Admission:
        ticket = str(next(self._tickets))
        waits = []
        for key in keys:
            live = [e for e in self.events.get(key, []) if e[0] > self.now - window_seconds]
            self.events[key] = live
            if len(live) >= limit:
                waits.append(max(1, math.ceil(live[0][0] + window_seconds - self.now)))
        if waits:
            return Admission(ticket, retry_after=max(waits))
        for key in keys:
            self.events[key].append((self.now, ticket))
        return Admission(ticket)

    async def settle(self, ticket: str, *, counted: bool) -> None:
        self.settled.append((ticket, counted))
        if not counted:
            for key, events in self.events.items():
                self.events[key] = [e for e in events if e[1] != ticket]
