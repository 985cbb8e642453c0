"""``Idempotency-Key`` on create calls, with Stripe's semantics, as ASGI middleware.

- A POST to a /v1 route carrying the header is fingerprinted (an HMAC of method, path, query
  and body, keyed by a server secret, since a body may hold a password).
- The first request with a key (per user) runs; its answer is recorded unless it is a 5xx (a
  failure that a retry may not repeat), and replayed to every later request with the same key and
  fingerprint for 24 hours, with ``Idempotent-Replayed: true``.
- The same key with another request answers 422; while the first is still running, later ones wait
  for its answer (up to ``WAIT_SECONDS``, then 409).
- The claim is atomic in PostgreSQL, so this holds across every API process.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from typing import Any

import msgspec
from litestar.types import ASGIApp, Message, Receive, ReceiveMessage, Scope, Send

from billflow.api.idempotency_store import IdempotencyStore, RecordedAnswer
from billflow.domain.model import User

HEADER = b"idempotency-key"
MAX_KEY_LENGTH = 255
WAIT_SECONDS = 30.0
POLL_SECONDS = 0.05
PROBLEM = b"application/problem+json"


def _problem(status: int, title: str, detail: str, **extra: Any) -> tuple[int, bytes]:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return status, msgspec.json.encode(body)


async def _send_answer(send: Send, status: int, content_type: bytes, body: bytes, replayed: bool) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    if replayed:
        headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


class IdempotencyMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        store: IdempotencyStore | None = None,
        max_body_bytes: int = 1_048_576,
        larger_bodies: dict[str, int] | None = None,
    ) -> None:
        self._app = app
        self._store = store
        self._max_body = max_body_bytes
        self._larger = dict(larger_bodies or {})
        """Paths whose route takes larger bodies (uploads), and their limit."""

    def _store_of(self, scope: Scope) -> IdempotencyStore:
        if self._store is not None:
            return self._store
        store: IdempotencyStore = scope["app"].state.services.idempotency
        return store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        http: dict[str, Any] = dict(scope)  # HTTP or WebSocket: read it as a plain mapping
        key_header = dict(http.get("headers") or []).get(HEADER)
        user = http.get("user")
        if key_header is None or http.get("method") != "POST" or not isinstance(user, User):
            await self._app(scope, receive, send)
            return
        key = key_header.decode("latin-1")
        if not 0 < len(key) <= MAX_KEY_LENGTH or not key.isprintable() or not key.isascii():
            status, body = _problem(
                422,
                "Unprocessable content",
                f"Idempotency-Key is 1 to {MAX_KEY_LENGTH} printable ASCII characters",
                errors=[{"field": "Idempotency-Key", "message": "malformed", "in": "header"}],
            )
            await _send_answer(send, status, PROBLEM, body, replayed=False)
            return
        chunks: list[bytes] = []
        size = 0
        limit = self._larger.get(str(http.get("path", "")), self._max_body)
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                status, body = _problem(413, "Request body too large", "the request body is too large")
                await _send_answer(send, status, PROBLEM, body, replayed=False)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        request_body = b"".join(chunks)
        # Keyed: the body may hold a password (POST /v1/users), and the fingerprint is stored.
        digest = hmac.new(scope["app"].state.services.fingerprint_key, digestmod=hashlib.sha256)
        for part in (http["method"], http["path"], http.get("query_string", b"")):
            digest.update(part.encode() if isinstance(part, str) else part)
            digest.update(b"\0")
        digest.update(request_body)
        await self._run_once(scope, receive, send, user, key, digest.hexdigest(), request_body)

    async def _run_once(
        self, scope: Scope, receive: Receive, send: Send, user: User, key: str, fingerprint: str, body: bytes
    ) -> None:
        store = self._store_of(scope)
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            claim = await store.claim(user.id, key, fingerprint)
            if claim.owned:
                break
            if claim.mismatch:
                status, problem = _problem(
                    422,
                    "Unprocessable content",
                    "this Idempotency-Key was used with a different request",
                    errors=[{"field": "Idempotency-Key", "message": "reused", "in": "header"}],
                )
                await _send_answer(send, status, PROBLEM, problem, replayed=False)
                return
            if claim.answer is not None:
                a = claim.answer
                await _send_answer(send, a.status, a.content_type.encode("latin-1"), a.body, replayed=True)
                return
            if time.monotonic() > deadline:
                status, problem = _problem(
                    409, "Conflict", "a request with this Idempotency-Key is still being answered"
                )
                await _send_answer(send, status, PROBLEM, problem, replayed=False)
                return
            await asyncio.sleep(POLL_SECONDS)

        delivered = False

        async def replay_body() -> ReceiveMessage:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        status = 500
        content_type = b"application/json"
        parts: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal status, content_type
            if message["type"] == "http.response.start":
                status = int(message["status"])
                for name, value in message.get("headers") or []:
                    if name.lower() == b"content-type":
                        content_type = value
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
            await send(message)

        try:
            await self._app(scope, replay_body, capture)
        except BaseException:
            await store.abandon(user.id, key)
            raise
        if status >= 500:
            await store.abandon(user.id, key)
        else:
            await store.complete(
                user.id, key, RecordedAnswer(status, content_type.decode("latin-1"), b"".join(parts))
            )
