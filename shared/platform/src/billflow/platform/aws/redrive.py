"""Moving messages from a dead-letter queue back to its source queue, for an operator."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from types_aiobotocore_sqs import SQSClient


async def dead_letter_queue_url(sqs: SQSClient, queue_url: str) -> str:
    """The DLQ named in the queue's redrive policy."""
    attributes = await sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["RedrivePolicy"])
    policy = attributes.get("Attributes", {}).get("RedrivePolicy")
    if not policy:
        raise ValueError(f"{queue_url} has no dead-letter queue")
    arn = json.loads(policy)["deadLetterTargetArn"]
    _, _, _, _, account, name = arn.split(":", 5)
    return (await sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account))["QueueUrl"]


async def redrive(sqs: SQSClient, dlq_url: str, queue_url: str, *, limit: int = 10_000) -> int:
    """Move up to ``limit`` messages, ten at a time: each is sent to ``queue_url`` first and
    deleted from the DLQ only once SQS accepted it, so a crash mid-way duplicates, never loses."""
    moved = 0
    while moved < limit:
        got = await sqs.receive_message(
            QueueUrl=dlq_url,
            MaxNumberOfMessages=min(10, limit - moved),
            WaitTimeSeconds=1,
            MessageAttributeNames=["All"],
        )
        messages: list[Any] = got.get("Messages", [])
        if not messages:
            break
        response = await sqs.send_message_batch(
            QueueUrl=queue_url,
            Entries=[
                {"Id": str(i), "MessageBody": m["Body"], "MessageAttributes": m.get("MessageAttributes", {})}
                for i, m in enumerate(messages)
            ],
        )
        sent = [messages[int(ok["Id"])] for ok in response.get("Successful", [])]
        if sent:
            await sqs.delete_message_batch(
                QueueUrl=dlq_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(sent)],
            )
        moved += len(sent)
        if len(sent) < len(messages):
            break  # SQS refused some: stop, they stay in the DLQ
    return moved
