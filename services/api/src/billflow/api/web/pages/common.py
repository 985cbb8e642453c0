"""What every page module uses."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from billflow.api.web.forms import Form
from billflow.domain.model import User


def page(template: str, *, status: int = 200, **context: Any) -> Template:
    return Template(template, context=context, status_code=status)


def see_other(url: str) -> Redirect:
    """After a successful POST: the browser GETs ``url`` (so a reload does not post again)."""
    return Redirect(url, status_code=HTTP_303_SEE_OTHER)


def actor(request: Request[User, Any, Any]) -> User:
    return request.user


async def read_form(request: Request[Any, Any, Any]) -> Form:
    return Form.of(await request.form())
