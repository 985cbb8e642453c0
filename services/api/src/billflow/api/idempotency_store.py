"""What an idempotency key remembers: the HTTP answer first given, to be replayed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class RecordedAnswer:
    """The answer given to the first request made with an idempotency key, to be replayed."""

    status: int
    content_type: str
    body: bytes


@dataclass(frozen=True, slots=True)
class IdempotencyClaim:
    """``owned``: the caller is first and must answer, then ``complete`` or ``abandon``.
    Otherwise ``answer`` is the recorded one to replay, ``mismatch`` says the key was used for
    another request, and neither means the first request is still being answered."""

    owned: bool = False
    answer: RecordedAnswer | None = None
    mismatch: bool = False


class IdempotencyStore(Protocol):
    """Idempotency keys per user (Stripe's semantics), kept ``ttl`` hours, shared by all processes."""

    async def claim(self, user_id: str, key: str, fingerprint: str) -> IdempotencyClaim:
        """Atomically become the owner of ``key`` (new, expired, or abandoned long ago with the
        same fingerprint), or learn what happened to it."""
        ...

    async def complete(self, user_id: str, key: str, answer: RecordedAnswer) -> None: ...

    async def abandon(self, user_id: str, key: str) -> None:
        """Forget an owned key whose request failed, so a retry may run it again."""
        ...
