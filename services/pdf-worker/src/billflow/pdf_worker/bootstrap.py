"""pdf-worker's composition: its settings, its adapters (the browser) and its use cases."""

from __future__ import annotations

from dataclasses import dataclass

from billflow.domain.contracts import DeliverCreditNote, DeliverInvoice, DispatchWebhookEvent
from billflow.domain.i18n import locale_of, translator
from billflow.domain.usecases.credit_note_documents import FailCreditNote, RenderCreditNotePdf
from billflow.domain.usecases.document_pipeline import EInvoicing
from billflow.domain.usecases.fail_invoice import FailInvoice
from billflow.domain.usecases.render_invoice import RenderInvoicePdf
from billflow.pdf_worker.facturx_pdf import FacturXPdfBinder
from billflow.pdf_worker.renderer import PlaywrightPdfRenderer, find_chromium
from billflow.pdf_worker.routes import ROUTES, UseCases
from billflow.platform.aws.s3 import S3DocumentStore
from billflow.platform.einvoice import FacturXEInvoiceWriter
from billflow.platform.settings import RendererSettings
from billflow.platform.worker import Consumed, Platform, Wiring, WorkerSettings, WorkerSpec


@dataclass(frozen=True)
class Settings(WorkerSettings):
    renderer: RendererSettings


async def wire(platform: Platform, settings: Settings) -> Wiring[UseCases]:
    # The e-invoice rules are compiled once per process, here (a second or more): never per
    # document. Before the browser, always: creating Saxon's (GraalVM) isolate resets SIGCHLD to
    # its default, and the event loop learns that Chromium's driver exited through SIGCHLD; made
    # after the browser started, it left the worker unable to close the browser on SIGTERM.
    # The XML's free texts are in the client's language, from the same catalogs as the PDF, and
    # their dates in its locale, by the same formatter.
    einvoicing = EInvoicing(FacturXEInvoiceWriter(translator, locale_of), FacturXPdfBinder())
    renderer = PlaywrightPdfRenderer(
        find_chromium(settings.renderer.chromium_path), settings.renderer.timeout_seconds
    )
    await renderer.start(platform.stack)
    documents = S3DocumentStore(platform.s3, settings.storage.bucket)

    async def browser_ready() -> bool:
        return renderer.ready

    return Wiring(
        UseCases(
            render=RenderInvoicePdf(
                platform.uow, renderer, documents, platform.ids, platform.clock, einvoicing
            ),
            fail=FailInvoice(platform.uow),
            render_credit_note=RenderCreditNotePdf(
                platform.uow, renderer, documents, platform.ids, platform.clock, einvoicing
            ),
            fail_credit_note=FailCreditNote(platform.uow),
        ),
        checks={"browser": browser_ready},
    )


WORKER = WorkerSpec(
    "pdf-worker",
    Settings,
    ROUTES,
    wire,
    lambda q: [Consumed(q.render_queue)],
    produces=[DeliverInvoice, DeliverCreditNote, DispatchWebhookEvent],
)
