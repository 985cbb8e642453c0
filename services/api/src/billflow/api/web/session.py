"""The browser's session: Billflow's own access token in an HttpOnly cookie, and CSRF protection.

The cookie holds the same signed, expiring token ``POST /v1/auth/token`` hands out, so every API
process can check it without shared session state, and the session ends when the token does. The
cookie is scoped to ``/app``: the REST API under ``/v1`` never reads it and stays bearer-only.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Response
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from billflow.api.web.config import WebConfig
from billflow.domain.errors import Unauthenticated

PREFIX = "/app"
SESSION_COOKIE = "billflow_session"
CSRF_COOKIE = "billflow_csrf"
CSRF_FIELD = "_csrf_token"  # Litestar's name for the form field
LOGIN_PATH = f"{PREFIX}/login"
PUBLIC = [f"^{LOGIN_PATH}$", f"^{PREFIX}/static/"]


class SessionEnded(NotAuthorizedException):
    """A session cookie was there but its token no longer is valid (expired, or the user is gone)."""


class FormExpired(PermissionDeniedException):
    """A form came without the CSRF token of this browser's cookie (stale page, or forged)."""


class SessionAuthenticationMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        token = connection.cookies.get(SESSION_COOKIE)
        if not token:
            raise NotAuthorizedException("please log in")
        try:
            user = await connection.app.state.services.accounts.authenticate(token)
        except Unauthenticated as e:
            raise SessionEnded("your session has ended; please log in again") from e
        return AuthenticationResult(user=user, auth=token)


_PASSED = "billflow.csrf_passed"


class FormCsrfMiddleware(CSRFMiddleware):
    """Litestar's double-submit CSRF check, telling its own refusals apart from the page's."""

    def __init__(self, app: ASGIApp, config: CSRFConfig) -> None:
        async def past_the_check(scope: Scope, receive: Receive, send: Send) -> None:
            scope[_PASSED] = True  # type: ignore[literal-required]
            await app(scope, receive, send)

        super().__init__(past_the_check, config)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except PermissionDeniedException as e:
            if scope.get(_PASSED):
                raise
            raise FormExpired("This form has expired: reload the page and try again.") from e


def csrf_config(config: WebConfig) -> CSRFConfig:
    return CSRFConfig(
        secret=config.csrf_secret,
        cookie_name=CSRF_COOKIE,
        cookie_path=PREFIX,
        cookie_secure=config.secure_cookies,
        cookie_httponly=True,  # the pages carry the token in their forms; scripts never read the cookie
        cookie_samesite="lax",
        header_name="x-csrftoken",
    )


def start_session(response: Response[Any], token: str, max_age: int, config: WebConfig) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        path=PREFIX,
        httponly=True,
        secure=config.secure_cookies,
        samesite="lax",
    )


def end_session(response: Response[Any]) -> None:
    response.delete_cookie(SESSION_COOKIE, path=PREFIX)


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a page of this app, never another site."""
    if target and target.startswith(f"{PREFIX}/") and not target.startswith("//") and "\\" not in target:
        return target
    return f"{PREFIX}/"


def login_url(next_path: str | None = None, *, ended: bool = False) -> str:
    query = []
    if next_path and safe_next(next_path) == next_path:
        query.append(f"next={quote(next_path, safe='/')}")
    if ended:
        query.append("ended=1")
    return LOGIN_PATH + ("?" + "&".join(query) if query else "")
