"""Quotas on expensive calls, per user, shared by every API process.

Business rules:
- A user issues at most ``per_minute`` invoices or billing runs a minute; past that, RateLimited
  (the caller is told how long to wait). A quota of 0 means no limit.
- Every invoice-creating call is admitted the same way, in this order: the role (a refused caller
  is charged nothing), the quota (a call that fails later still counts), then the period.
"""

from __future__ import annotations

from datetime import date

from billflow.domain import access, billing
from billflow.domain.access import Action
from billflow.domain.errors import RateLimited
from billflow.domain.model import User
from billflow.domain.ports.rate_limits import RateLimiter

WINDOW_SECONDS = 60


class InvoiceCreationQuota:
    def __init__(self, limiter: RateLimiter, per_minute: int) -> None:
        self._limiter = limiter
        self._per_minute = per_minute

    async def charge(self, user: User) -> None:
        """Count one invoice-creating call by ``user``; RateLimited when over the quota."""
        if self._per_minute <= 0:
            return
        admission = await self._limiter.acquire(
            [f"invoice-create:{user.id}"], self._per_minute, WINDOW_SECONDS
        )
        if admission.retry_after is not None:
            raise RateLimited(
                f"at most {self._per_minute} invoice requests a minute", retry_after=admission.retry_after
            )

    async def admit(self, actor: User, action: Action, period_start: date, period_end: date) -> None:
        """The gate of every invoice-creating use case (see the module's rules for the order)."""
        access.require(actor, action)
        await self.charge(actor)
        billing.validate_period(period_start, period_end)
