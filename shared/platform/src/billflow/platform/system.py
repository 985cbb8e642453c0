"""The plain adapters for the domain's Clock, IdGenerator and SecretGenerator ports."""

from __future__ import annotations

import base64
import secrets
import uuid
from datetime import UTC, datetime


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class UuidIdGenerator:
    """Random (version 4) UUIDs: 122 bits of randomness, so ids cannot be guessed."""

    def new_id(self) -> str:
        return str(uuid.uuid4())


class WebhookSecretGenerator:
    """Standard Webhooks secrets: ``whsec_`` and the base64 of 24 random bytes (192 bits)."""

    def new_secret(self) -> str:
        return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
