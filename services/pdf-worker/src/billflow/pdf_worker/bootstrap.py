"""pdf-worker's composition: its settings, its adapters (the browser) and its use cases."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from billflow.domain.contracts import DeliverInvoice
from billflow.domain.usecases.fail_invoice import FailInvoice
from billflow.domain.usecases.render_invoice import RenderInvoicePdf
from billflow.pdf_worker.renderer import PlaywrightPdfRenderer, find_chromium
from billflow.pdf_worker.routes import ROUTES, UseCases
from billflow.platform.aws.s3 import S3DocumentStore
from billflow.platform.settings import (
    AwsSettings,
    ConsumerSettings,
    LogSettings,
    PostgresSettings,
    QueueSettings,
    RendererSettings,
    StorageSettings,
    load_all,
)
from billflow.platform.worker import Consumed, Platform, Wiring, WorkerSpec


@dataclass(frozen=True)
class Settings:
    postgres: PostgresSettings
    aws: AwsSettings
    queues: QueueSettings
    storage: StorageSettings
    consumer: ConsumerSettings
    renderer: RendererSettings
    log: LogSettings

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        return load_all(cls, environ)


async def wire(platform: Platform, settings: Settings) -> Wiring[UseCases]:
    renderer = PlaywrightPdfRenderer(
        find_chromium(settings.renderer.chromium_path), settings.renderer.timeout_seconds
    )
    await renderer.start(platform.stack)
    documents = S3DocumentStore(platform.s3, settings.storage.bucket)

    async def browser_ready() -> bool:
        return renderer.ready

    return Wiring(
        UseCases(
            render=RenderInvoicePdf(platform.uow, renderer, documents, platform.ids, platform.clock),
            fail=FailInvoice(platform.uow),
        ),
        checks={"browser": browser_ready},
    )


WORKER = WorkerSpec(
    name="pdf-worker",
    settings=Settings.from_env,
    routes=ROUTES,
    consumes=lambda queues: [Consumed(queues.render_queue)],
    wire=wire,
    produces=[DeliverInvoice],
)
