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
- A verified token's user is remembered for ``remember_seconds`` (never past the token's expiry),
  so a burst of requests with one token costs one lookup. Deleting a user forgets them at once in
  this process (``forget``); other processes stop accepting their tokens within
  ``remember_seconds``. Only the exact token string is remembered: a different (forged) token is
  always verified.
- A bearer token starting ``bf_`` is an API key (``api_keys``): it is the key's actor while the
  key is unrevoked, remembered like a token's user, and forgotten here the moment it is revoked.
- The first admin is created from configuration only when no user exists at all.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from billflow.domain.errors import Conflict, RateLimited, Unauthenticated
from billflow.domain.model import Identity, Role, User
from billflow.domain.ports.identity import PasswordHasher, TokenIssuer, TokenVerifier, UserRepository
from billflow.domain.ports.rate_limits import RateLimiter
from billflow.domain.ports.system import Clock, IdGenerator
from billflow.domain.ports.unit_of_work import UnitOfWorkFactory
from billflow.domain.usecases.api_keys import ApiKeys, looks_like_key
from billflow.domain.usecases.users import NewUser, add_user

LOGIN_MAX_FAILURES = 10
LOGIN_WINDOW_SECONDS = 60
REMEMBERED_TOKENS = 10_000
"""At most this many tokens are remembered at once (the least recently used is forgotten first)."""


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
        *,
        clock: Clock | None = None,
        remember_seconds: float = 0.0,
        api_keys: ApiKeys | None = None,
    ) -> None:
        self._uow = uow
        self._ids = ids
        self._hasher = hasher
        self._tokens = tokens
        self._verifier = verifier
        self._limiter = limiter
        self._api_keys = api_keys
        self._dummy_hash = hasher.hash("not-a-real-password")
        self._clock = clock if remember_seconds > 0 else None  # None: remember nothing
        self._remember = timedelta(seconds=remember_seconds)
        self._recent: dict[str, tuple[User, datetime]] = {}
        """Token -> its user and until when that answer stands, least recently used first."""

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
        now = self._clock.now() if self._clock is not None else None
        remembered = self._recent.pop(token, None) if now is not None else None
        if now is not None and remembered is not None and now < remembered[1]:
            self._recent[token] = remembered  # now the most recently used; an expired one stays out
            return remembered[0]
        identity: Identity | None = None
        if looks_like_key(token) and self._api_keys is not None:
            key_actor = await self._api_keys.actor_of(token)
            if key_actor is None:
                raise Unauthenticated("invalid or revoked API key")
            user = key_actor
        else:
            identity = await self._verifier.verify(token)
            async with self._uow() as uow:
                found = await self._user_of(uow.users, identity)
                await uow.commit()
            if found is None:
                raise Unauthenticated("the token's user is not a Billflow user")
            user = found
            if identity.role is not None and identity.role is not user.role:
                user = dataclasses.replace(user, role=identity.role)
        if now is not None:
            until = now + self._remember
            if identity is not None and identity.expires_at is not None:
                until = min(until, identity.expires_at)
            if len(self._recent) >= REMEMBERED_TOKENS:
                del self._recent[next(iter(self._recent))]
            self._recent[token] = (user, until)
        return user

    def forget(self, user_id: str) -> None:
        """Stop remembering every token of ``user_id`` (deleted, or their role changed), or an
        API key of that id (revoked)."""
        for token in [t for t, (u, _) in self._recent.items() if u.id == user_id]:
            del self._recent[token]

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
