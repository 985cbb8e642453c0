"""Recording the company: departments, projects and employees.

Business rules:
- Whoever may read billing data reads departments, projects and the list of employees; whoever
  may write it records them (Forbidden otherwise). One employee's record is also readable by that
  employee (``access.require_employee_visible``).
- Names are non-empty after trimming.
- A project's tax rate is a percentage from 0 to 100.
- An employee belongs to an existing department and project; the hourly rate is not negative;
  the currency is an active ISO 4217 code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from billflow.domain import access
from billflow.domain.access import Action
from billflow.domain.errors import InvalidInput, NotFound
from billflow.domain.model import Department, Employee, Project, User
from billflow.domain.money import validate_currency
from billflow.domain.ports.system import IdGenerator
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory


def _name(value: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput(f"{field} must not be blank", field=field)
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise InvalidInput(f"{field} must not contain control characters", field=field)
    return value


@dataclass(frozen=True, slots=True)
class NewDepartment:
    name: str


@dataclass(frozen=True, slots=True)
class NewProject:
    name: str
    tax_rate: Decimal = Decimal(0)


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
        if not Decimal(0) <= cmd.tax_rate <= Decimal(100):
            raise InvalidInput("tax_rate is a percentage from 0 to 100", field="tax_rate")
        project = Project(id=self._ids.new_id(), name=_name(cmd.name, "name"), tax_rate=cmd.tax_rate)
        async with self._uow() as uow:
            await uow.projects.add(project)
            await uow.commit()
        return project

    async def create_employee(self, cmd: NewEmployee, *, actor: User) -> Employee:
        access.require(actor, self.WRITES)
        if cmd.hourly_rate < 0:
            raise InvalidInput("hourly_rate must not be negative", field="hourly_rate")
        employee = Employee(
            id=self._ids.new_id(),
            full_name=_name(cmd.full_name, "full_name"),
            email=cmd.email,
            department_id=cmd.department_id,
            project_id=cmd.project_id,
            hourly_rate=cmd.hourly_rate,
            currency=validate_currency(cmd.currency),
        )
        async with self._uow() as uow:
            if await uow.departments.get(cmd.department_id) is None:
                raise InvalidInput("no such department", field="department_id")
            if await uow.projects.get(cmd.project_id) is None:
                raise InvalidInput("no such project", field="project_id")
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

    async def departments(self, *, actor: User) -> Sequence[Department]:
        access.require(actor, self.READS)
        async with self._uow(read_only=True) as uow:
            return await uow.departments.list()

    async def project(self, project_id: str, *, actor: User) -> Project:
        access.require(actor, self.READS)
        async with self._uow(read_only=True) as uow:
            found = await uow.projects.get(project_id)
        if found is None:
            raise NotFound("no such project")
        return found

    async def projects(self, *, actor: User) -> Sequence[Project]:
        access.require(actor, self.READS)
        async with self._uow(read_only=True) as uow:
            return await uow.projects.list()

    async def employee(self, employee_id: str, *, actor: User) -> Employee:
        """The employee, for those who may read all billing data or for the employee themself."""
        access.require_employee_visible(actor, employee_id)
        async with self._uow(read_only=True) as uow:
            found = await uow.employees.get(employee_id)
        if found is None:
            raise NotFound("no such employee")
        return found

    async def employees(self, *, actor: User) -> Sequence[Employee]:
        access.require(actor, self.READS)
        async with self._uow(read_only=True) as uow:
            return await uow.employees.list()
