"""Departments and projects (one page), and employees."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from email_validator import EmailNotValidError, validate_email
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.response import Template

from billflow.api.auth import can_read_billing, can_write_billing
from billflow.api.services import Services
from billflow.api.web.forms import Form
from billflow.api.web.pages.common import page, read_form, see_other
from billflow.domain.errors import InvalidInput
from billflow.domain.usecases.organisation import NewDepartment, NewEmployee, NewProject


async def _company(services: Services, status: int = 200, **forms: Form | None) -> Template:
    return page(
        "company.html",
        status=status,
        departments=await services.organisation.departments(),
        projects=await services.organisation.projects(),
        department_form=forms.get("department_form"),
        project_form=forms.get("project_form"),
    )


@get("/company", guards=[can_read_billing])
async def company(services: NamedDependency[Services]) -> Template:
    return await _company(services)


@post("/company/departments", guards=[can_write_billing])
async def add_department(
    request: Request[Any, Any, Any], services: NamedDependency[Services]
) -> Response[Any]:
    form = await read_form(request)
    name = form.text("name", "a name")
    if form.ok:
        try:
            await services.organisation.create_department(NewDepartment(name))
        except InvalidInput as e:
            form.reject(e, "name")
    if not form.ok:
        return await _company(services, 422, department_form=form)
    return see_other("/app/company#departments")


@post("/company/projects", guards=[can_write_billing])
async def add_project(request: Request[Any, Any, Any], services: NamedDependency[Services]) -> Response[Any]:
    form = await read_form(request)
    name = form.text("name", "a name")
    tax_rate = form.decimal("tax_rate", "21") if form.get("tax_rate") else None
    if form.ok:
        try:
            await services.organisation.create_project(NewProject(name, tax_rate or Decimal(0)))
        except InvalidInput as e:
            form.reject(e, "name")
    if not form.ok:
        return await _company(services, 422, project_form=form)
    return see_other("/app/company#projects")


async def _employee_form(services: Services, form: Form | None, status: int = 200) -> Template:
    return page(
        "employees/new.html",
        status=status,
        form=form or Form(values={"currency": "EUR"}),
        departments=await services.organisation.departments(),
        projects=await services.organisation.projects(),
    )


@get("/employees", guards=[can_read_billing])
async def employees(services: NamedDependency[Services]) -> Template:
    departments = {d.id: d.name for d in await services.organisation.departments()}
    projects = {p.id: p.name for p in await services.organisation.projects()}
    return page(
        "employees/list.html",
        employees=await services.organisation.employees(),
        departments=departments,
        projects=projects,
    )


@get("/employees/new", guards=[can_write_billing])
async def new_employee(services: NamedDependency[Services]) -> Template:
    return await _employee_form(services, None)


@post("/employees", guards=[can_write_billing])
async def add_employee(request: Request[Any, Any, Any], services: NamedDependency[Services]) -> Response[Any]:
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
                NewEmployee(full_name, email, department_id, project_id, rate, currency)
            )
        except InvalidInput as e:
            form.reject(e, "full_name")
        else:
            return see_other(f"/app/employees/{employee.id}/workdays?added=1")
    return await _employee_form(services, form, 422)


HANDLERS = [company, add_department, add_project, employees, new_employee, add_employee]
