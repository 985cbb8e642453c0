"""Creating aioboto3 clients once per process, with LocalStack reached only via AWS_ENDPOINT_URL."""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import TYPE_CHECKING

import aioboto3
from aiobotocore.config import AioConfig

from billflow.platform.settings import AwsSettings

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client
    from types_aiobotocore_sqs import SQSClient


def _config() -> AioConfig:
    return AioConfig(
        # SigV4 for every request and every pre-signed URL (boto can otherwise still sign S3
        # URLs with the legacy scheme).
        signature_version="s3v4",
        retries={"max_attempts": 3, "mode": "standard"},
        connect_timeout=5,
        read_timeout=30,
        max_pool_connections=50,
    )


async def s3_client(stack: AsyncExitStack, settings: AwsSettings) -> S3Client:
    session = aioboto3.Session()
    client: S3Client = await stack.enter_async_context(
        session.client(
            "s3", region_name=settings.region, endpoint_url=settings.endpoint_url, config=_config()
        )
    )
    return client


async def sqs_client(stack: AsyncExitStack, settings: AwsSettings) -> SQSClient:
    session = aioboto3.Session()
    client: SQSClient = await stack.enter_async_context(
        session.client(
            "sqs", region_name=settings.region, endpoint_url=settings.endpoint_url, config=_config()
        )
    )
    return client
