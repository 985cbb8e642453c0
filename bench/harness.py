"""A running Billflow for benchmarks: the same real parts as the tests (PostgreSQL, LocalStack, an
SMTP server, the three services as processes), and the measuring helpers the benchmarks share."""

from __future__ import annotations

import asyncio
import collections
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager, suppress
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


def cpu_by_component(system: RunningSystem) -> dict[str, float]:
    """CPU seconds so far of every process on the machine that takes part, by component: each
    service (the pdf-worker's Chromium apart), PostgreSQL, LocalStack, and this process (the load
    generator and the SMTP server). The machine is otherwise idle during a benchmark."""
    services = {p.pid: name for name, p in system.processes.items()}
    totals: collections.defaultdict[str, float] = collections.defaultdict(float)
    for process in psutil.process_iter(["pid", "name", "cmdline"]):
        try:
            component = _component(process, services)
            if component:
                t = process.cpu_times()
                totals[component] += t.user + t.system
        except psutil.Error:
            continue
    return dict(totals)


def _component(process: psutil.Process, services: dict[int, str]) -> str | None:
    name = process.info["name"] or ""
    command = " ".join(process.info["cmdline"] or [])
    if process.pid == os.getpid():
        return "bench process (SMTP server)"
    if name == "postgres" or name.startswith("postgres:"):
        return "PostgreSQL"
    if "localstack" in command:
        return "LocalStack"
    for ancestor in [process, *process.parents()]:
        if ancestor.pid in services:
            service = services[ancestor.pid]
            return f"{service} (Chromium)" if "chrom" in name.lower() else service
    return None


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


@contextmanager
def server_process(command: list[str], env: dict[str, str]) -> Iterator[int]:
    """A process in its own group (stopped with all its children on exit); yields its pid."""
    process = subprocess.Popen(
        command,
        env={**os.environ, **env},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process.pid
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


Costs = Callable[[], list[tuple[float, str]]]


@contextmanager
def profiled(pid: int, seconds: int, top: int = 12, label: str = "") -> Iterator[Costs]:
    """py-spy samples ``pid`` for ``seconds`` while the block runs; the function yielded then
    gives the shares of samples by where the time went: first by package (billflow's own code by
    module), then the functions with the most time of their own. With ``BENCH_KEEP_PROFILES`` set
    to a folder, the raw stacks are kept there as ``<label or pid>.txt`` (for py-spy's own views)."""
    spy = str(Path(sys.executable).parent / "py-spy")  # installed in the same virtual environment
    with tempfile.TemporaryDirectory() as work:
        raw = Path(work) / "profile.txt"
        process = subprocess.Popen(
            [
                spy,
                "record",
                "--nonblocking",
                "--full-filenames",
                "-r",
                "250",
                "-d",
                str(seconds),
                "-f",
                "raw",
                "-o",
                str(raw),
                "-p",
                str(pid),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shares: list[tuple[float, str]] = []
        yield lambda: shares
        process.wait(timeout=seconds + 30)
        shares.extend(_top_costs(raw.read_text(), top))
        if keep := os.environ.get("BENCH_KEEP_PROFILES"):  # a folder for the raw stacks
            Path(keep).mkdir(parents=True, exist_ok=True)
            (Path(keep) / f"{label or pid}.txt").write_text(raw.read_text())


def _where(frame: str) -> tuple[str, str]:
    """(package, function) of a py-spy frame such as ``get (/x/site-packages/asyncpg/pool.py:12)``."""
    m = re.match(r"(.*) \((.*):\d+\)$", frame)
    if not m:
        return "other", frame
    function, path = m.groups()
    if "/src/billflow/" in path:
        package = "billflow." + path.split("/src/billflow/")[1].removesuffix(".py").replace("/", ".")
    elif "site-packages/" in path:
        package = path.split("site-packages/")[1].split("/")[0]
    elif m := re.search(r"/lib/python3\.\d+/(.*)$", path):
        package = "stdlib " + m[1].split("/")[0].removesuffix(".py")  # asyncio, contextlib, ...
    else:
        package = path
    return package, f"{function} ({package})"


def _top_costs(raw: str, top: int) -> list[tuple[float, str]]:
    by_package: collections.Counter[str] = collections.Counter()
    by_function: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        package, function = _where(stack.split(";")[-1])
        by_package[package] += int(count)
        by_function[function] += int(count)
        total += int(count)
    if not total:
        return []
    return [(100 * n / total, f"package {p}") for p, n in by_package.most_common(top)] + [
        (100 * n / total, f"function {f}") for f, n in by_function.most_common(top)
    ]
