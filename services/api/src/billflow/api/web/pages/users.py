"""Users and their roles (admins only)."""

from __future__ import annotations

from typing import Any

from email_validator import EmailNotValidError, validate_email
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from billflow.api.routes.common import known_id
from billflow.api.services import Services
from billflow.api.web.forms import Form
from billflow.api.web.pages.common import actor, page, read_form, see_other
from billflow.domain.errors import Conflict, InvalidInput
from billflow.domain.model import Role, User
from billflow.domain.usecases.users import NewUser


async def _users(services: Services, user: User, form: Form | None, status: int = 200) -> Template:
    employees = await services.organisation.employees(actor=user)
    return page(
        "users.html",
        status=status,
        users=await services.users.list(user),
        employees=employees,
        names={e.id: e.full_name for e in employees},
        roles=list(Role),
        form=form or Form(values={"role": Role.ACCOUNTANT.value}),
    )


@get("/users")
async def users(request: Request[User, Any, Any], services: NamedDependency[Services]) -> Template:
    return await _users(services, actor(request), None)


@post("/users")
async def add_user(request: Request[User, Any, Any], services: NamedDependency[Services]) -> Response[Any]:
    user = actor(request)
    form = await read_form(request)
    email = form.text("email", "an email address")
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            form.errors["email"] = "Enter an email address like name@example.com."
    password = form.values.get("password", "")
    role = Role(form.get("role")) if form.get("role") in set(Role) else None
    if role is None:
        form.errors["role"] = "Choose a role."
    employee_id = form.reference("employee_id", "an employee") if role is Role.EMPLOYEE else None
    if form.ok and role is not None:
        try:
            await services.users.create(user, NewUser(email, password, role, employee_id))
        except InvalidInput as e:
            form.reject(e, "email")
        except Conflict:
            form.errors["email"] = "A user with this email exists already."
        else:
            return see_other("/app/users")
    return await _users(services, user, form, 422)


@post("/users/{user_id:str}/delete")
async def delete_user(
    user_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Response[Any]:
    await services.users.delete(actor(request), known_id(user_id, "user"))
    return see_other("/app/users")


HANDLERS = [users, add_user, delete_user]
