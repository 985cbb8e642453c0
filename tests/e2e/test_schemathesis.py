"""Schemathesis against the API's own OpenAPI document, through the running API, authenticated.

A bounded number of cases per operation (``MAX_EXAMPLES`` valid ones and as many invalid ones):
no answer may be a 5xx, and every
documented answer must match its schema and media type. The count of cases run is written to
test-artifacts/schemathesis.txt and printed.

Login (`POST /v1/auth/token`) is left out: its random failures would lock the loopback address the
other tests log in from (see test_hostile_input for its own tests). The fuzzing user is an admin of
its own, so its invoice quota is not the other tests'.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.support.billing import unique_email
from tests.support.system import RunningSystem

pytestmark = pytest.mark.e2e

MAX_EXAMPLES = 15
CASES: dict[str, int] = {}


@pytest.fixture(scope="module")
def fuzz_token(system: RunningSystem) -> Iterator[str]:
    with httpx.Client(base_url=system.api_url, timeout=30) as client:
        login = client.post("/v1/auth/token", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
        admin = {"Authorization": f"Bearer {login.json()['access_token']}"}
        email, password = unique_email("fuzz"), "fuzz-admin-password"
        created = client.post(
            "/v1/users", json={"email": email, "password": password, "role": "admin"}, headers=admin
        )
        assert created.status_code == 201, created.text
        token = client.post("/v1/auth/token", json={"email": email, "password": password}).json()
        # PUT /v1/company may take a generated company: put the real one back for the other tests.
        company = client.get("/v1/company", headers=admin).json()
        yield token["access_token"]
        assert client.put("/v1/company", json=company, headers=admin).status_code == 200
    total = sum(CASES.values())
    artifacts = Path("test-artifacts")
    artifacts.mkdir(exist_ok=True)
    lines = [f"{total} schemathesis cases over {len(CASES)} operations"]
    lines += [f"{n:4d}  {op}" for op, n in sorted(CASES.items())]
    (artifacts / "schemathesis.txt").write_text("\n".join(lines) + "\n")
    print("\n" + lines[0])


def _runner(operation: Any, mode: GenerationMode, name: str, headers: dict[str, str]) -> Any:
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def run(case: Any) -> None:
        CASES[name] = CASES.get(name, 0) + 1
        case.call_and_validate(headers=headers, checks=checks)

    return run


def test_no_generated_request_gets_a_5xx_or_an_answer_off_the_schema(
    system: RunningSystem, fuzz_token: str
) -> None:
    loaded = schemathesis.openapi.from_url(f"{system.api_url}/docs/openapi.json").exclude(
        path="/v1/auth/token"
    )
    headers = {"Authorization": f"Bearer {fuzz_token}"}
    failures: list[str] = []
    for result, mode in itertools.product(
        list(loaded.get_all_operations()), [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    ):
        operation = result.ok()
        name = f"{operation.method.upper()} {operation.path} ({mode.value})"

        run = _runner(operation, mode, name, headers)

        try:
            run()
        except Exception as e:  # every operation runs; all failures are reported together
            failures.append(f"{name}: {e}")
    assert CASES, "\n".join(failures) or "the OpenAPI document lists no operation"
    assert not failures, "\n\n".join(failures)
