"""Bearer-token authentication for every /v1 route but login, and guards from the access policy."""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from billflow.domain import access
from billflow.domain.access import Action
from billflow.domain.errors import Unauthenticated
from billflow.domain.model import User


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


def requires(action: Action) -> Any:
    """A guard asking the domain's access policy whether the caller's role may take ``action``."""

    def guard(connection: ASGIConnection[Any, User, Any, Any], _: BaseRouteHandler) -> None:
        if not access.may(connection.user, action):
            raise PermissionDeniedException("your role may not do this")

    return guard


class GuardedUseCase(Protocol):
    ACTION: ClassVar[Action]


def refuses_early(use_case: type[GuardedUseCase]) -> Any:
    """The use case's own role check, asked once more before the request body is read.

    The use case decides (and charges any quota) inside ``execute``; this only keeps the answer to
    a caller whose role may never do it a 403, instead of a lecture on the shape of their body.
    """
    return requires(use_case.ACTION)


# The users' use cases check this themselves too; the REST controller refuses up front, before
# any body is read.
can_manage_users = requires(Action.MANAGE_USERS)
