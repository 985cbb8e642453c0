"""The delivery state of one email (an invoice's, a monthly statement's) and its life cycle."""

from __future__ import annotations

from enum import StrEnum

from billflow.domain.model.lifecycle import Lifecycle, move


class DeliveryState(StrEnum):
    CLAIMED = "claimed"
    """A sender holds the right to send it now, for a lease."""
    RELEASED = "released"
    """The last attempt failed before the server took the email: anyone may claim it again."""
    ACCEPTED = "accepted"
    """The mail server accepted it: it is never sent again."""


_D = DeliveryState

CLAIM = move("claim", _D.RELEASED, _D.CLAIMED)
"""Claim after a released attempt (the first claim creates the record, claimed)."""
TAKE_OVER = move("take_over", _D.CLAIMED, _D.CLAIMED)
"""Claim over a claim whose lease ran out: its sender vanished without saying how it went."""
ACCEPT = move("accept", _D.CLAIMED, _D.ACCEPTED)
RELEASE = move("release", _D.CLAIMED, _D.RELEASED)

DELIVERY_LIFECYCLE: Lifecycle[DeliveryState] = Lifecycle(
    "an email delivery", (CLAIM, TAKE_OVER, ACCEPT, RELEASE)
)
"""Shared by invoice emails and statements; the adapters' guarded UPDATEs take their sources here
(a take-over additionally needs the lease to have run out, which only the store can tell)."""
