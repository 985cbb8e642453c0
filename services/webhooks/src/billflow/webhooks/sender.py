"""The webhook sender: the one place a Billflow process opens a connection a customer chose.

Against server-side request forgery it resolves the endpoint's name at send time, refuses the
request when any address it resolves to is refused (``webhooks.refused_address``), and connects
to the address it checked (the URL is rewritten to the IP, the name kept in ``Host`` and in TLS
SNI and certificate checks), so a second resolution can never swap in another address. It never
follows a redirect, ignores proxy variables, reads at most ``MAX_RESPONSE_BYTES`` of an answer,
and gives a whole attempt ``timeout_s``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

import httpx
from standardwebhooks.webhooks import Webhook

from billflow.domain.ports.webhooks import AddressResolver, AttemptResult
from billflow.domain.webhooks import WebhookTarget, refused_address

MAX_RESPONSE_BYTES = 64 * 1024
ERROR_CHARS = 500


class Refused(Exception):
    """The endpoint's name resolves to an address a delivery may not go to, or to none."""


def _pinned_url(target: WebhookTarget, address: str) -> str:
    parts = urlsplit(target.url)
    ip = ipaddress.ip_address(address)
    host = f"[{ip}]" if ip.version == 6 else str(ip)
    return urlunsplit((parts.scheme, f"{host}:{target.port}", parts.path or "/", parts.query, ""))


def _host_header(target: WebhookTarget) -> str:
    default = 443 if target.scheme == "https" else 80
    return target.host if target.port == default else f"{target.host}:{target.port}"


class HttpxWebhookSender:
    def __init__(
        self,
        client: httpx.AsyncClient,
        resolver: AddressResolver,
        *,
        timeout_s: float = 10.0,
    ) -> None:
        """``client`` must not follow redirects nor trust the environment (see ``http_client``).
        Loopback is allowed only for a target that says so (``webhook_target``)."""
        self._client = client
        self._resolver = resolver
        self._timeout_s = timeout_s

    async def _checked_address(self, target: WebhookTarget) -> str:
        addresses = await self._resolver.resolve(target.host, target.port)
        if not addresses:
            raise Refused(f"{target.host} does not resolve")
        for address in addresses:
            reason = refused_address(address, allow_loopback=target.loopback_allowed)
            if reason is not None:
                raise Refused(f"{target.host} resolves to {reason}")
        return addresses[0]

    async def send(
        self, target: WebhookTarget, webhook_id: str, timestamp: datetime, body: bytes, secret: str
    ) -> AttemptResult:
        started = time.perf_counter()

        def result(status_code: int | None, error: str | None) -> AttemptResult:
            duration_ms = round((time.perf_counter() - started) * 1000)
            return AttemptResult(timestamp, status_code, duration_ms, error and error[:ERROR_CHARS])

        headers = {
            "content-type": "application/json",
            "user-agent": "Billflow-Webhooks/1",
            "host": _host_header(target),
            "webhook-id": webhook_id,
            "webhook-timestamp": str(int(timestamp.timestamp())),
            "webhook-signature": Webhook(secret).sign(webhook_id, timestamp, body.decode()),
        }
        try:
            async with asyncio.timeout(self._timeout_s):
                address = await self._checked_address(target)
                request = self._client.build_request(
                    "POST",
                    _pinned_url(target, address),
                    content=body,
                    headers=headers,
                    extensions={"sni_hostname": target.host} if target.scheme == "https" else {},
                )
                response = await self._client.send(request, stream=True)
                try:
                    read = 0
                    async for chunk in response.aiter_raw():
                        read += len(chunk)
                        if read >= MAX_RESPONSE_BYTES:
                            break  # the rest is never read: closing drops the connection
                finally:
                    await response.aclose()
        except Refused as e:
            return result(None, f"refused: {e}")
        except TimeoutError:
            return result(None, f"timed out after {self._timeout_s:g} s")
        except httpx.HTTPError as e:
            return result(None, f"{type(e).__name__}: {e}")
        if response.is_redirect:
            return result(response.status_code, "redirects are not followed")
        return result(response.status_code, None if response.is_success else f"HTTP {response.status_code}")


def http_client() -> httpx.AsyncClient:
    """The client every attempt shares: no redirects, no proxies from the environment, timeouts
    inside the attempt's own, and a bounded pool (the deliverer's concurrency bounds it too)."""
    return httpx.AsyncClient(
        follow_redirects=False,
        trust_env=False,
        timeout=httpx.Timeout(10.0),
        # No keep-alive: a pooled connection is keyed by the address, and two endpoints on one
        # address must never share a TLS session made for the other's name.
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=0),
    )
