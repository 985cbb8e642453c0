"""Master data: departments, projects, employees, project members and their time entries.

Nothing an invoice refers to is ever deleted: records are archived (``archived``), which hides
them from lists unless ``include_archived`` and from new work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from billflow.domain.billing import LineSums, WorkdayPricing
from billflow.domain.model import Department, Employee, Project, ProjectMember, Workday
from billflow.domain.ports.pagination import Page, PageRequest


class DepartmentRepository(Protocol):
    async def add(self, department: Department) -> None: ...
    async def get(self, department_id: str) -> Department | None: ...
    async def list(self, *, include_archived: bool = False) -> Sequence[Department]: ...
    async def page(self, request: PageRequest, *, include_archived: bool = False) -> Page[Department]:
        """A page of ``list``, ordered by name, then id."""
        ...

    async def update(self, department: Department) -> None:
        """Store every field of ``department`` (an existing one)."""
        ...


class ProjectRepository(Protocol):
    async def add(self, project: Project) -> None: ...
    async def get(self, project_id: str) -> Project | None: ...
    async def list(self, *, include_archived: bool = False) -> Sequence[Project]: ...
    async def page(self, request: PageRequest, *, include_archived: bool = False) -> Page[Project]:
        """A page of ``list``, ordered by name, then id."""
        ...

    async def update(self, project: Project) -> None:
        """Store every field of ``project`` (an existing one)."""
        ...

    async def of_clients(self, client_ids: Sequence[str]) -> Sequence[Project]:
        """Every project (archived ones too) of these clients."""
        ...


class EmployeeRepository(Protocol):
    async def add(self, employee: Employee) -> None: ...
    async def get(self, employee_id: str) -> Employee | None: ...
    async def get_for_update(self, employee_id: str) -> Employee | None:
        """Like get, and locks the employee until the transaction ends (serialises invoicing)."""
        ...

    async def list(self, *, include_archived: bool = False) -> Sequence[Employee]: ...
    async def page(self, request: PageRequest, *, include_archived: bool = False) -> Page[Employee]:
        """A page of ``list``, ordered by full name, then id."""
        ...

    async def update(self, employee: Employee) -> None:
        """Store every field of ``employee`` (an existing one)."""
        ...

    async def names(self, employee_ids: Sequence[str]) -> dict[str, str]:
        """The full names of these employees, by id."""
        ...

    async def with_workdays_between(
        self, start: date, end: date, *, after: str | None = None, limit: int | None = None
    ) -> Sequence[Employee]:
        """Employees with at least one workday in [start, end], ordered by id, locked for update;
        only those whose id sorts after ``after``, at most ``limit`` (a billing run's chunk)."""
        ...

    async def any_with_workdays_between(self, start: date, end: date) -> bool:
        """Whether anybody has a workday in [start, end] (one cheap question, nothing locked)."""
        ...


class ProjectMemberRepository(Protocol):
    """Who works on which project, with their own rate to the client. An employee's own
    ``project_id`` counts as membership without a row here."""

    async def put(self, member: ProjectMember) -> None:
        """Insert or replace the membership (its rate)."""
        ...

    async def list(self, project_id: str) -> Sequence[ProjectMember]:
        """The project's members: its rows, and the employees whose own project it is (with no
        rate of their own unless a row gives one), ordered by employee id."""
        ...

    async def page(self, project_id: str, request: PageRequest) -> Page[ProjectMember]:
        """A page of ``list``, in its order."""
        ...

    async def delete(self, project_id: str, employee_id: str) -> bool:
        """Remove the row; False when there was none."""
        ...

    async def projects_of(self, employee_id: str) -> set[str]:
        """The ids of the projects the employee may record time on (their own one included)."""
        ...

    async def rates(self, project_ids: Sequence[str]) -> dict[tuple[str, str], Decimal]:
        """The members' own rates on these projects, by (project id, employee id)."""
        ...


@dataclass(frozen=True, slots=True)
class RecordedEntry:
    """A stored time entry and the number of the invoice it is billed on, if any (either kind)."""

    workday: Workday
    billed_on: str | None


class WorkdayRepository(Protocol):
    async def upsert(self, employee_id: str, workdays: Sequence[Workday]) -> None:
        """Insert or replace the employee's entries by (date, project); every ``project_id`` set."""
        ...

    async def recorded(
        self, employee_id: str, keys: Sequence[tuple[date, str]]
    ) -> Mapping[tuple[date, str], RecordedEntry]:
        """The stored entries among ``keys`` (date, project id), locked until the transaction
        ends, with the invoice each is billed on."""
        ...

    async def delete(self, employee_id: str, day: date, project_id: str) -> bool:
        """Remove one entry; False when there was none."""
        ...

    async def between(self, employee_id: str, start: date, end: date) -> list[Workday]:
        """The employee's entries in the period, by date then project (``project_id`` set)."""
        ...

    async def priced_between(
        self, pricing: Sequence[WorkdayPricing], start: date, end: date
    ) -> dict[str, LineSums]:
        """For each priced employee with entries in the period, by employee id: the number of
        lines their entries make and the sum of the lines' amounts, priced as ``pricing`` says
        (one read for a billing run's chunk; nothing is written or locked)."""
        ...
