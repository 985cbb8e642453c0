"""Departments and projects (one page), and employees; archiving and restoring them.

A project's own page (its members and rates, editing it) is ``projects``'s."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from email_validator import EmailNotValidError, validate_email
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from billflow.api.auth import requires
from billflow.api.routes.common import known_id
from billflow.api.services import Services
from billflow.api.web.forms import Form
from billflow.api.web.pages.common import actor, page, read_form, see_other
from billflow.domain.errors import InvalidInput
from billflow.domain.model import User
from billflow.domain.usecases.edit_organisation import Change
from billflow.domain.usecases.organisation import NewDepartment, NewEmployee, NewProject, Organisation


async def _company(
    services: Services, user: User, status: int = 200, archived: bool = False, **forms: Form | None
) -> Template:
    clients = await services.clients.list(actor=user, include_archived=True)
    return page(
        "company.html",
        status=status,
        departments=await services.organisation.departments(actor=user, include_archived=archived),
        projects=await services.organisation.projects(actor=user, include_archived=archived),
        clients={c.id: c for c in clients},
        live_clients=[c for c in clients if not c.archived],
        show_archived=archived,
        department_form=forms.get("department_form"),
        project_form=forms.get("project_form"),
    )


@get("/company")
async def company(
    request: Request[User, Any, Any], services: NamedDependency[Services], archived: FromQuery[bool] = False
) -> Template:
    return await _company(services, actor(request), archived=archived)


@post("/company/departments")
async def add_department(
    request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Response[Any]:
    user = actor(request)
    form = await read_form(request)
    name = form.text("name", "a name")
    if form.ok:
        try:
            await services.organisation.create_department(NewDepartment(name), actor=user)
        except InvalidInput as e:
            form.reject(e, "name")
    if not form.ok:
        return await _company(services, user, 422, department_form=form)
    return see_other("/app/company#departments")


@post("/company/projects")
async def add_project(request: Request[User, Any, Any], services: NamedDependency[Services]) -> Response[Any]:
    user = actor(request)
    form = await read_form(request)
    name = form.text("name", "a name")
    tax_rate = form.decimal("tax_rate", "21") if form.get("tax_rate") else None
    client_id = form.reference("client_id", "a client") if form.get("client_id") else None
    rate = form.decimal("hourly_rate", "120") if form.get("hourly_rate") else None
    if form.ok:
        try:
            await services.organisation.create_project(
                NewProject(name, tax_rate or Decimal(0), client_id, rate), actor=user
            )
        except InvalidInput as e:
            form.reject(e, "name")
        else:
            return see_other("/app/company#projects")
    return await _company(services, user, 422, project_form=form)


@post("/company/departments/{department_id:str}/archive")
async def archive_department(
    department_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Response[Any]:
    """Archive (``archived=1``) or restore (``archived=0``) the department."""
    form = await read_form(request)
    archived = form.get("archived") == "1"
    change = Change(known_id(department_id, "department"), {"archived": archived}, actor(request))
    await services.edit.department(change)
    return see_other("/app/company?archived=1#departments" if archived else "/app/company#departments")


async def _employee_form(services: Services, user: User, form: Form | None, status: int = 200) -> Template:
    return page(
        "employees/new.html",
        status=status,
        form=form or Form(values={"currency": "EUR"}),
        departments=await services.organisation.departments(actor=user),
        projects=await services.organisation.projects(actor=user),
    )


@get("/employees")
async def employees(
    request: Request[User, Any, Any], services: NamedDependency[Services], archived: FromQuery[bool] = False
) -> Template:
    user = actor(request)
    org = services.organisation
    departments = {d.id: d.name for d in await org.departments(actor=user, include_archived=True)}
    projects = {p.id: p.name for p in await org.projects(actor=user, include_archived=True)}
    return page(
        "employees/list.html",
        employees=await services.organisation.employees(actor=user, include_archived=archived),
        departments=departments,
        projects=projects,
        show_archived=archived,
    )


@post("/employees/{employee_id:str}/archive")
async def archive_employee(
    employee_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Response[Any]:
    """Archive (``archived=1``) or restore (``archived=0``) the employee."""
    form = await read_form(request)
    archived = form.get("archived") == "1"
    change = Change(known_id(employee_id, "employee"), {"archived": archived}, actor(request))
    await services.edit.employee(change)
    return see_other("/app/employees?archived=1" if archived else "/app/employees")


@get("/employees/new", guards=[requires(Organisation.WRITES)])  # a form alone: no use case to ask
async def new_employee(request: Request[User, Any, Any], services: NamedDependency[Services]) -> Template:
    return await _employee_form(services, actor(request), None)


@post("/employees")
async def add_employee(
    request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Response[Any]:
    user = actor(request)
    form = await read_form(request)
    full_name = form.text("full_name", "the employee's name")
    email = form.text("email", "an email address")
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            form.errors["email"] = "Enter an email address like name@example.com."
    department_id = form.reference("department_id", "a department")
    project_id = form.reference("project_id", "a project")
    rate = form.decimal("hourly_rate", "85.50")
    currency = form.text("currency", "a currency code, like EUR").upper()
    if form.ok and rate is not None:
        try:
            employee = await services.organisation.create_employee(
                NewEmployee(full_name, email, department_id, project_id, rate, currency), actor=user
            )
        except InvalidInput as e:
            form.reject(e, "full_name")
        else:
            return see_other(f"/app/employees/{employee.id}/workdays?added=1")
    return await _employee_form(services, user, form, 422)


HANDLERS = [
    company,
    add_department,
    add_project,
    archive_department,
    employees,
    archive_employee,
    new_employee,
    add_employee,
]
