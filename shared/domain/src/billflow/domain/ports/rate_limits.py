"""Rate limits shared by every process of a service."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Admission:
    """A rate limiter's answer: ``retry_after`` is None when admitted, else seconds to wait."""

    ticket: str
    retry_after: int | None = None


class RateLimiter(Protocol):
    """Counts events per key over a sliding window, shared by every process of the service."""

    async def acquire(self, keys: Sequence[str], limit: int, window_seconds: int) -> Admission:
        """Record one event under each of ``keys`` if every key has fewer than ``limit`` events in
        its last ``window_seconds``; otherwise record nothing and say how long to wait. Atomic
        across processes: concurrent callers can never together exceed the limit."""
        ...

    async def settle(self, ticket: str, *, counted: bool) -> None:
        """Keep the admitted events (``counted``) or forget them (an attempt that did not count).
        Both cost the same, so a caller's timing does not tell which it was."""
        ...
