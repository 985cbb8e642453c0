"""Direct uploads: a pre-signed form that puts an expense's file straight into S3.

Behind API Gateway a Lambda receives at most 6 MB, so a file of up to 10 MB cannot go through
``POST /v1/expenses``; this route hands out a form instead and never sees the bytes. S3's
notification of the new object starts the reading (the extractor), which checks the bytes
against the declared type.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED
from msgspec import Meta

from billflow.api.schemas import Request as RequestBody
from billflow.api.services import Services
from billflow.domain.model import User
from billflow.domain.usecases.direct_upload import StartDirectUploadCommand


class DirectUploadIn(RequestBody):
    filename: Annotated[str, Meta(max_length=1000)]
    content_type: Annotated[str, Meta(max_length=100)]
    """application/pdf, image/png, image/jpeg, image/webp or image/heic: the form allows no other."""
    size: int
    """The file's size in bytes, at most 10 MB (422 above): S3 refuses a bigger body."""
    note: Annotated[str, Meta(max_length=4000)] | None = None


class DirectUploadOut(msgspec.Struct):
    expense_id: str
    url: str
    """POST here as multipart/form-data: every one of ``fields``, then the file as ``file``."""
    fields: dict[str, str]
    expires_at: datetime


@post(
    "/v1/expenses/uploads",
    status_code=HTTP_201_CREATED,
    tags=["expenses"],
    summary="Start a direct upload to storage (files up to 10 MB)",
    description="Records the expense (`processing`) and answers a pre-signed S3 POST form limited "
    "to the declared `content_type` and `size`; 422 for another type or a size over 10 MB, 403 for "
    "an API key (an expense belongs to the person who paid it). Once "
    "S3 has the file, it is read as any upload (a file that is not of the declared type makes "
    "the expense `failed` with the reason).",
)
async def start_upload(
    data: JSONBody[DirectUploadIn], request: Request[User, Any, Any], services: NamedDependency[Services]
) -> DirectUploadOut:
    started = await services.direct_upload.execute(
        StartDirectUploadCommand(
            actor=request.user,
            filename=data.filename,
            content_type=data.content_type,
            size=data.size,
            note=data.note,
        )
    )
    return DirectUploadOut(
        expense_id=started.expense.id,
        url=started.form.url,
        fields=dict(started.form.fields),
        expires_at=started.expires_at,
    )
