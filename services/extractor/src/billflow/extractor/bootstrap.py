"""The extractor's composition: its settings, its adapter (the document reader) and its use cases."""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass

import aioboto3
from aiobotocore.config import AioConfig

from billflow.domain.contracts import DispatchWebhookEvent, NotifyExpense
from billflow.domain.ports.expenses import DocumentReader
from billflow.domain.usecases.abandoned_uploads import FailAbandonedUploads
from billflow.domain.usecases.extract_expense import ExtractExpenseFields, FailExpense
from billflow.extractor.limits import ReadingLimits
from billflow.extractor.reader import TesseractDocumentReader
from billflow.extractor.routes import ROUTES, UseCases, uploaded
from billflow.extractor.tesseract import TesseractOcr
from billflow.extractor.textract import TextractClient, TextractDocumentReader
from billflow.platform.aws.s3 import S3DocumentStore
from billflow.platform.settings import ReaderSettings, SettingsError
from billflow.platform.worker import Consumed, Platform, Wiring, WorkerSettings, WorkerSpec


@dataclass(frozen=True)
class Settings(WorkerSettings):
    reader: ReaderSettings


async def document_reader(stack: AsyncExitStack, settings: Settings) -> DocumentReader:
    """The reader the configuration names: never chosen by guessing where the process runs."""
    limits = ReadingLimits(ocr_timeout_s=settings.reader.ocr_timeout_seconds)
    match settings.reader.document_reader:
        case "tesseract":
            return TesseractDocumentReader(TesseractOcr(timeout_s=limits.ocr_timeout_s), limits)
        case "textract":
            client: TextractClient = await stack.enter_async_context(
                aioboto3.Session().client(
                    "textract",
                    region_name=settings.aws.region,
                    endpoint_url=settings.aws.endpoint_url,
                    config=AioConfig(retries={"max_attempts": 3, "mode": "standard"}, read_timeout=60),
                )
            )
            return TextractDocumentReader(client, limits)
        case other:
            raise SettingsError(f"BILLFLOW_DOCUMENT_READER must be tesseract or textract, not {other!r}")


async def wire(platform: Platform, settings: Settings) -> Wiring[UseCases]:
    reader = await document_reader(platform.stack, settings)
    documents = S3DocumentStore(platform.s3, settings.storage.bucket)
    uow, ids, clock = platform.uow, platform.ids, platform.clock
    fail = FailExpense(uow, ids, clock)
    return Wiring(
        UseCases(
            extract=ExtractExpenseFields(uow, documents, reader, ids, clock),
            fail=fail,
            sweep=FailAbandonedUploads(uow, documents, fail, clock),
        )
    )


WORKER = WorkerSpec(
    "extractor", Settings, ROUTES, wire,
    lambda q: [Consumed(q.expense_queue), Consumed(q.upload_queue, translate=uploaded)],
    produces=[NotifyExpense, DispatchWebhookEvent],
    details=lambda settings: {"reader": settings.reader.document_reader},
)  # fmt: skip
