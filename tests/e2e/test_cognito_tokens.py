"""Cognito tokens against a second API process configured for a user pool whose JWKS a test
server on loopback serves; the key pair is made here. Every forgery must be a plain 401."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from billflow.devstack.infra import free_port
from tests.support.system import RunningSystem
from tests.support.users import create_user

pytestmark = pytest.mark.e2e

CLIENT_ID = "billflow-test-client"
KID = "test-key-1"


class UserPool:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.issuer = f"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_{uuid.uuid4().hex[:9]}"
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        self.jwks = {"keys": [{**jwk, "kid": KID, "alg": "RS256", "use": "sig"}]}
        self.fetches = 0

    def public_pem(self) -> bytes:
        return self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def claims(self, use: str = "id", **changes: Any) -> dict[str, Any]:
        now = int(time.time())
        base: dict[str, Any] = {
            "sub": str(uuid.uuid4()),
            "iss": self.issuer,
            "token_use": use,
            "iat": now,
            "exp": now + 600,
            "auth_time": now,
        }
        base.update({"aud": CLIENT_ID} if use == "id" else {"client_id": CLIENT_ID, "scope": "openid"})
        base.update(changes)
        return base

    def sign(self, claims: dict[str, Any], *, kid: str = KID, key: Any = None) -> str:
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": kid})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    head = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    return f"{head}.{_b64(signature)}"


def _flip(signature: str) -> str:
    """The signature with its first bytes changed (still valid base64url)."""
    return ("B" if signature[0] != "B" else "C") + ("B" if signature[1] != "B" else "C") + signature[2:]


def _hs256_with(secret: bytes, claims: dict[str, Any]) -> str:
    """What PyJWT refuses to make: HS256 keyed with the pool's public key (algorithm confusion)."""
    head = f"{_b64(json.dumps({'alg': 'HS256', 'typ': 'JWT', 'kid': KID}).encode())}"
    head += f".{_b64(json.dumps(claims).encode())}"
    return f"{head}.{_b64(hmac.new(secret, head.encode(), hashlib.sha256).digest())}"


@pytest.fixture(scope="module")
def pool() -> Iterator[tuple[UserPool, str]]:
    user_pool = UserPool()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            user_pool.fetches += 1
            body = json.dumps(user_pool.jwks).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield user_pool, f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def cognito_api(system: RunningSystem, pool: tuple[UserPool, str], work_dir: Path) -> Iterator[str]:
    user_pool, jwks_url = pool
    env = {
        **system.env,
        "BILLFLOW_API_PORT": str(free_port()),
        "BILLFLOW_JWKS_URL": jwks_url,
        "BILLFLOW_JWT_ISSUER": user_pool.issuer,
        "BILLFLOW_JWT_AUDIENCE": f"another-client,{CLIENT_ID}",
    }
    logs = work_dir / "services"
    second = RunningSystem(env, logs)
    log = (logs / "api-cognito.log").open("ab")  # beside the others: the log scan reads it too
    second.processes["api"] = subprocess.Popen(
        [sys.executable, "-m", "billflow.api"], env=second.env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        second.wait_healthy(60)
        yield second.api_url
    finally:
        second.stop_all()


async def _me(url: str, token: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=url) as client:
        return await client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})


async def test_a_cognito_id_token_maps_to_the_billflow_user_and_its_groups_to_a_role(
    cognito_api: str, pool: tuple[UserPool, str], api: httpx.AsyncClient
) -> None:
    user_pool, _ = pool
    account = await create_user(api, "viewer")
    sub = str(uuid.uuid4())
    id_token = user_pool.sign(user_pool.claims("id", sub=sub, email=account.email, email_verified=True))
    me = await _me(cognito_api, id_token)
    assert me.status_code == 200, me.text
    assert (me.json()["id"], me.json()["role"]) == (account.id, "viewer")

    access = user_pool.sign(user_pool.claims("access", sub=sub, **{"cognito:groups": ["accountant"]}))
    promoted = await _me(cognito_api, access)
    assert promoted.status_code == 200, promoted.text
    assert (promoted.json()["id"], promoted.json()["role"]) == (account.id, "accountant")

    own = await _me(cognito_api, account.token)  # Billflow's own tokens keep working beside Cognito
    assert own.status_code == 200


async def test_every_forged_or_foreign_cognito_token_is_401(
    cognito_api: str, pool: tuple[UserPool, str], api: httpx.AsyncClient
) -> None:
    user_pool, _ = pool
    account = await create_user(api, "admin")
    sub = str(uuid.uuid4())
    good = user_pool.claims("id", sub=sub, email=account.email, email_verified=True)
    valid = user_pool.sign(good)
    head, body, signature = valid.split(".")
    tampered_claims = _b64(
        json.dumps({**good, "cognito:groups": ["admin"], "sub": str(uuid.uuid4())}).encode()
    )
    attacks = {
        "alg none": _unsigned({"alg": "none", "typ": "JWT", "kid": KID}, good),
        "alg none, upper case": _unsigned({"alg": "NONE", "kid": KID}, good),
        "HS256 keyed with the public key": _hs256_with(user_pool.public_pem(), good),
        "wrong issuer": user_pool.sign({**good, "iss": "https://cognito-idp.eu-west-1.amazonaws.com/other"}),
        "wrong audience": user_pool.sign({**good, "aud": "someone-elses-client"}),
        "access token for another client": user_pool.sign(
            {**user_pool.claims("access", sub=sub), "client_id": "someone-elses-client"}
        ),
        "expired": user_pool.sign({**good, "exp": int(time.time()) - 5}),
        "tampered payload": f"{head}.{tampered_claims}.{signature}",
        "tampered signature": f"{head}.{body}.{_flip(signature)}",
        "signed by another key": user_pool.sign(good, key=user_pool.other_key),
        "unknown kid": user_pool.sign(good, kid="not-in-the-jwks"),
        "no token_use": user_pool.sign({k: v for k, v in good.items() if k != "token_use"}),
        "refresh-like token_use": user_pool.sign({**good, "token_use": "refresh"}),
        "no exp": user_pool.sign({k: v for k, v in good.items() if k != "exp"}),
        "garbage": "a.b.c",
    }
    answers = {name: (await _me(cognito_api, token)).status_code for name, token in attacks.items()}
    assert answers == dict.fromkeys(attacks, 401), answers
    # The genuine token still works, so the 401s above are the checks, not a broken setup.
    assert (await _me(cognito_api, valid)).status_code == 200


async def test_a_cognito_user_unknown_to_billflow_is_401_not_created(
    cognito_api: str, pool: tuple[UserPool, str]
) -> None:
    user_pool, _ = pool
    stranger = user_pool.sign(
        user_pool.claims(
            "id",
            email=f"{uuid.uuid4().hex}@example.com",
            email_verified=True,
            **{"cognito:groups": ["admin"]},
        )
    )
    assert (await _me(cognito_api, stranger)).status_code == 401
    unverified = user_pool.sign(user_pool.claims("id", email="admin@e2e.billflow.test", email_verified=False))
    assert (await _me(cognito_api, unverified)).status_code == 401


async def test_a_flood_of_unknown_kids_does_not_flood_the_user_pool(
    cognito_api: str, pool: tuple[UserPool, str]
) -> None:
    user_pool, _ = pool
    before = user_pool.fetches
    for n in range(20):
        assert (
            await _me(cognito_api, user_pool.sign(user_pool.claims(), kid=f"forged-{n}"))
        ).status_code == 401
    assert user_pool.fetches - before <= 1
