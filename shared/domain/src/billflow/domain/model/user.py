"""People who log in to Billflow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ActorKind(StrEnum):
    """What stands behind a caller: a person who logs in, or a machine holding an API key."""

    USER = "user"
    API_KEY = "api_key"


class Role(StrEnum):
    ADMIN = "admin"
    ACCOUNTANT = "accountant"
    VIEWER = "viewer"
    EMPLOYEE = "employee"


@dataclass(frozen=True, slots=True)
class User:
    id: str
    email: str
    role: Role
    employee_id: str | None = None
    kind: ActorKind = ActorKind.USER
    """An API key acts as a ``User`` with its key's id and role (no email, no employee), so every
    use case that takes an actor takes a key too, under the same role rules."""


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a verified access token says the caller is.

    ``external`` is False for Billflow's own tokens, whose ``subject`` is a Billflow user id; for an
    external identity provider (Cognito) ``subject`` is the provider's ``sub``, ``email`` is set only
    when the provider vouches for it (verified), and ``role`` is the one its groups grant, if any.
    """

    subject: str
    external: bool = False
    email: str | None = None
    role: Role | None = None
    expires_at: datetime | None = None
    """When the token stops being valid (its ``exp``)."""
