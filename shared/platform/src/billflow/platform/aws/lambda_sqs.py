"""The Lambda driver of a worker's ``handle``: an SQS batch in, partial batch failures out.

Each record goes through the same ``handle`` the long-running poller calls. ``Ack`` means
success; ``RetryAfter`` reports the record in ``batchItemFailures`` (the event source mapping
needs ``ReportBatchItemFailures``) and first sets its visibility, so the back-off ``handle``
chose is kept instead of the queue's whole visibility timeout. A record whose handling raises is
a failure too; the rest of the batch is unaffected.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from billflow.platform.aws.sqs_consumer import Ack, Handler, Received, RetryAfter

if TYPE_CHECKING:
    from types_aiobotocore_sqs import SQSClient

log = logging.getLogger(__name__)


def received_from_record(record: Mapping[str, Any]) -> Received:
    attributes = {
        name: str(value.get("stringValue", ""))
        for name, value in (record.get("messageAttributes") or {}).items()
    }
    return Received(
        body=str(record["body"]).encode(),
        receive_count=int((record.get("attributes") or {}).get("ApproximateReceiveCount", "1")),
        attributes=attributes,
        sqs_message_id=str(record["messageId"]),
    )


class _QueueUrls:
    def __init__(self, sqs: SQSClient) -> None:
        self._sqs = sqs
        self._known: dict[str, str] = {}

    async def of(self, arn: str) -> str:
        if arn not in self._known:
            _, _, _, _, account, name = arn.split(":", 5)
            response = await self._sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)
            self._known[arn] = response["QueueUrl"]
        return self._known[arn]


async def handle_sqs_event(
    event: Mapping[str, Any], handle: Handler, sqs: SQSClient, *, concurrency: int = 10
) -> dict[str, list[dict[str, str]]]:
    urls = _QueueUrls(sqs)
    gate = asyncio.Semaphore(concurrency)

    async def one(record: Mapping[str, Any]) -> str | None:
        async with gate:
            try:
                disposition = await handle(received_from_record(record))
            except Exception:
                log.exception(
                    "handler failed unexpectedly", extra={"sqs_message_id": record.get("messageId")}
                )
                return str(record["messageId"])
            if isinstance(disposition, Ack):
                return None
            assert isinstance(disposition, RetryAfter)
            try:
                await sqs.change_message_visibility(
                    QueueUrl=await urls.of(str(record["eventSourceARN"])),
                    ReceiptHandle=str(record["receiptHandle"]),
                    VisibilityTimeout=disposition.seconds,
                )
            except (ClientError, BotoCoreError, OSError) as e:
                log.warning("could not set the retry delay", extra={"error": repr(e)})
            return str(record["messageId"])

    failed = await asyncio.gather(*(one(r) for r in event.get("Records", [])))
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed if message_id]}
