"""The web front end: server-rendered pages under ``/app`` (Jinja templates, htmx, one CSS file).

They call the same use cases as the REST API, with the logged-in person as the actor, so the
domain's access rules hold on both. Authentication is a session cookie (``session``) checked on
every request to ``/app``; ``/v1`` stays bearer-only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from litestar import Router, get
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig
from litestar.types import ControllerRouterHandler

from billflow.api.web import errors, session
from billflow.api.web.config import WebConfig
from billflow.api.web.nav import sections_for
from billflow.api.web.pages import (
    auth,
    clients,
    company,
    expenses,
    invoice_money,
    invoices,
    projects,
    receivables,
    runs,
    seller,
    users,
    workdays,
)
from billflow.domain import access
from billflow.domain.access import Action
from billflow.domain.formatting import Formats
from billflow.domain.model import User

__all__ = ["PUBLIC_PATHS", "WebConfig", "route_handlers", "template_config"]

HERE = Path(__file__).parent
PUBLIC_PATHS = ["^/$", f"^{session.PREFIX}(/|$)"]
"""Paths the API's bearer middleware leaves alone: the pages authenticate with their own cookie."""


def _may(user: User, action: str) -> bool:
    return access.may(user, Action(action))


def template_config(config: WebConfig) -> TemplateConfig[JinjaTemplateEngine]:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(Formats(config.locale).filters())
    environment.globals.update(sections_for=sections_for, may=_may)
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment))


@get("/", include_in_schema=False)
async def root() -> Redirect:
    return Redirect(f"{session.PREFIX}/")


def route_handlers(config: WebConfig) -> list[ControllerRouterHandler]:
    def provide_config() -> WebConfig:
        return config

    pages: list[Any] = [
        *auth.HANDLERS,
        *invoices.HANDLERS,
        *invoice_money.HANDLERS,
        *receivables.HANDLERS,
        *expenses.HANDLERS,
        *runs.HANDLERS,
        *company.HANDLERS,
        *seller.HANDLERS,
        *projects.HANDLERS,
        *clients.HANDLERS,
        *workdays.HANDLERS,
        *users.HANDLERS,
    ]
    app_router = Router(
        session.PREFIX,
        route_handlers=pages,
        include_in_schema=False,
        dependencies={"web": Provide(provide_config, sync_to_thread=False)},
        middleware=[
            DefineMiddleware(session.FormCsrfMiddleware, config=session.csrf_config(config)),
            DefineMiddleware(session.SessionAuthenticationMiddleware, exclude=session.PUBLIC),
        ],
        exception_handlers=errors.HANDLERS,
    )
    static = create_static_files_router(
        path=f"{session.PREFIX}/static",
        directories=[HERE / "static"],
        include_in_schema=False,
        cache_control=None,
    )
    return [root, app_router, static]
