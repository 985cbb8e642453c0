"""S3DocumentStore: the domain's DocumentStore (and UploadSigner) on S3 (or anything that speaks
its API)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from billflow.domain.errors import NotFound, TransientFailure
from billflow.domain.ports.documents import UploadForm

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client


class S3DocumentStore:
    def __init__(self, client: S3Client, bucket: str) -> None:
        self._client = client
        self._bucket = bucket

    async def put(self, key: str, body: bytes, content_type: str) -> None:
        try:
            await self._client.put_object(
                Bucket=self._bucket,
                Key=key,
                Body=body,
                ContentType=content_type,
                ServerSideEncryption="AES256",
            )
        except (ClientError, BotoCoreError) as e:
            raise TransientFailure(f"could not store {key}") from e

    async def get(self, key: str) -> bytes:
        try:
            response = await self._client.get_object(Bucket=self._bucket, Key=key)
            async with response["Body"] as stream:
                return await stream.read()
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                raise NotFound(f"no document at {key}") from e
            raise TransientFailure(f"could not read {key}") from e
        except BotoCoreError as e:
            raise TransientFailure(f"could not read {key}") from e

    async def exists(self, key: str) -> bool:
        try:
            await self._client.head_object(Bucket=self._bucket, Key=key)
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in {"NoSuchKey", "404", "NotFound"}:
                return False
            raise TransientFailure(f"could not look for {key}") from e
        except BotoCoreError as e:
            raise TransientFailure(f"could not look for {key}") from e
        return True

    async def download_url(
        self, key: str, filename: str, expires_in_seconds: int, content_type: str = "application/pdf"
    ) -> str:
        url: str = await self._client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self._bucket,
                "Key": key,
                "ResponseContentDisposition": f'attachment; filename="{filename}"',
                "ResponseContentType": content_type,
            },
            ExpiresIn=expires_in_seconds,
        )
        return url

    async def upload_form(
        self,
        key: str,
        content_type: str,
        max_bytes: int,
        expires_in_seconds: int,
        success_redirect: str | None = None,
    ) -> UploadForm:
        """A pre-signed POST policy: S3 itself refuses another key, another ``Content-Type``, a
        body outside 1..``max_bytes`` or a late upload, so the API never sees the bytes. With
        ``success_redirect``, a browser's form submission comes back there (303)."""
        fields: dict[str, str] = {"Content-Type": content_type, "x-amz-server-side-encryption": "AES256"}
        conditions: list[object] = [
            {"Content-Type": content_type},
            {"x-amz-server-side-encryption": "AES256"},
            ["content-length-range", 1, max_bytes],
        ]
        if success_redirect is not None:
            fields["success_action_redirect"] = success_redirect
            conditions.append({"success_action_redirect": success_redirect})
        signed = await self._client.generate_presigned_post(
            Bucket=self._bucket,
            Key=key,
            Fields=fields,
            Conditions=conditions,
            ExpiresIn=expires_in_seconds,
        )
        return UploadForm(url=str(signed["url"]), fields={k: str(v) for k, v in signed["fields"].items()})
