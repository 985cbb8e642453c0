"""Departments, projects, employees and their workdays."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from email_validator import EmailNotValidError, validate_email
from litestar import Controller, Request, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from billflow.api.auth import requires
from billflow.api.ids import parse_id
from billflow.api.routes.common import known_id
from billflow.api.schemas import (
    DepartmentIn,
    DepartmentList,
    DepartmentOut,
    EmployeeIn,
    EmployeeList,
    EmployeeOut,
    ProjectIn,
    ProjectList,
    ProjectOut,
    WorkdayOut,
    WorkdaysIn,
    WorkdaysOut,
)
from billflow.api.services import Services
from billflow.domain.errors import InvalidInput
from billflow.domain.model import User, Workday
from billflow.domain.usecases.organisation import NewDepartment, NewEmployee, NewProject, Organisation
from billflow.domain.usecases.workdays import RecordWorkdaysCommand

# The use cases check the caller's role; these refuse before a body is read (see refuses_early).
writes = requires(Organisation.WRITES)
reads = requires(Organisation.READS)


class DepartmentController(Controller):
    path = "/v1/departments"
    tags = ["company"]

    @post(guards=[writes], summary="Create a department")
    async def create(
        self,
        data: JSONBody[DepartmentIn],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> DepartmentOut:
        created = await services.organisation.create_department(NewDepartment(data.name), actor=request.user)
        return DepartmentOut.of(created)

    @get(guards=[reads], summary="List departments")
    async def list_all(
        self, request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> DepartmentList:
        found = await services.organisation.departments(actor=request.user)
        return DepartmentList([DepartmentOut.of(d) for d in found])

    @get("/{department_id:str}", guards=[reads], summary="Get a department")
    async def get_one(
        self,
        department_id: FromPath[str],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> DepartmentOut:
        found = await services.organisation.department(
            known_id(department_id, "department"), actor=request.user
        )
        return DepartmentOut.of(found)


class ProjectController(Controller):
    path = "/v1/projects"
    tags = ["company"]

    @post(guards=[writes], summary="Create a project")
    async def create(
        self, data: JSONBody[ProjectIn], request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> ProjectOut:
        project = await services.organisation.create_project(
            NewProject(data.name, data.tax_rate), actor=request.user
        )
        return ProjectOut.of(project)

    @get(guards=[reads], summary="List projects")
    async def list_all(
        self, request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> ProjectList:
        return ProjectList(
            [ProjectOut.of(p) for p in await services.organisation.projects(actor=request.user)]
        )

    @get("/{project_id:str}", guards=[reads], summary="Get a project")
    async def get_one(
        self, project_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> ProjectOut:
        found = await services.organisation.project(known_id(project_id, "project"), actor=request.user)
        return ProjectOut.of(found)


def _email(value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as e:
        raise InvalidInput(f"not a valid email address: {e}", field="email") from e


def _reference(value: str, field: str) -> str:
    parsed = parse_id(value)
    if parsed is None:
        raise InvalidInput(f"no such {field.removesuffix('_id')}", field=field)
    return parsed


class EmployeeController(Controller):
    path = "/v1/employees"
    tags = ["company"]

    @post(guards=[writes], summary="Create an employee")
    async def create(
        self,
        data: JSONBody[EmployeeIn],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> EmployeeOut:
        employee = await services.organisation.create_employee(
            NewEmployee(
                full_name=data.full_name,
                email=_email(data.email),
                department_id=_reference(data.department_id, "department_id"),
                project_id=_reference(data.project_id, "project_id"),
                hourly_rate=data.hourly_rate,
                currency=data.currency,
            ),
            actor=request.user,
        )
        return EmployeeOut.of(employee)

    @get(guards=[reads], summary="List employees")
    async def list_all(
        self, request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> EmployeeList:
        return EmployeeList(
            [EmployeeOut.of(e) for e in await services.organisation.employees(actor=request.user)]
        )

    @get("/{employee_id:str}", summary="Get an employee")
    async def get_one(
        self,
        employee_id: FromPath[str],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> EmployeeOut:
        found = await services.organisation.employee(known_id(employee_id, "employee"), actor=request.user)
        return EmployeeOut.of(found)

    @put(
        "/{employee_id:str}/workdays",
        summary="Record workdays (upsert by date)",
        description="Admins and accountants record anybody's; an employee user only their own.",
    )
    async def record_workdays(
        self,
        employee_id: FromPath[str],
        data: JSONBody[WorkdaysIn],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> WorkdaysOut:
        stored = await services.workdays.record(
            RecordWorkdaysCommand(
                known_id(employee_id, "employee"),
                [Workday(w.date, w.hours, w.description) for w in data.workdays],
                request.user,
            )
        )
        return WorkdaysOut([WorkdayOut.of(w) for w in stored])

    @get("/{employee_id:str}/workdays", summary="An employee's workdays between two dates")
    async def workdays(
        self,
        employee_id: FromPath[str],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
        from_: Annotated[
            date | None, QueryParameter(name="from", description="First day (default: 365 days before `to`)")
        ] = None,
        to: Annotated[date | None, QueryParameter(description="Last day (default: today)")] = None,
    ) -> WorkdaysOut:
        end = to or date.today()
        start = from_ or end - timedelta(days=365)
        found = await services.workdays.between(
            known_id(employee_id, "employee"), start, end, actor=request.user
        )
        return WorkdaysOut([WorkdayOut.of(w) for w in found])
