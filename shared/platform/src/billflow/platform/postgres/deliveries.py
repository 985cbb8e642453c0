"""asyncpg adapter of the email delivery log (one row per invoice)."""

from __future__ import annotations

import asyncpg

from billflow.domain.ports.delivery import DeliveryClaim


class AsyncpgEmailDeliveryLog:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def claim(self, invoice_id: str, message_id: str, lease_seconds: float) -> DeliveryClaim | None:
        # One statement decides, so two senders racing for the same invoice cannot both win: the
        # row lock taken by ON CONFLICT serialises them, and the loser sees a live claim. In the
        # SET list, email_deliveries.* is the row as it was before this claim.
        row = await self._conn.fetchrow(
            "INSERT INTO email_deliveries (invoice_id, message_id, state, attempts, lease_until)"
            " VALUES ($1, $2, 'claimed', 1, now() + make_interval(secs => $3))"
            " ON CONFLICT (invoice_id) DO UPDATE SET"
            "   state = 'claimed',"
            "   attempts = email_deliveries.attempts + 1,"
            "   taken_over = (email_deliveries.state = 'claimed'),"
            "   takeovers = email_deliveries.takeovers"
            "     + CASE WHEN email_deliveries.state = 'claimed' THEN 1 ELSE 0 END,"
            "   lease_until = EXCLUDED.lease_until,"
            "   updated_at = now()"
            " WHERE email_deliveries.state = 'released'"
            "    OR (email_deliveries.state = 'claimed' AND email_deliveries.lease_until < now())"
            " RETURNING message_id, attempts, taken_over",
            invoice_id,
            message_id,
            float(lease_seconds),
        )
        if row is None:
            return None
        return DeliveryClaim(
            message_id=row["message_id"], attempts=row["attempts"], takeover=row["taken_over"]
        )

    async def state(self, invoice_id: str) -> str | None:
        value = await self._conn.fetchval(
            "SELECT state FROM email_deliveries WHERE invoice_id = $1", invoice_id
        )
        return str(value) if value is not None else None

    async def accepted(self, invoice_id: str) -> None:
        await self._conn.execute(
            "UPDATE email_deliveries SET state = 'accepted', accepted_at = now(), updated_at = now()"
            " WHERE invoice_id = $1",
            invoice_id,
        )

    async def release(self, invoice_id: str) -> None:
        await self._conn.execute(
            "UPDATE email_deliveries SET state = 'released', updated_at = now()"
            " WHERE invoice_id = $1 AND state = 'claimed'",
            invoice_id,
        )
