"""Logging in, and the first administrator.

Business rules:
- Emails are compared case-insensitively.
- A failed login takes as long whether or not the email exists: the password is always checked
  against a hash (a fixed dummy one for unknown emails), so timing tells nothing.
- The first admin is created from configuration only when no user exists at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from billflow.domain.errors import InvalidInput, NotFound, Unauthenticated
from billflow.domain.model import Role, User
from billflow.domain.ports import IdGenerator, PasswordHasher, TokenService, UnitOfWorkFactory

MIN_PASSWORD = 8


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    expires_in: int


class Accounts:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        ids: IdGenerator,
        hasher: PasswordHasher,
        tokens: TokenService,
    ) -> None:
        self._uow = uow
        self._ids = ids
        self._hasher = hasher
        self._tokens = tokens
        self._dummy_hash = hasher.hash("not-a-real-password")

    async def login(self, email: str, password: str) -> IssuedToken:
        async with self._uow() as uow:
            found = await uow.users.by_email(email.strip().lower())
        user, password_hash = found if found else (None, self._dummy_hash)
        ok = self._hasher.verify(password_hash, password)
        if user is None or not ok:
            raise Unauthenticated("wrong email or password")
        token, expires_in = self._tokens.issue(user)
        return IssuedToken(token, expires_in)

    async def authenticate(self, token: str) -> User:
        user_id = self._tokens.verify(token)
        async with self._uow() as uow:
            user = await uow.users.get(user_id)
        if user is None:
            raise Unauthenticated("the token's user no longer exists")
        return user

    async def create_user(
        self, email: str, password: str, role: Role, employee_id: str | None = None
    ) -> User:
        if len(password) < MIN_PASSWORD:
            raise InvalidInput(f"password has at least {MIN_PASSWORD} characters", field="password")
        user = User(id=self._ids.new_id(), email=email.strip().lower(), role=role, employee_id=employee_id)
        async with self._uow() as uow:
            if employee_id is not None and await uow.employees.get(employee_id) is None:
                raise NotFound("no such employee")
            await uow.users.add(user, self._hasher.hash(password))
            await uow.commit()
        return user

    async def ensure_first_admin(self, email: str, password: str) -> User | None:
        """Create the admin when the system has no user yet; None when users exist already."""
        async with self._uow() as uow:
            if await uow.users.count() > 0:
                return None
        return await self.create_user(email, password, Role.ADMIN)
