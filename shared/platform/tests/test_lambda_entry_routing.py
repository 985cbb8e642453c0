"""A Lambda fed by several queues hands each record to the handler of the queue it came from."""

from __future__ import annotations

from typing import Any

import pytest

from billflow.platform.aws.sqs_consumer import Ack, Disposition, Received
from billflow.platform.worker.build import Worker
from billflow.platform.worker.lambda_entry import LambdaEntry

pytestmark = pytest.mark.unit


class Recorder:
    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, received: Received) -> Disposition:
        self.bodies.append(received.body)
        return Ack()


def record(queue: str, body: str) -> dict[str, Any]:
    return {
        "messageId": body,
        "receiptHandle": "r",
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1"},
        "eventSourceARN": f"arn:aws:sqs:eu-west-1:123456789012:{queue}",
    }


async def test_each_record_goes_to_its_queues_handler_and_unknown_queues_to_the_main_one() -> None:
    main, uploads = Recorder(), Recorder()
    worker: Worker[None] = Worker(
        use_cases=None,
        consumers=(),
        handler=main,
        handlers={"billflow-expenses": main, "billflow-uploads": uploads},
        relay=None,
        sqs=None,  # type: ignore[arg-type]  # only a RetryAfter would reach SQS
    )
    entry: LambdaEntry[None] = LambdaEntry.__new__(LambdaEntry)
    event = {
        "Records": [
            record("billflow-expenses", "command"),
            record("billflow-uploads", "notification"),
            record("somewhere-else", "stray"),
        ]
    }
    result = await entry._batch(event, worker)
    assert result == {"batchItemFailures": []}
    assert main.bodies == [b"command", b"stray"]
    assert uploads.bodies == [b"notification"]
