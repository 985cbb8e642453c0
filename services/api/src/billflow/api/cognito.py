"""Amazon Cognito tokens (the domain's TokenVerifier), and routing tokens to their verifier.

A Cognito token is accepted only if all of these hold: its header says RS256 (nothing else is ever
tried, so ``alg: none`` and HS256-with-the-public-key are refused before any key is used); its
``kid`` names a signing key of the user pool's JWKS; the signature verifies with that key; ``iss``
is the pool; ``token_use`` is ``id`` (then ``aud`` is one of our app clients) or ``access`` (then
``client_id`` is); ``exp`` is in the future; ``sub`` is present. ``cognito:groups`` named like a
Billflow role grant it (the most privileged one wins).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from typing import Any

import jwt

from billflow.api.security import expires_at
from billflow.domain.errors import Unauthenticated
from billflow.domain.model import Identity, Role
from billflow.domain.ports.identity import TokenVerifier

# Most privileged first.
_ROLE_ORDER = (Role.ADMIN, Role.ACCOUNTANT, Role.VIEWER, Role.EMPLOYEE)
REFRESH_AT_MOST_EVERY_SECONDS = 60.0
"""An unknown ``kid`` refetches the JWKS (keys rotate), but not more often than this: a stream of
forged kids must not turn into a stream of requests to the user pool."""


def role_of_groups(groups: Iterable[str]) -> Role | None:
    names = set(groups)
    return next((role for role in _ROLE_ORDER if role.value in names), None)


class CognitoTokenVerifier:
    def __init__(self, jwks_url: str, issuer: str, audiences: Iterable[str]) -> None:
        self._client = jwt.PyJWKClient(jwks_url, cache_jwk_set=True, lifespan=3600, timeout=5)
        self._issuer = issuer
        self._audiences = frozenset(a for a in audiences if a)
        if not self._audiences:
            raise ValueError("at least one Cognito app client id (audience) is required")
        self._keys: dict[str, Any] = {}
        self._fetched_at = -REFRESH_AT_MOST_EVERY_SECONDS
        self._lock = asyncio.Lock()

    async def _key(self, kid: str) -> Any:
        if kid in self._keys:
            return self._keys[kid]
        async with self._lock:
            if kid not in self._keys and time.monotonic() - self._fetched_at >= REFRESH_AT_MOST_EVERY_SECONDS:
                self._fetched_at = time.monotonic()
                try:
                    jwk_set = await asyncio.to_thread(self._client.get_jwk_set, True)
                except jwt.PyJWTError as e:
                    raise Unauthenticated("the identity provider's keys are unavailable") from e
                self._keys = {
                    k.key_id: k.key
                    for k in jwk_set.keys
                    if k.key_id and k.public_key_use in (None, "sig") and k.key_type == "RSA"
                }
        if kid not in self._keys:
            raise Unauthenticated("unknown signing key")
        return self._keys[kid]

    async def verify(self, token: str) -> Identity:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as e:
            raise Unauthenticated("invalid token") from e
        kid = header.get("kid")
        if header.get("alg") != "RS256" or not isinstance(kid, str):
            raise Unauthenticated("invalid token")
        key = await self._key(kid)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                issuer=self._issuer,
                options={"require": ["exp", "iat", "iss", "sub", "token_use"], "verify_aud": False},
            )
        except jwt.PyJWTError as e:
            raise Unauthenticated("invalid or expired token") from e
        use = claims["token_use"]
        if use == "id":
            audience = claims.get("aud")
            audiences = {audience} if isinstance(audience, str) else set(audience or [])
            if not audiences & self._audiences:
                raise Unauthenticated("the token is for another application")
        elif use == "access":
            if claims.get("client_id") not in self._audiences:
                raise Unauthenticated("the token is for another application")
        else:
            raise Unauthenticated("not an id or access token")
        subject = claims["sub"]
        if not isinstance(subject, str) or not subject:
            raise Unauthenticated("invalid token subject")
        groups = claims.get("cognito:groups") or []
        email = claims.get("email")
        verified = use == "id" and isinstance(email, str) and claims.get("email_verified") is True
        return Identity(
            subject=subject,
            external=True,
            email=email.strip().lower() if verified and isinstance(email, str) else None,
            role=role_of_groups(g for g in groups if isinstance(g, str))
            if isinstance(groups, list)
            else None,
            expires_at=expires_at(claims),
        )


class IssuerRoutingTokenVerifier:
    """Hands each token to the verifier of the issuer it claims; that verifier checks everything,
    the claim only chooses who looks. Unknown issuers are refused."""

    def __init__(self, by_issuer: dict[str, TokenVerifier]) -> None:
        self._by_issuer = dict(by_issuer)

    async def verify(self, token: str) -> Identity:
        try:
            issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
        except jwt.PyJWTError as e:
            raise Unauthenticated("invalid token") from e
        verifier = self._by_issuer.get(issuer) if isinstance(issuer, str) else None
        if verifier is None:
            raise Unauthenticated("invalid token")
        return await verifier.verify(token)
