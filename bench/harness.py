"""A running Billflow for benchmarks: the same real parts as the tests (PostgreSQL, LocalStack, an
SMTP server, the three services as processes), and the measuring helpers the benchmarks share."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
from collections.abc import AsyncIterator
from contextlib import ExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

from billflow.devstack.infra import free_port
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, seed_admin
from tests.support import stack
from tests.support.smtp import CapturingSmtpServer
from tests.support.system import RunningSystem


@dataclass
class Bench:
    system: RunningSystem
    smtp: CapturingSmtpServer
    api: httpx.AsyncClient
    database_url: str


@asynccontextmanager
async def running_billflow(concurrency: int = 4) -> AsyncIterator[Bench]:
    with ExitStack() as exits:
        work = Path(exits.enter_context(tempfile.TemporaryDirectory(prefix="billflow-bench-")))
        work.chmod(0o755)
        database_url = exits.enter_context(stack.postgres(work))
        aws = exits.enter_context(stack.aws(work, prefix="billflow-bench"))
        smtp = CapturingSmtpServer()
        smtp.start()
        exits.callback(smtp.stop)
        await seed_admin(database_url)
        env = {
            **aws,
            "DATABASE_URL": database_url,
            "SMTP_HOST": smtp.host,
            "SMTP_PORT": str(smtp.port),
            "BILLFLOW_API_PORT": str(free_port()),
            "BILLFLOW_JWT_SECRET": "bench-secret-bench-secret-bench-secret-bench",
            "BILLFLOW_WORKER_CONCURRENCY": str(concurrency),
            "BILLFLOW_LOG_LEVEL": "WARNING",
            "BILLFLOW_INVOICE_RATE_PER_MINUTE": "0",
        }
        (work / "services").mkdir()
        system = RunningSystem(env, work / "services")
        system.start_all()
        exits.callback(system.stop_all)
        async with httpx.AsyncClient(base_url=system.api_url, timeout=120) as api:
            token = (
                await api.post("/v1/auth/token", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
            ).json()
            api.headers["Authorization"] = f"Bearer {token['access_token']}"
            yield Bench(system, smtp, api, database_url)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and all its descendants (Chromium's included)."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for p in processes:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def cpu_by_service(system: RunningSystem) -> dict[str, float]:
    return {name: cpu_seconds(p.pid) for name, p in system.processes.items()}


def percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def wait_for_emails(smtp: CapturingSmtpServer, addresses: set[str], within: float) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not addresses <= {r for m in smtp.messages for r in m.rcpt_tos}:
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("not every email arrived")
        await asyncio.sleep(0.02)
