"""What the audit trail and API keys cost: writing a request's worth of audit entries in one
transaction (``record_many``, as a 10,000-row import or a big billing run would), and checking a
key (SHA-256 digest) against checking a password (Argon2, what logins use), per call.

    .venv/bin/python -m bench.audit_trail [--entries 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from billflow.api.security import Argon2PasswordHasher
from billflow.domain import auditing
from billflow.domain.model import Role, User, Workday
from billflow.domain.usecases.api_keys import key_digest
from billflow.platform.postgres.pool import create_pool
from billflow.platform.postgres.uow import AsyncpgUnitOfWorkFactory
from billflow.platform.settings import PostgresSettings
from tests.support.stack import postgres


async def write_entries(database_url: str, count: int, rounds: int = 3) -> list[float]:
    pool = await create_pool(PostgresSettings(database_url=database_url))
    try:
        actor = User(str(uuid.uuid4()), "bench@example.com", Role.ACCOUNTANT)
        employee = str(uuid.uuid4())
        days = [Workday(date(2026, 1, 1) + timedelta(days=n % 365), Decimal(n % 8 + 1)) for n in range(count)]
        records = [(f"{employee}/{n}", auditing.changes(None, w)) for n, w in enumerate(days)]
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            async with AsyncpgUnitOfWorkFactory(pool)() as uow:
                await uow.audit.record_many(actor, "workday", "record", records)
                await uow.commit()
            timings.append(time.perf_counter() - started)
        return timings
    finally:
        await pool.close()


def per_call(fn: Callable[[], object], repetitions: int) -> float:
    started = time.perf_counter()
    for _ in range(repetitions):
        fn()
    return (time.perf_counter() - started) / repetitions


def main(entries: int) -> None:
    # Under /tmp and readable by all: PostgreSQL runs as another user (as in the tests' conftest).
    with tempfile.TemporaryDirectory(prefix="billflow-bench-") as work:
        Path(work).chmod(0o755)
        with postgres(Path(work)) as url:
            seconds = asyncio.run(write_entries(url, entries))
    rounds = ", ".join(f"{s:.2f}" for s in seconds)
    print(f"record_many of {entries} audit entries, one transaction each: {rounds} s")
    key = "bf_" + "k" * 43
    argon2 = Argon2PasswordHasher()
    stored = argon2.hash("a-long-enough-password")
    print(f"a key's SHA-256 digest: {per_call(lambda: key_digest(key), 10_000) * 1e6:.1f} µs per call")
    argon = per_call(lambda: argon2.verify(stored, "a-long-enough-password"), 20)
    print(f"an Argon2 password check: {argon * 1e3:.1f} ms per call")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10_000)
    main(parser.parse_args().entries)
