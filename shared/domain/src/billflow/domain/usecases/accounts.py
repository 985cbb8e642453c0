"""Logging in, knowing who a token belongs to, and the first administrator.

Business rules:
- Emails are compared case-insensitively.
- A failed login takes as long as a successful one: the password is always checked against a hash
  (a fixed dummy one for unknown emails), and both outcomes then make one rate-limiter call.
- Login is rate limited per account and per client address: at most ``LOGIN_MAX_FAILURES`` failed
  attempts in ``LOGIN_WINDOW_SECONDS``; past that, RateLimited without checking the password.
- Billflow's own tokens name a Billflow user. An external identity (Cognito) is the Billflow user
  linked to its ``sub``; failing that, the user whose email the provider has verified, who is then
  linked to that ``sub``; failing that, nobody (Unauthenticated: users are created by an admin,
  never just in time). The provider's groups, when they name a role, decide the role.
- The first admin is created from configuration only when no user exists at all.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from billflow.domain.errors import Conflict, RateLimited, Unauthenticated
from billflow.domain.model import Identity, Role, User
from billflow.domain.ports import (
    IdGenerator,
    PasswordHasher,
    RateLimiter,
    TokenIssuer,
    TokenVerifier,
    UnitOfWorkFactory,
    UserRepository,
)
from billflow.domain.usecases.users import NewUser, add_user

LOGIN_MAX_FAILURES = 10
LOGIN_WINDOW_SECONDS = 60


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
        tokens: TokenIssuer,
        verifier: TokenVerifier,
        limiter: RateLimiter,
    ) -> None:
        self._uow = uow
        self._ids = ids
        self._hasher = hasher
        self._tokens = tokens
        self._verifier = verifier
        self._limiter = limiter
        self._dummy_hash = hasher.hash("not-a-real-password")

    async def login(self, email: str, password: str, client_address: str) -> IssuedToken:
        email = email.strip().lower()
        keys = (f"login-account:{email}", f"login-address:{client_address}")
        admission = await self._limiter.acquire(keys, LOGIN_MAX_FAILURES, LOGIN_WINDOW_SECONDS)
        if admission.retry_after is not None:
            raise RateLimited("too many failed logins; try again later", retry_after=admission.retry_after)
        async with self._uow() as uow:
            found = await uow.users.by_email(email)
        user, password_hash = found if found else (None, self._dummy_hash)
        ok = self._hasher.verify(password_hash, password) and user is not None
        # One call either way: a success forgets the attempt, a failure keeps it counted.
        await self._limiter.settle(admission.ticket, counted=not ok)
        if user is None or not ok:
            raise Unauthenticated("wrong email or password")
        token, expires_in = self._tokens.issue(user)
        return IssuedToken(token, expires_in)

    async def authenticate(self, token: str) -> User:
        identity = await self._verifier.verify(token)
        async with self._uow() as uow:
            user = await self._user_of(uow.users, identity)
            await uow.commit()
        if user is None:
            raise Unauthenticated("the token's user is not a Billflow user")
        if identity.role is not None and identity.role is not user.role:
            user = dataclasses.replace(user, role=identity.role)
        return user

    @staticmethod
    async def _user_of(users: UserRepository, identity: Identity) -> User | None:
        if not identity.external:
            return await users.get(identity.subject)
        linked = await users.by_external_subject(identity.subject)
        if linked is not None or identity.email is None:
            return linked
        found = await users.by_email(identity.email)
        if found is None:
            return None
        try:
            await users.link_external_subject(found[0].id, identity.subject)
        except Conflict:
            return None
        return found[0]

    async def create_user(
        self, email: str, password: str, role: Role, employee_id: str | None = None
    ) -> User:
        """Create a user on the system's own authority (configuration, scripts, tests)."""
        return await add_user(self._uow, self._ids, self._hasher, NewUser(email, password, role, employee_id))

    async def ensure_first_admin(self, email: str, password: str) -> User | None:
        """Create the admin when the system has no user yet; None when users exist already."""
        async with self._uow() as uow:
            if await uow.users.count() > 0:
                return None
        return await self.create_user(email, password, Role.ADMIN)
