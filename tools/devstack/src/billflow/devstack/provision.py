"""Creating what Terraform creates in AWS, in LocalStack: the bucket and the queues with DLQs.

Idempotent: running it again changes nothing that exists.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_sqs.literals import QueueAttributeNameType

from billflow.platform.settings import AwsSettings, ConsumerSettings, QueueSettings, StorageSettings, load


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
    for name in (queues.render_queue, queues.delivery_queue):
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
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": queues.max_receives}
            ),
        }
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        sqs.set_queue_attributes(QueueUrl=url, Attributes=attributes)
        urls[name] = url
        urls[f"{name}-dlq"] = dlq_url
    return urls
