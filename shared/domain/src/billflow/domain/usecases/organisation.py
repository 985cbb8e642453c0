"""Recording the company: departments, projects and employees.

Business rules:
- Whoever may read billing data reads departments, projects and the list of employees; whoever
  may write it records them (Forbidden otherwise). One employee's record is also readable by that
  employee (``access.require_employee_visible``).
- The rules of each record are ``master_data``'s (names, rates, a project's client, an employee's
  department and project, archived records taking no new employees). Archived records are left
  out of lists unless ``include_archived``; changing and archiving are ``edit_organisation``'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from billflow.domain import access
from billflow.domain.access import Action
from billflow.domain.errors import NotFound
from billflow.domain.model import Department, Employee, Project, User
from billflow.domain.model.tax import TaxCategory, default_category
from billflow.domain.ports.system import IdGenerator
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory
from billflow.domain.usecases.master_data import checked_employee, checked_project
from billflow.domain.usecases.master_data import name as _name


@dataclass(frozen=True, slots=True)
class NewDepartment:
    name: str


@dataclass(frozen=True, slots=True)
class NewProject:
    name: str
    tax_rate: Decimal = Decimal(0)
    client_id: str | None = None
    hourly_rate: Decimal | None = None
    """The rate billed to the client per hour, in the client's currency (required with a client)."""
    tax_category: TaxCategory | None = None
    """None: S when the tax rate is above zero, else Z (``default_category``)."""
    exemption_reason: str | None = None
    exemption_code: str | None = None


@dataclass(frozen=True, slots=True)
class NewEmployee:
    full_name: str
    email: str
    department_id: str
    project_id: str
    hourly_rate: Decimal
    currency: str


class Organisation:
    """Creates and reads departments, projects and employees."""

    WRITES: ClassVar[Action] = Action.WRITE_BILLING
    READS: ClassVar[Action] = Action.READ_BILLING
    """What the caller's role must allow (an HTTP edge may refuse on it before reading a body)."""

    def __init__(self, uow: UnitOfWorkFactory, ids: IdGenerator) -> None:
        self._uow = uow
        self._ids = ids

    async def create_department(self, cmd: NewDepartment, *, actor: User) -> Department:
        access.require(actor, self.WRITES)
        department = Department(id=self._ids.new_id(), name=_name(cmd.name, "name"))
        async with self._uow() as uow:
            await uow.departments.add(department)
            await uow.commit()
        return department

    async def create_project(self, cmd: NewProject, *, actor: User) -> Project:
        access.require(actor, self.WRITES)
        project = Project(
            id=self._ids.new_id(),
            name=cmd.name,
            tax_rate=cmd.tax_rate,
            client_id=cmd.client_id,
            hourly_rate=cmd.hourly_rate,
            tax_category=cmd.tax_category or default_category(cmd.tax_rate),
            exemption_reason=cmd.exemption_reason,
            exemption_code=cmd.exemption_code,
        )
        async with self._uow() as uow:
            project = await checked_project(uow, project)
            await uow.projects.add(project)
            await uow.commit()
        return project

    async def create_employee(self, cmd: NewEmployee, *, actor: User) -> Employee:
        access.require(actor, self.WRITES)
        employee = Employee(
            id=self._ids.new_id(),
            full_name=cmd.full_name,
            email=cmd.email,
            department_id=cmd.department_id,
            project_id=cmd.project_id,
            hourly_rate=cmd.hourly_rate,
            currency=cmd.currency,
        )
        async with self._uow() as uow:
            employee = await checked_employee(uow, employee)
            await uow.employees.add(employee)
            await uow.commit()
        return employee

    async def department(self, department_id: str, *, actor: User) -> Department:
        access.require(actor, self.READS)
        async with self._uow(read_only=True) as uow:
            found = await uow.departments.get(department_id)
        if found is None:
            raise NotFound("no such department")
        return found

    async def departments(self, *, actor: User, include_archived: bool = False) -> Sequence[Department]:
        access.require(actor, self.READS)
        async with self._uow(read_only=True) as uow:
            return await uow.departments.list(include_archived=include_archived)

    async def project(self, project_id: str, *, actor: User) -> Project:
        access.require(actor, self.READS)
        async with self._uow(read_only=True) as uow:
            found = await uow.projects.get(project_id)
        if found is None:
            raise NotFound("no such project")
        return found

    async def projects(self, *, actor: User, include_archived: bool = False) -> Sequence[Project]:
        access.require(actor, self.READS)
        async with self._uow(read_only=True) as uow:
            return await uow.projects.list(include_archived=include_archived)

    async def employee(self, employee_id: str, *, actor: User) -> Employee:
        """The employee, for those who may read all billing data or for the employee themself."""
        access.require_employee_visible(actor, employee_id)
        async with self._uow(read_only=True) as uow:
            found = await uow.employees.get(employee_id)
        if found is None:
            raise NotFound("no such employee")
        return found

    async def employees(self, *, actor: User, include_archived: bool = False) -> Sequence[Employee]:
        access.require(actor, self.READS)
        async with self._uow(read_only=True) as uow:
            return await uow.employees.list(include_archived=include_archived)
