"""Logging in and out."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from billflow.api.services import Services
from billflow.api.web.config import WebConfig
from billflow.api.web.pages.common import page, read_form, see_other
from billflow.api.web.session import LOGIN_PATH, PREFIX, end_session, safe_next, start_session
from billflow.domain.errors import RateLimited, Unauthenticated


@get("/login")
async def login_page(next: FromQuery[str | None] = None, ended: FromQuery[bool] = False) -> Template:
    notice = "Your session has ended. Please log in again." if ended else None
    return page("login.html", next=safe_next(next), notice=notice, form=None, error=None)


@post("/login")
async def login(
    request: Request[Any, Any, Any], services: NamedDependency[Services], web: NamedDependency[WebConfig]
) -> Response[Any]:
    form = await read_form(request)
    email, password = form.get("email"), form.values.get("password", "")
    target = safe_next(form.get("next"))
    if not email or not password:
        return page("login.html", status=422, next=target, form=form, error="Enter your email and password.")
    client = request.client.host if request.client else "unknown"
    try:
        issued = await services.accounts.login(email, password, client)
    except Unauthenticated:
        return page("login.html", status=401, next=target, form=form, error="Wrong email or password.")
    except RateLimited as e:
        error = f"Too many failed attempts. Try again in {e.retry_after} seconds."
        return page("login.html", status=429, next=target, form=form, error=error)
    response = see_other(target)
    start_session(response, issued.access_token, issued.expires_in, web)
    return response


@post("/logout")
async def logout() -> Response[Any]:
    response = see_other(LOGIN_PATH)
    end_session(response)
    return response


@get("/")
async def home() -> Response[Any]:
    return see_other(f"{PREFIX}/invoices")


HANDLERS = [login_page, login, logout, home]
