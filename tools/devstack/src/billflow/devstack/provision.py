"""Creating what Terraform creates in AWS, in LocalStack: the bucket, the queues with DLQs, and
the EventBridge schedules of the monthly statements, the daily reminders and the hourly sweep of
abandoned uploads.

Idempotent: running it again changes nothing that exists.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_sqs.literals import QueueAttributeNameType

from billflow.domain.expenses.expense import UPLOAD_PREFIX
from billflow.platform.settings import (
    WEBHOOKS_MAX_RECEIVES,
    AwsSettings,
    ConsumerSettings,
    QueueSettings,
    StorageSettings,
    load,
)

STATEMENTS_SCHEDULE = "cron(0 6 1 * ? *)"
"""06:00 UTC on the 1st of every month, as in infra/terraform/schedule.tf."""
STATEMENTS_RULE_INPUT = json.dumps({"type": "statements.send.v1"})
"""A scheduled rule can only send a constant: the emailer works out "last month" itself."""


REMINDERS_SCHEDULE = "cron(0 7 * * ? *)"
"""07:00 UTC every day, as in infra/terraform/schedule.tf."""
REMINDERS_RULE_INPUT = json.dumps({"type": "reminders.send.v1"})
"""The emailer takes the day of the message for ``as_of``."""


UPLOAD_SWEEP_SCHEDULE = "rate(1 hour)"
"""Hourly, as infra/terraform's ``upload_sweep_schedule``."""
UPLOAD_SWEEP_RULE_INPUT = json.dumps({"type": "expense.uploads.sweep.v1"})
"""The extractor fails the direct uploads whose file never arrived."""


def statements_rule_name(queues: QueueSettings) -> str:
    return f"{queues.statements_queue}-monthly"


def reminders_rule_name(queues: QueueSettings) -> str:
    # Named after the queue like the statements' rule: the queue policy admits rules "<queue>-*".
    return f"{queues.statements_queue}-daily-reminders"


def upload_sweep_rule_name(queues: QueueSettings) -> str:
    return f"{queues.expense_queue}-upload-sweep"


def max_receives(queues: QueueSettings, name: str) -> int:
    """A webhook event's message stays on its queue while its deliveries retry (decision 0028)."""
    return WEBHOOKS_MAX_RECEIVES if name == queues.webhooks_queue else queues.max_receives


def provision(environ: Mapping[str, str]) -> dict[str, str]:
    """Create the bucket and every queue (each with its dead-letter queue); return queue URLs."""
    aws = load(AwsSettings, environ)
    queues = load(QueueSettings, environ)
    storage = load(StorageSettings, environ)
    consumer = load(ConsumerSettings, environ)
    config = Config(signature_version="s3v4")
    session = boto3.Session(
        aws_access_key_id=environ.get("AWS_ACCESS_KEY_ID"),
        aws_secret_access_key=environ.get("AWS_SECRET_ACCESS_KEY"),
        region_name=aws.region,
    )
    s3 = session.client("s3", endpoint_url=aws.endpoint_url, config=config)
    sqs = session.client("sqs", endpoint_url=aws.endpoint_url, config=config)

    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if storage.bucket not in existing:
        if aws.region == "us-east-1":  # the one region that refuses a location constraint
            s3.create_bucket(Bucket=storage.bucket)
        else:
            s3.create_bucket(
                Bucket=storage.bucket,
                CreateBucketConfiguration={"LocationConstraint": aws.region},  # type: ignore[typeddict-item]
            )
    s3.put_public_access_block(
        Bucket=storage.bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_encryption(
        Bucket=storage.bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )

    urls: dict[str, str] = {}
    for name in (
        queues.render_queue,
        queues.delivery_queue,
        queues.expense_queue,
        queues.statements_queue,
        queues.webhooks_queue,
        queues.upload_queue,
        queues.planning_queue,
    ):
        dlq_url = sqs.create_queue(
            QueueName=f"{name}-dlq", Attributes={"MessageRetentionPeriod": str(14 * 24 * 3600)}
        )["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        attributes: dict[QueueAttributeNameType, str] = {
            "VisibilityTimeout": str(consumer.visibility_seconds),
            "ReceiveMessageWaitTimeSeconds": "20",
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receives(queues, name)}
            ),
        }
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        sqs.set_queue_attributes(QueueUrl=url, Attributes=attributes)
        urls[name] = url
        urls[f"{name}-dlq"] = dlq_url
    notify_uploads(s3, sqs, storage.bucket, urls[queues.upload_queue])
    events = session.client("events", endpoint_url=aws.endpoint_url, config=config)
    schedule_statements(
        events,
        sqs,
        urls[queues.statements_queue],
        statements_rule_name(queues),
        STATEMENTS_SCHEDULE,
        STATEMENTS_RULE_INPUT,
    )
    schedule_statements(
        events,
        sqs,
        urls[queues.statements_queue],
        reminders_rule_name(queues),
        REMINDERS_SCHEDULE,
        REMINDERS_RULE_INPUT,
    )
    schedule_statements(
        events,
        sqs,
        urls[queues.expense_queue],
        upload_sweep_rule_name(queues),
        UPLOAD_SWEEP_SCHEDULE,
        UPLOAD_SWEEP_RULE_INPUT,
    )
    return urls


def notify_uploads(s3: Any, sqs: Any, bucket: str, queue_url: str) -> None:
    """S3 tells the upload queue of every object created under ``uploads/`` (the direct uploads
    the extractor reads), as infra/terraform/uploads.tf does in AWS; the queue lets only this
    bucket send to it."""
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "S3UploadNotifications",
                "Effect": "Allow",
                "Principal": {"Service": "s3.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{bucket}"}},
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps(policy)})
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "Id": "direct-uploads",
                    "QueueArn": queue_arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": UPLOAD_PREFIX}]}},
                }
            ]
        },
    )


def schedule_statements(
    events: Any, sqs: Any, queue_url: str, rule_name: str, schedule: str, rule_input: str
) -> str:
    """A scheduled EventBridge rule putting ``rule_input`` on the queue (the statements queue, or
    the expense queue for the upload sweep), and the queue policy that lets EventBridge send to it,
    for rules named after the queue only. Returns the rule's ARN."""
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    queue_name = queue_url.rstrip("/").rsplit("/", 1)[-1]
    rule_arn: str = events.put_rule(Name=rule_name, ScheduleExpression=schedule, State="ENABLED")["RuleArn"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EventBridgeSchedules",
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnLike": {"aws:SourceArn": f"{rule_arn.rsplit('/', 1)[0]}/{queue_name}-*"}},
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps(policy)})
    events.put_targets(
        Rule=rule_name, Targets=[{"Id": "statements-queue", "Arn": queue_arn, "Input": rule_input}]
    )
    return rule_arn
