"""The Litestar application factory: routes, authentication, problem details, OpenAPI."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from billflow.api import problems
from billflow.api.auth import BearerAuthenticationMiddleware
from billflow.api.idempotency import IdempotencyMiddleware
from billflow.api.routes.after_issue import InvoiceMoneyController
from billflow.api.routes.clients import ClientController, ProjectMemberController
from billflow.api.routes.common import CorrelationIdMiddleware
from billflow.api.routes.company import CompanyController
from billflow.api.routes.credit_notes import CreditNoteController
from billflow.api.routes.expenses import (
    UPLOAD_BODY_LIMIT,
    ExpenseController,
    StatementController,
    VendorController,
)
from billflow.api.routes.invoices import BillingRunController, InvoiceController
from billflow.api.routes.organisation import DepartmentController, EmployeeController, ProjectController
from billflow.api.routes.receivables import ReminderController, ReportController
from billflow.api.routes.system import health, metrics, token
from billflow.api.routes.users import MeController, UserController
from billflow.api.services import Services
from billflow.api.web import PUBLIC_PATHS as WEB_PATHS
from billflow.api.web import WebConfig, route_handlers, template_config

PUBLIC_PATHS = ["^/health$", "^/metrics$", "^/v1/auth/token$", "^/docs"]


def _services(state: State) -> Services:
    services: Services = state.services
    return services


def create_app(
    services_factory: Callable[[], AbstractAsyncContextManager[Services]],
    *,
    max_body_bytes: int = 1_048_576,
    debug: bool = False,
    web: WebConfig | None = None,
) -> Litestar:
    """An app whose use cases come from ``services_factory``, opened for the app's lifetime; with
    ``web``, also the pages under /app (billflow.api.web)."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with services_factory() as services:
            app.state.services = services
            # Everything built so far lives as long as the process: keep it out of the cyclic
            # garbage collector's full passes, which otherwise stall a request now and then.
            gc.collect()
            gc.freeze()
            yield

    app = Litestar(
        route_handlers=[
            token,
            health,
            metrics,
            DepartmentController,
            ProjectController,
            ProjectMemberController,
            EmployeeController,
            ClientController,
            CompanyController,
            InvoiceController,
            BillingRunController,
            InvoiceMoneyController,
            CreditNoteController,
            ReminderController,
            ReportController,
            UserController,
            MeController,
            *(route_handlers(web) if web else []),
            ExpenseController,
            StatementController,
            VendorController,
        ],
        lifespan=[lifespan],
        dependencies={"services": Provide(_services, sync_to_thread=False, use_cache=True)},
        middleware=[
            CorrelationIdMiddleware,  # outermost: the id is set before authentication runs
            DefineMiddleware(
                BearerAuthenticationMiddleware, exclude=[*PUBLIC_PATHS, *(WEB_PATHS if web else [])]
            ),
            DefineMiddleware(  # after auth: per user
                IdempotencyMiddleware,
                max_body_bytes=max_body_bytes,
                larger_bodies={"/v1/expenses": max(max_body_bytes, UPLOAD_BODY_LIMIT)},
            ),
        ],
        exception_handlers=problems.HANDLERS,
        request_max_body_size=max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="Billflow",
            version="1.0.0",
            description="Billing automation: record workdays, issue invoices, get them rendered and emailed.",
            path="/docs",
            render_plugins=[ScalarRenderPlugin(path="/"), SwaggerRenderPlugin(path="/swagger")],
            components=Components(
                security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")}
            ),
            security=[{"bearer": []}],
        ),
        template_config=template_config(web) if web else None,
        logging_config=None,  # the process's JSON logging stays in charge
        debug=debug,
    )
    problems.document_problem_responses(app.openapi_schema)
    return app
