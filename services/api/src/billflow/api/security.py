"""Passwords (argon2) and Billflow's own access tokens (short-lived HS256 JWTs, PyJWT)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from billflow.domain.errors import Unauthenticated
from billflow.domain.model import Identity, User

ISSUER = "billflow"


class Argon2PasswordHasher:
    def __init__(self) -> None:
        self._argon2 = PasswordHasher()

    def hash(self, password: str) -> str:
        return self._argon2.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon2.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def expires_at(claims: dict[str, Any]) -> datetime:
    """A verified token's ``exp`` (PyJWT has checked it is a number in the future)."""
    return datetime.fromtimestamp(float(claims["exp"]), UTC)


class JwtTokenService:
    """HS256 tokens carrying the user id (``sub``) and role, valid for ``ttl_seconds``: the
    domain's TokenIssuer and TokenVerifier for Billflow's own tokens.

    The algorithm is fixed on verification (no ``alg: none``, no algorithm confusion), and the
    issuer, expiry and subject are required.
    """

    def __init__(self, secret: str, ttl_seconds: int = 3600) -> None:
        if len(secret) < 32:
            raise ValueError("the token secret must be at least 32 characters")
        self._secret = secret
        self._ttl = ttl_seconds

    def issue(self, user: User) -> tuple[str, int]:
        now = datetime.now(UTC)
        claims = {
            "sub": user.id,
            "role": user.role.value,
            "iss": ISSUER,
            "iat": now,
            "exp": now + timedelta(seconds=self._ttl),
        }
        return jwt.encode(claims, self._secret, algorithm="HS256"), self._ttl

    async def verify(self, token: str) -> Identity:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                issuer=ISSUER,
                options={"require": ["exp", "iat", "sub", "iss"]},
            )
        except jwt.PyJWTError as e:
            raise Unauthenticated("invalid or expired token") from e
        subject = claims["sub"]
        if not isinstance(subject, str):
            raise Unauthenticated("invalid token subject")
        return Identity(subject=subject, expires_at=expires_at(claims))
