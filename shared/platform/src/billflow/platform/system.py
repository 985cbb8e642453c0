"""The plain adapters for the domain's Clock and IdGenerator ports."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class UuidIdGenerator:
    """Random (version 4) UUIDs: 122 bits of randomness, so ids cannot be guessed."""

    def new_id(self) -> str:
        return str(uuid.uuid4())
