"""The planner's composition: its settings (the issuer's and the numbering's, as the API's) and
its one use case."""

from __future__ import annotations

from dataclasses import dataclass

from billflow.api.planner.routes import ROUTES, UseCases
from billflow.domain.contracts import DispatchWebhookEvent, PlanBillingRun, RenderInvoice
from billflow.domain.model import Issuer
from billflow.domain.usecases.client_invoices import ClientInvoicing
from billflow.domain.usecases.invoice_drafts import EmployeeInvoicing, InvoiceDrafts
from billflow.domain.usecases.plan_billing_run import PlanBillingRunInChunks
from billflow.platform.settings import CompanySettings, NumberingSettings, PlanningSettings
from billflow.platform.worker import Consumed, Platform, Wiring, WorkerSettings, WorkerSpec


@dataclass(frozen=True)
class Settings(WorkerSettings):
    company: CompanySettings
    numbering: NumberingSettings
    planning: PlanningSettings


async def wire(platform: Platform, settings: Settings) -> Wiring[UseCases]:
    company, numbers = settings.company, settings.numbering.invoices
    issuer = Issuer(company.name, company.address, company.tax_id)
    ids, clock = platform.ids, platform.clock
    return Wiring(
        UseCases(
            plan=PlanBillingRunInChunks(
                platform.uow,
                ids,
                clock,
                EmployeeInvoicing(
                    InvoiceDrafts(ids, issuer, company.payment_terms_days, numbers), ids, clock
                ),
                ClientInvoicing(ids, clock, issuer, numbers),
                chunk_size=settings.planning.chunk_size,
                budget_seconds=settings.planning.budget_seconds,
                first_chunk_size=settings.planning.first_chunk_size,
            )
        )
    )


# One run at a time per process: chunks of one run take turns on its row anyway, and every
# chunk of every run takes the year's number row, so more would only wait.
WORKER = WorkerSpec(
    "planner",
    Settings,
    ROUTES,
    wire,
    lambda q: [Consumed(q.planning_queue, 1)],
    produces=[
        RenderInvoice,
        PlanBillingRun,
        DispatchWebhookEvent,
    ],  # the database records "issued" events in the planner's transactions
    details=lambda s: {
        "chunk_size": str(s.planning.chunk_size),
        "first_chunk_size": str(s.planning.first_chunk_size),
    },
)
