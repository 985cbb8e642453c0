"""One project: changing or archiving it, and its members with their rates to the client."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from billflow.api.routes.common import known_id
from billflow.api.services import Services
from billflow.api.web.forms import Form
from billflow.api.web.pages.common import actor, page, read_form, see_other
from billflow.domain.errors import InvalidInput
from billflow.domain.model import Project, TaxCategory, User
from billflow.domain.usecases.edit_organisation import Change
from billflow.domain.usecases.project_members import PutMember


def _values(project: Project) -> dict[str, str]:
    return {
        "name": project.name,
        "tax_rate": f"{project.tax_rate:f}",
        "client_id": project.client_id or "",
        "hourly_rate": "" if project.hourly_rate is None else f"{project.hourly_rate:f}",
        "tax_category": project.tax_category.value,
        "exemption_reason": project.exemption_reason or "",
        "exemption_code": project.exemption_code or "",
    }


TAX_CATEGORIES = (
    ("S", "S: standard rate"),
    ("Z", "Z: zero rated"),
    ("E", "E: exempt"),
    ("AE", "AE: reverse charge"),
    ("K", "K: intra-community supply"),
    ("G", "G: export outside the EU"),
    ("O", "O: outside the scope of VAT"),
)


async def _page(
    services: Services,
    user: User,
    project: Project,
    *,
    status: int = 200,
    edit_form: Form | None = None,
    member_form: Form | None = None,
    rate_errors: dict[str, str] | None = None,
    saved: str | None = None,
) -> Template:
    clients = await services.clients.list(actor=user, include_archived=True)
    employees = await services.organisation.employees(actor=user, include_archived=True)
    members = await services.members.list(project.id, actor=user)
    on_project = {m.employee_id for m in members}
    client = next((c for c in clients if c.id == project.client_id), None)
    return page(
        "projects/show.html",
        status=status,
        tax_categories=TAX_CATEGORIES,
        project=project,
        client=client,
        clients=[c for c in clients if not c.archived or c.id == project.client_id],
        members=members,
        names={e.id: e.full_name for e in employees},
        own={e.id for e in employees if e.project_id == project.id},
        candidates=[e for e in employees if not e.archived and e.id not in on_project],
        edit_form=edit_form or Form(values=_values(project)),
        member_form=member_form or Form(),
        rate_errors=rate_errors or {},
        saved=saved,
    )


@get("/projects/{project_id:str}")
async def project(
    project_id: FromPath[str],
    request: Request[User, Any, Any],
    services: NamedDependency[Services],
    saved: FromQuery[str | None] = None,
) -> Template:
    user = actor(request)
    found = await services.organisation.project(known_id(project_id, "project"), actor=user)
    return await _page(services, user, found, saved=saved)


def _rate(form: Form, name: str = "hourly_rate") -> Decimal | None:
    """An optional rate: empty means none (the project's own, for a member)."""
    return form.decimal(name, "120") if form.get(name) else None


@post("/projects/{project_id:str}")
async def edit_project(
    project_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Response[Any]:
    user = actor(request)
    before = await services.organisation.project(known_id(project_id, "project"), actor=user)
    form = await read_form(request)
    name = form.text("name", "a name")
    tax_rate = form.decimal("tax_rate", "21") if form.get("tax_rate") else Decimal(0)
    client_id = form.reference("client_id", "a client") if form.get("client_id") else None
    rate = _rate(form)
    category = form.get("tax_category")
    if category and category not in {c.value for c in TaxCategory}:
        form.errors["tax_category"] = "Choose a tax category from the list."
    if form.ok:
        changes: dict[str, Any] = {
            "name": name,
            "tax_rate": tax_rate,
            "client_id": client_id,
            "hourly_rate": rate,
        }
        changes["exemption_reason"] = form.optional("exemption_reason")
        changes["exemption_code"] = form.optional("exemption_code")
        if category and category != before.tax_category.value:
            changes["tax_category"] = TaxCategory(category)
        try:
            await services.edit.project(Change(before.id, changes, user))
        except InvalidInput as e:
            form.reject(e, "name")
        else:
            return see_other(f"/app/projects/{before.id}?saved=project")
    return await _page(services, user, before, status=422, edit_form=form)


@post("/projects/{project_id:str}/archive")
async def archive_project(
    project_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Response[Any]:
    """Archive (``archived=1``) or restore (``archived=0``) the project."""
    form = await read_form(request)
    archived = form.get("archived") == "1"
    found = await services.edit.project(
        Change(known_id(project_id, "project"), {"archived": archived}, actor(request))
    )
    return see_other(f"/app/projects/{found.id}?saved={'archived' if archived else 'restored'}")


@post("/projects/{project_id:str}/members")
async def add_member(
    project_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Response[Any]:
    user = actor(request)
    found = await services.organisation.project(known_id(project_id, "project"), actor=user)
    form = await read_form(request)
    employee_id = form.reference("employee_id", "an employee")
    rate = _rate(form)
    if form.ok:
        try:
            await services.members.put(PutMember(found.id, employee_id, rate, user))
        except InvalidInput as e:
            form.reject(e, "employee_id")
        else:
            return see_other(f"/app/projects/{found.id}?saved=member#members")
    return await _page(services, user, found, status=422, member_form=form)


@post("/projects/{project_id:str}/members/{employee_id:str}")
async def change_rate(
    project_id: FromPath[str],
    employee_id: FromPath[str],
    request: Request[User, Any, Any],
    services: NamedDependency[Services],
) -> Response[Any]:
    """A member's own rate; left empty, the project's rate applies to them."""
    user = actor(request)
    found = await services.organisation.project(known_id(project_id, "project"), actor=user)
    member = known_id(employee_id, "employee")
    form = await read_form(request)
    rate = _rate(form)
    if form.ok:
        try:
            await services.members.put(PutMember(found.id, member, rate, user))
        except InvalidInput as e:
            form.reject(e, "hourly_rate")
        else:
            return see_other(f"/app/projects/{found.id}?saved=rate#members")
    return await _page(
        services, user, found, status=422, rate_errors={member: next(iter(form.errors.values()))}
    )


@post("/projects/{project_id:str}/members/{employee_id:str}/remove")
async def remove_member(
    project_id: FromPath[str],
    employee_id: FromPath[str],
    request: Request[User, Any, Any],
    services: NamedDependency[Services],
) -> Response[Any]:
    project = known_id(project_id, "project")
    await services.members.delete(project, known_id(employee_id, "employee"), actor=actor(request))
    return see_other(f"/app/projects/{project}?saved=removed#members")


HANDLERS = [project, edit_project, archive_project, add_member, change_rate, remove_member]
