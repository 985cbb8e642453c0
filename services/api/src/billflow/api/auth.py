"""Bearer-token authentication for every /v1 route but login, and role guards."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from billflow.domain.errors import Unauthenticated
from billflow.domain.model import Role, User


class BearerAuthenticationMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        header = connection.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthorizedException("a bearer token is required")
        try:
            user = await connection.app.state.services.accounts.authenticate(token.strip())
        except Unauthenticated as e:
            raise NotAuthorizedException(e.detail) from e
        return AuthenticationResult(user=user, auth=token)


def _role_guard(*roles: Role) -> Any:
    allowed = frozenset(roles)

    def guard(connection: ASGIConnection[Any, User, Any, Any], _: BaseRouteHandler) -> None:
        if connection.user.role not in allowed:
            raise PermissionDeniedException("your role may not do this")

    return guard


# Billing data is kept by admins and accountants; everybody signed in may read (finer, per-role
# reading rules come with the access issue).
can_write_billing = _role_guard(Role.ADMIN, Role.ACCOUNTANT)
