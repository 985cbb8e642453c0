"""Master data: departments, projects, employees and their workdays."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from billflow.domain.model import Department, Employee, Project, Workday


class DepartmentRepository(Protocol):
    async def add(self, department: Department) -> None: ...
    async def get(self, department_id: str) -> Department | None: ...
    async def list(self) -> Sequence[Department]: ...


class ProjectRepository(Protocol):
    async def add(self, project: Project) -> None: ...
    async def get(self, project_id: str) -> Project | None: ...
    async def list(self) -> Sequence[Project]: ...


class EmployeeRepository(Protocol):
    async def add(self, employee: Employee) -> None: ...
    async def get(self, employee_id: str) -> Employee | None: ...
    async def get_for_update(self, employee_id: str) -> Employee | None:
        """Like get, and locks the employee until the transaction ends (serialises invoicing)."""
        ...

    async def list(self) -> Sequence[Employee]: ...
    async def with_workdays_between(self, start: date, end: date) -> Sequence[Employee]:
        """Employees with at least one workday in [start, end], ordered by id, locked for update."""
        ...


class WorkdayRepository(Protocol):
    async def upsert(self, employee_id: str, workdays: Sequence[Workday]) -> None:
        """Insert or replace the employee's workdays by date."""
        ...

    async def between(self, employee_id: str, start: date, end: date) -> list[Workday]: ...
    async def between_for(
        self, employee_ids: Sequence[str], start: date, end: date
    ) -> dict[str, list[Workday]]:
        """Each employee's workdays in the period, by date (one read for a billing run)."""
        ...
