"""Users (admins only) and the caller themself."""

from __future__ import annotations

from typing import Any

from email_validator import EmailNotValidError, validate_email
from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from billflow.api.auth import can_manage_users
from billflow.api.ids import parse_id
from billflow.api.routes.common import Cursor, Limit, known_id, page_request
from billflow.api.schemas import UserIn, UserList, UserOut
from billflow.api.services import Services
from billflow.domain.errors import InvalidInput
from billflow.domain.model import User
from billflow.domain.ports.pagination import DEFAULT_PAGE
from billflow.domain.usecases.users import NewUser


def _email(value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as e:
        raise InvalidInput(f"not a valid email address: {e}", field="email") from e


class UserController(Controller):
    path = "/v1/users"
    tags = ["users"]
    guards = [can_manage_users]

    @post(status_code=HTTP_201_CREATED, summary="Create a user (admins only)")
    async def create(
        self, data: JSONBody[UserIn], request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> UserOut:
        employee_id = None
        if data.employee_id is not None:
            employee_id = parse_id(data.employee_id)
            if employee_id is None:
                raise InvalidInput("no such employee", field="employee_id")
        user = await services.users.create(
            request.user, NewUser(_email(data.email), data.password, data.role, employee_id)
        )
        return UserOut.of(user)

    @get(summary="List users (admins only)")
    async def list_all(
        self,
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
        limit: Limit = DEFAULT_PAGE,
        cursor: Cursor = None,
    ) -> UserList:
        found = await services.users.page(request.user, page_request(limit, cursor))
        return UserList([UserOut.of(u) for u in found.items], found.next_cursor)

    @delete("/{user_id:str}", status_code=HTTP_204_NO_CONTENT, summary="Delete a user (admins only)")
    async def remove(
        self, user_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
    ) -> None:
        await services.users.delete(request.user, known_id(user_id, "user"))


class MeController(Controller):
    path = "/v1/me"
    tags = ["users"]

    @get(summary="Who the token belongs to, and their role")
    async def me(self, request: Request[User, Any, Any]) -> UserOut:
        return UserOut.of(request.user)
