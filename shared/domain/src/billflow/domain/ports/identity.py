"""Users, passwords and access tokens."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from billflow.domain.model import Identity, User
from billflow.domain.ports.pagination import Page, PageRequest


class UserRepository(Protocol):
    async def add(self, user: User, password_hash: str) -> None: ...
    async def get(self, user_id: str) -> User | None: ...
    async def by_email(self, email: str) -> tuple[User, str] | None:
        """The user with this email (case-insensitive) and their password hash."""
        ...

    async def count(self) -> int: ...
    async def list(self) -> Sequence[User]:
        """Every user, ordered by email."""
        ...

    async def page(self, request: PageRequest) -> Page[User]:
        """A page of ``list``, ordered by email (case aside), then id."""
        ...

    async def delete(self, user_id: str) -> bool:
        """Remove the user; False when there was none."""
        ...

    async def by_external_subject(self, subject: str) -> User | None:
        """The user linked to an external identity provider's subject (Cognito ``sub``)."""
        ...

    async def link_external_subject(self, user_id: str, subject: str) -> None:
        """Link the user to the provider's subject. Raises Conflict when another user has it."""
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str, password: str) -> bool: ...


class TokenIssuer(Protocol):
    def issue(self, user: User) -> tuple[str, int]:
        """A signed access token for ``user`` and its lifetime in seconds."""
        ...


class TokenVerifier(Protocol):
    async def verify(self, token: str) -> Identity:
        """Who the token was issued to. Raises Unauthenticated for any token that is not
        well-formed, correctly signed by a trusted key with the expected algorithm, issued by the
        expected issuer for the expected audience, and unexpired."""
        ...
