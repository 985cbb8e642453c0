"""Helpers the route modules share."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response

from billflow.domain.errors import NotFound
from billflow.platform.observability import correlation_id as current_correlation_id

CORRELATION_HEADER = "x-correlation-id"


def known_id(value: str, what: str) -> str:
    """An id as the store writes it; anything else cannot exist, so it is a 404, not a 422."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise NotFound(f"no such {what}") from None


async def adopt_correlation_id(request: Request[Any, Any, Any]) -> None:
    """Before every request: the caller's correlation id when it is a sane token, else a new one,
    on every log line of this request and on every message it causes."""
    given = request.headers.get(CORRELATION_HEADER, "")
    sane = 0 < len(given) <= 64 and given.replace("-", "").replace("_", "").isalnum()
    current_correlation_id.set(given if sane else str(uuid.uuid4()))


async def echo_correlation_id(response: Response[Any]) -> Response[Any]:
    value = current_correlation_id.get()
    if value:
        response.headers[CORRELATION_HEADER] = value
    return response


def correlation_id(_: Request[Any, Any, Any]) -> str:
    return current_correlation_id.get() or str(uuid.uuid4())
