"""asyncpg adapters of the email delivery logs (one row per invoice, per user and month, per credit
note, per invoice and reminder level).

Every table shares one life (``DELIVERY_LIFECYCLE``) and so one set of statements: every guarded
UPDATE takes its ``WHERE state = ANY(...)`` from the domain's table, with the row's key columns
the only difference between them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from billflow.domain.model import DeliveryState
from billflow.domain.model.delivery import CLAIM, RELEASE, TAKE_OVER
from billflow.domain.ports.delivery import DeliveryClaim


class DeliveryStatements:
    """The SQL of one delivery table keyed by ``keys`` (the first ``len(keys)`` parameters)."""

    def __init__(self, table: str, keys: Sequence[str]) -> None:
        n = len(keys)
        where = " AND ".join(f"{k} = ${i + 1}" for i, k in enumerate(keys))
        self._where = where
        t = table
        # One statement decides, so two senders racing for the same document cannot both win: the
        # row lock taken by ON CONFLICT serialises them, and the loser sees a live claim. In the
        # SET list, {t}.* is the row as it was before this claim.
        self.claim = (
            f"INSERT INTO {t} ({', '.join(keys)}, message_id, state, attempts, lease_until)"
            f" VALUES ({', '.join(f'${i + 1}' for i in range(n))}, ${n + 1}, ${n + 3}, 1,"
            f" now() + make_interval(secs => ${n + 2}))"
            f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET"
            f"   state = ${n + 3},"
            f"   attempts = {t}.attempts + 1,"
            f"   taken_over = ({t}.state = ANY(${n + 5}::text[])),"
            f"   takeovers = {t}.takeovers + CASE WHEN {t}.state = ANY(${n + 5}::text[]) THEN 1 ELSE 0 END,"
            "   lease_until = EXCLUDED.lease_until,"
            "   updated_at = now()"
            f" WHERE {t}.state = ANY(${n + 4}::text[])"
            f"    OR ({t}.state = ANY(${n + 5}::text[]) AND {t}.lease_until < now())"
            " RETURNING message_id, attempts, taken_over"
        )
        self.state = f"SELECT state FROM {t} WHERE {where}"
        # Accepting is not guarded: only the sender holding the claim gets this far, and the
        # server's acceptance is a fact to record whatever the row says meanwhile.
        self.accept = (
            f"UPDATE {t} SET state = ${n + 1}, accepted_at = now(), updated_at = now() WHERE {where}"
        )
        self.release = (
            f"UPDATE {t} SET state = ${n + 1}, updated_at = now()"
            f" WHERE {where} AND state = ANY(${n + 2}::text[])"
        )


class DeliveryLog:
    """The delivery record of one table, for the adapters below to key."""

    def __init__(self, conn: asyncpg.Connection, sql: DeliveryStatements) -> None:
        self._conn = conn
        self._sql = sql

    async def claim(self, key: Sequence[Any], message_id: str, lease_seconds: float) -> DeliveryClaim | None:
        row = await self._conn.fetchrow(
            self._sql.claim,
            *key,
            message_id,
            float(lease_seconds),
            CLAIM.target.value,
            CLAIM.values(),
            TAKE_OVER.values(),
        )
        if row is None:
            return None
        return DeliveryClaim(
            message_id=row["message_id"], attempts=row["attempts"], takeover=row["taken_over"]
        )

    async def state(self, key: Sequence[Any]) -> DeliveryState | None:
        value = await self._conn.fetchval(self._sql.state, *key)
        return DeliveryState(value) if value is not None else None

    async def accepted(self, key: Sequence[Any]) -> None:
        await self._conn.execute(self._sql.accept, *key, DeliveryState.ACCEPTED.value)

    async def release(self, key: Sequence[Any]) -> None:
        await self._conn.execute(self._sql.release, *key, RELEASE.target.value, RELEASE.values())


_EMAIL = DeliveryStatements("email_deliveries", ["invoice_id"])


class AsyncpgEmailDeliveryLog:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._log = DeliveryLog(conn, _EMAIL)

    async def claim(self, invoice_id: str, message_id: str, lease_seconds: float) -> DeliveryClaim | None:
        return await self._log.claim([invoice_id], message_id, lease_seconds)

    async def state(self, invoice_id: str) -> DeliveryState | None:
        return await self._log.state([invoice_id])

    async def accepted(self, invoice_id: str) -> None:
        await self._log.accepted([invoice_id])

    async def release(self, invoice_id: str) -> None:
        await self._log.release([invoice_id])


class _Slot:
    """One record of a delivery table, keyed: the domain's ``DeliverySlot``."""

    def __init__(self, log: DeliveryLog, key: Sequence[Any]) -> None:
        self._log = log
        self._key = key

    async def claim(self, message_id: str, lease_seconds: float) -> DeliveryClaim | None:
        return await self._log.claim(self._key, message_id, lease_seconds)

    async def state(self) -> DeliveryState | None:
        return await self._log.state(self._key)

    async def accepted(self) -> None:
        await self._log.accepted(self._key)

    async def release(self) -> None:
        await self._log.release(self._key)


_CREDIT_NOTE_EMAIL = DeliveryStatements("credit_note_deliveries", ["credit_note_id"])
_REMINDER = DeliveryStatements("reminder_deliveries", ["invoice_id", "level"])


class AsyncpgCreditNoteDeliveryLog:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._log = DeliveryLog(conn, _CREDIT_NOTE_EMAIL)

    def slot(self, credit_note_id: str) -> _Slot:
        return _Slot(self._log, [credit_note_id])


class AsyncpgReminderDeliveryLog:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn
        self._log = DeliveryLog(conn, _REMINDER)

    def slot(self, invoice_id: str, level: int) -> _Slot:
        return _Slot(self._log, [invoice_id, level])

    async def levels_sent(self, invoice_ids: Sequence[str]) -> dict[str, set[int]]:
        rows = await self._conn.fetch(
            "SELECT invoice_id::text, level FROM reminder_deliveries"
            " WHERE invoice_id = ANY($1::uuid[]) AND state = $2",
            list(invoice_ids),
            DeliveryState.ACCEPTED.value,
        )
        sent: dict[str, set[int]] = {}
        for r in rows:
            sent.setdefault(r["invoice_id"], set()).add(r["level"])
        return sent
