"""Departments, projects, employees and their workdays."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from litestar import Controller, Request, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from billflow.api.auth import requires
from billflow.api.master_schemas import DepartmentPatch, EmployeePatch, ProjectPatch, changes
from billflow.api.routes.clients import IncludeArchived
from billflow.api.routes.common import email_address, known_id, referenced_id
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
from billflow.domain.usecases.edit_organisation import Change
from billflow.domain.usecases.organisation import NewDepartment, NewEmployee, NewProject, Organisation
from billflow.domain.usecases.workdays import DeleteWorkdayCommand, RecordWorkdaysCommand

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
        self,
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
        include_archived: IncludeArchived = False,
    ) -> DepartmentList:
        found = await services.organisation.departments(actor=request.user, include_archived=include_archived)
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

    @patch("/{department_id:str}", summary="Change or archive a department")
    async def update(
        self,
        department_id: FromPath[str],
        data: JSONBody[DepartmentPatch],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> DepartmentOut:
        change = Change(known_id(department_id, "department"), changes(data), request.user)
        return DepartmentOut.of(await services.edit.department(change))


class ProjectController(Controller):
    path = "/v1/projects"
    tags = ["company"]

    @post(guards=[writes], summary="Create a project")
    async def create(
        self, data: JSONBody[ProjectIn], request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> ProjectOut:
        client_id = (
            referenced_id(data.client_id, "client_id", "client") if data.client_id is not None else None
        )
        project = await services.organisation.create_project(
            NewProject(
                data.name,
                data.tax_rate,
                client_id,
                data.hourly_rate,
                data.tax_category,
                data.exemption_reason,
                data.exemption_code,
            ),
            actor=request.user,
        )
        return ProjectOut.of(project)

    @get(guards=[reads], summary="List projects")
    async def list_all(
        self,
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
        include_archived: IncludeArchived = False,
    ) -> ProjectList:
        found = await services.organisation.projects(actor=request.user, include_archived=include_archived)
        return ProjectList([ProjectOut.of(p) for p in found])

    @get("/{project_id:str}", guards=[reads], summary="Get a project")
    async def get_one(
        self, project_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> ProjectOut:
        found = await services.organisation.project(known_id(project_id, "project"), actor=request.user)
        return ProjectOut.of(found)

    @patch("/{project_id:str}", summary="Change or archive a project")
    async def update(
        self,
        project_id: FromPath[str],
        data: JSONBody[ProjectPatch],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> ProjectOut:
        given = changes(data)
        if given.get("client_id") is not None:
            given["client_id"] = referenced_id(given["client_id"], "client_id", "client")
        change = Change(known_id(project_id, "project"), given, request.user)
        return ProjectOut.of(await services.edit.project(change))


def _reference(value: str, field: str) -> str:
    return referenced_id(value, field, field.removesuffix("_id"))


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
                email=email_address(data.email),
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
        self,
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
        include_archived: IncludeArchived = False,
    ) -> EmployeeList:
        found = await services.organisation.employees(actor=request.user, include_archived=include_archived)
        return EmployeeList([EmployeeOut.of(e) for e in found])

    @get("/{employee_id:str}", summary="Get an employee")
    async def get_one(
        self,
        employee_id: FromPath[str],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> EmployeeOut:
        found = await services.organisation.employee(known_id(employee_id, "employee"), actor=request.user)
        return EmployeeOut.of(found)

    @patch("/{employee_id:str}", summary="Change or archive an employee")
    async def update(
        self,
        employee_id: FromPath[str],
        data: JSONBody[EmployeePatch],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
    ) -> EmployeeOut:
        given = changes(data)
        if "email" in given:
            given["email"] = email_address(given["email"])
        for field in ("department_id", "project_id"):
            if field in given:
                given[field] = _reference(given[field], field)
        change = Change(known_id(employee_id, "employee"), given, request.user)
        return EmployeeOut.of(await services.edit.employee(change))

    @put(
        "/{employee_id:str}/workdays",
        summary="Record workdays (upsert by date and project)",
        description="Admins and accountants record anybody's; an employee user only their own."
        " An entry without `project_id` is on the employee's own project; billed entries are locked (409).",
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
                [
                    Workday(w.date, w.hours, w.description, _entry_project(w.project_id, i))
                    for i, w in enumerate(data.workdays)
                ],
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

    @delete("/{employee_id:str}/workdays/{day:str}", summary="Remove one time entry")
    async def delete_workday(
        self,
        employee_id: FromPath[str],
        day: FromPath[str],
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
        project_id: Annotated[
            str | None, QueryParameter(description="Default: the employee's own project")
        ] = None,
    ) -> None:
        try:
            on = date.fromisoformat(day)
        except ValueError:
            raise InvalidInput("not a date (YYYY-MM-DD)", field="date") from None
        project = _reference(project_id, "project_id") if project_id else None
        await services.workdays.delete(
            DeleteWorkdayCommand(known_id(employee_id, "employee"), on, project, request.user)
        )


def _entry_project(project_id: str | None, i: int) -> str | None:
    return None if project_id is None else referenced_id(project_id, f"workdays[{i}].project_id", "project")
