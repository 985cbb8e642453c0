"""Sending one email exactly once through its delivery record: claim, send, accept or release.

The mechanism the invoice emails and the statements introduced, written once for the documents
and reminders that came after them (credit notes, overdue reminders):

- Before talking to the mail server the sender claims the email's delivery record (a lease,
  committed on its own). A second sender finds the live claim and waits (TransientFailure); an
  accepted email is never sent again; a claim whose sender vanished is taken over only once its
  lease has run out, and resent under the same Message-ID.
- ``wanted`` is asked in the claiming transaction: when it says no (a reminder whose invoice was
  paid meanwhile), nothing is claimed and nothing is sent.
- The send never outlives the lease; a refused or unanswered attempt releases the claim.
- ``accepted`` records the server's acceptance, and ``on_accepted`` commits with it (a document's
  ``rendered -> sent``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from enum import StrEnum

from billflow.domain.errors import DomainError, TransientFailure
from billflow.domain.model import DeliveryState
from billflow.domain.ports.after_issue import DeliverySlot
from billflow.domain.ports.mail import Mailer, OutgoingEmail
from billflow.domain.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)


class Sent(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already_sent"
    """Accepted by the server on an earlier attempt."""
    UNWANTED = "unwanted"
    """``wanted`` said no: nothing was claimed or sent."""


class DeliveryBusy(TransientFailure):
    """Another sender holds a live claim on this email: try again after its lease."""


async def _always(_: UnitOfWork) -> bool:
    return True


async def _nothing(_: UnitOfWork) -> None:
    return None


async def send_exactly_once(
    uow: UnitOfWorkFactory,
    slot: Callable[[UnitOfWork], DeliverySlot],
    message_id: str,
    email: OutgoingEmail,
    mailer: Mailer,
    lease_seconds: float,
    *,
    wanted: Callable[[UnitOfWork], Awaitable[bool]] = _always,
    on_accepted: Callable[[UnitOfWork], Awaitable[None]] = _nothing,
) -> Sent:
    """Send ``email`` once per delivery record (see the module's rules)."""
    async with uow() as u:
        if not await wanted(u):
            return Sent.UNWANTED
        record = slot(u)
        claim = await record.claim(message_id, lease_seconds)
        if claim is None:
            if await record.state() == DeliveryState.ACCEPTED:
                await on_accepted(u)  # accepted earlier, its consequence maybe not recorded
                await u.commit()
                return Sent.ALREADY_SENT
            raise DeliveryBusy("another sender is delivering this email")
        await u.commit()
    if claim.takeover:
        log.warning(
            "resending an email whose earlier attempt ended unconfirmed",
            extra={"message_id": claim.message_id, "attempts": claim.attempts},
        )
    try:
        # Never outlive the lease: past it, another sender may take the claim over.
        async with asyncio.timeout(lease_seconds * 0.8):
            await mailer.send(replace(email, message_id=claim.message_id))
    except (DomainError, TimeoutError) as e:
        async with uow() as u:
            await slot(u).release()
            await u.commit()
        if isinstance(e, TimeoutError):
            raise TransientFailure("the mail server did not answer in time") from e
        raise
    async with uow() as u:
        await slot(u).accepted()
        await on_accepted(u)
        await u.commit()
    return Sent.SENT
