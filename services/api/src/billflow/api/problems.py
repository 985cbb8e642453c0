"""Errors as RFC 9457 problem details (``application/problem+json``), mapped by table."""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.openapi.spec import OpenAPI, OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Schema
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from billflow.domain.errors import (
    Conflict,
    DocumentTooLarge,
    DomainError,
    EntryBilled,
    Forbidden,
    InvalidInput,
    InvoiceOverlap,
    NotFound,
    NotReady,
    RateLimited,
    TransientFailure,
    Unauthenticated,
    UnreadableDocument,
    UnsupportedDocument,
)

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"

# Most specific first: the first matching class decides the status.
STATUS_OF: tuple[tuple[type[DomainError], int, str], ...] = (
    (DocumentTooLarge, 413, "document-too-large"),
    (UnsupportedDocument, 415, "unsupported-document"),
    (UnreadableDocument, 422, "unreadable-document"),
    (InvoiceOverlap, 409, "invoice-overlap"),
    (NotReady, 409, "not-ready"),
    (EntryBilled, 409, "entry-billed"),
    (Conflict, 409, "conflict"),
    (NotFound, 404, "not-found"),
    (InvalidInput, 422, "invalid-input"),
    (Unauthenticated, 401, "unauthenticated"),
    (Forbidden, 403, "forbidden"),
    (TransientFailure, 503, "unavailable"),
    (RateLimited, 429, "rate-limited"),
)

_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


def problem(
    status: int,
    detail: str,
    kind: str | None = None,
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {
        "type": f"https://billflow.dev/problems/{kind}" if kind else "about:blank",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        **extra,
    }
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="billflow"'
    return Response(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def domain_error(_: Request[Any, Any, Any], exc: DomainError) -> Response[dict[str, Any]]:
    for cls, status, kind in STATUS_OF:
        if isinstance(exc, cls):
            extra: dict[str, Any] = {}
            if isinstance(exc, InvalidInput):
                extra["errors"] = [{"field": exc.field, "message": exc.detail}]
            if isinstance(exc, InvoiceOverlap):
                extra.update(existing_invoice_id=exc.existing_invoice_id, existing_number=exc.existing_number)
            if isinstance(exc, EntryBilled):
                extra["invoice_number"] = exc.invoice_number
            if isinstance(exc, RateLimited):
                return problem(status, exc.detail, kind, headers={"Retry-After": str(exc.retry_after)})
            if isinstance(exc, TransientFailure):
                log.warning("dependency unavailable", extra={"error": repr(exc.__cause__ or exc)})
            return problem(status, exc.detail, kind, **extra)
    log.error("unmapped domain error", exc_info=exc)
    return problem(500, "internal error")


# msgspec reports where in the body it failed only inside its message ("... - at `$.workdays[0].hours`",
# "Object contains unknown field `status`"); Litestar names the whole body "data". These two
# patterns turn that into the field a client can act on.
_AT_PATH = re.compile(r" - at `\$\.?([^`]*)`$")
# Query parameters whose Python name differs from their name on the wire.
_QUERY_ALIASES = {"from_": "from"}
_UNKNOWN_FIELD = re.compile(r"(?:unknown|missing required) field `([^`]+)`")


def _field(key: Any, source: Any, message: str) -> Any:
    if source == "query":
        return _QUERY_ALIASES.get(key, key)
    if source != "body":
        return key
    unknown = _UNKNOWN_FIELD.search(message)
    at = _AT_PATH.search(message)
    base = at.group(1) if at else ("" if key in (None, "data") else str(key))
    if unknown:
        return f"{base}.{unknown.group(1)}" if base else unknown.group(1)
    return base or key


def validation_error(_: Request[Any, Any, Any], exc: ValidationException) -> Response[dict[str, Any]]:
    errors = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            message = str(item.get("message", ""))
            errors.append(
                {
                    "field": _field(item.get("key"), item.get("source"), message),
                    "message": message,
                    "in": item.get("source"),
                }
            )
    return problem(422, "the request is not valid", "validation", errors=errors)


def http_error(_: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    if isinstance(exc, NotAuthorizedException):
        return problem(401, exc.detail or "authentication required", "unauthenticated")
    headers = {k: v for k, v in (exc.headers or {}).items() if k.lower() in {"retry-after", "allow"}}
    return problem(exc.status_code, exc.detail or _TITLES.get(exc.status_code, "Error"), headers=headers)


def unexpected_error(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.error("unhandled error", exc_info=exc)
    return problem(HTTP_500_INTERNAL_SERVER_ERROR, "internal error")


HANDLERS: dict[type[Exception] | int, Any] = {
    DomainError: domain_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    Exception: unexpected_error,
}


def _problem_schema() -> Schema:
    text, number = Schema(type=OpenAPIType.STRING), Schema(type=OpenAPIType.INTEGER)
    error = Schema(
        type=OpenAPIType.OBJECT,
        properties={"field": Schema(one_of=[text, Schema(type=OpenAPIType.NULL)]), "message": text},
    )
    return Schema(
        type=OpenAPIType.OBJECT,
        description="RFC 9457 problem details; `errors` names the offending fields",
        required=["type", "title", "status", "detail"],
        properties={
            "type": text,
            "title": text,
            "status": number,
            "detail": text,
            "errors": Schema(type=OpenAPIType.ARRAY, items=error),
        },
    )


def document_problem_responses(schema: OpenAPI) -> None:
    """Say in the OpenAPI document what the API sends: errors as ``application/problem+json``
    problem details (Litestar documents its generated 4xx answers as plain JSON of its own shape)."""
    problem_type = OpenAPIMediaType(schema=_problem_schema())
    for path_item in (schema.paths or {}).values():
        for operation in (getattr(path_item, m, None) for m in ("get", "put", "post", "delete", "patch")):
            for status, response in (operation.responses or {}).items() if operation else ():
                if str(status).startswith(("4", "5")) and isinstance(response, OpenAPIResponse):
                    response.content = {MEDIA_TYPE: problem_type}
