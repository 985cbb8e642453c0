"""Helpers the route modules share."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request

from billflow.domain.errors import NotFound

CORRELATION_HEADER = "x-correlation-id"


def known_id(value: str, what: str) -> str:
    """An id as the store writes it; anything else cannot exist, so it is a 404, not a 422."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise NotFound(f"no such {what}") from None


def correlation_id(request: Request[Any, Any, Any]) -> str:
    """The caller's correlation id when it is a sane token, else a new one."""
    given = request.headers.get(CORRELATION_HEADER, "")
    if 0 < len(given) <= 64 and given.replace("-", "").replace("_", "").isalnum():
        return given
    return str(uuid.uuid4())
