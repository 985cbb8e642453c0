"""Login and health."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from billflow.api.schemas import TokenRequest, TokenResponse
from billflow.api.services import Services


@post(
    "/v1/auth/token",
    status_code=HTTP_200_OK,
    tags=["auth"],
    summary="Exchange email and password for an access token",
    description="After 10 failed attempts in a minute for an account or from an address: 429 with "
    "Retry-After.",
    security=[],
)
async def token(
    data: JSONBody[TokenRequest], request: Request[Any, Any, Any], services: NamedDependency[Services]
) -> TokenResponse:
    # The peer address as the server sees it: behind API Gateway, the Lambda adapter sets it from
    # the request context's source IP; no client-supplied header is trusted for it.
    client = request.client.host if request.client else "unknown"
    issued = await services.accounts.login(data.email, data.password, client)
    return TokenResponse(access_token=issued.access_token, expires_in=issued.expires_in)


@get("/metrics", tags=["system"], summary="Prometheus metrics", security=[], include_in_schema=False)
async def metrics(services: NamedDependency[Services]) -> Response[bytes]:
    if not services.prometheus:
        raise NotFoundException("metrics are exported as CloudWatch EMF here")
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


@get("/health", tags=["system"], summary="200 once the API can reach its database", security=[])
async def health(services: NamedDependency[Services]) -> Response[dict[str, str]]:
    if await services.database_ready():
        return Response({"status": "ok"})
    return Response({"status": "database unreachable"}, status_code=503)
