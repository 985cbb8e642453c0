"""API load: wrk (a separate process) against the running API at rising connection counts; in
the same run, two baselines for the same read as ``GET /v1/invoices/{id}``: a minimal Litestar +
msgspec + asyncpg app with no authentication (bench/minimal_api.py, served the same way), and the
bare query through an asyncpg pool with no HTTP. The workers are stopped first: this measures the
API and PostgreSQL alone. With ``--profile``, py-spy samples the API during one more GET run and
the functions it spends the most time in are printed.

    .venv/bin/python -m bench.api_load [--seconds 5] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import asyncpg

from bench.harness import cpu_seconds, profiled, running_billflow, server_process
from billflow.devstack.infra import free_port
from billflow.platform.postgres.uow import AsyncpgUnitOfWorkFactory

POST_SCRIPT = """
-- Every request invoices a different (employee, day): threads interleave by their id.
local made = 0
function setup(thread)
  thread:set("id", made)
  made = made + 1
end
employees = {%s}
offset = %d
counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  local n = offset + counter * 2 + id
  local e = employees[(n %% #employees) + 1]
  local day = math.floor(n / #employees) %% 365
  local d = os.date("!%%Y-%%m-%%d", 1924992000 + day * 86400)
  return wrk.format(nil, "/v1/invoices", nil,
    '{"employee_id":"' .. e .. '","period_start":"' .. d .. '","period_end":"' .. d .. '"}')
end
response = function(status, headers, body)
  if status >= 300 and not shown then
    shown = true
    io.stderr:write(status .. " " .. body .. "\\n")
  end
end
"""


def wrk(url: str, token: str, connections: int, seconds: int, script: Path | None = None) -> dict[str, float]:
    args = [
        "wrk",
        "-t",
        str(min(2, connections)),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--latency",
        "-H",
        f"Authorization: Bearer {token}",
    ]
    if script:
        args += ["-s", str(script)]
    done = subprocess.run([*args, url], capture_output=True, text=True, check=True)
    out = done.stdout
    if done.stderr.strip():
        print(f"    first failure: {done.stderr.strip().splitlines()[0][:200]}")

    def found(pattern: str) -> str:
        m = re.search(pattern, out)
        assert m, out
        return m[1]

    def latency(label: str) -> float:
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", out, re.MULTILINE)
        assert m, out
        return float(m[1]) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m[2]]

    rps = float(found(r"Requests/sec:\s+([\d.]+)"))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": int(non_2xx[1]) if non_2xx else 0,
        "requests": int(found(r"(\d+) requests in")),
    }


def row(label: str, conns: int, r: dict[str, float]) -> str:
    cpu = f"{r['cpu_us']:>9.0f}" if "cpu_us" in r else f"{'':>9}"
    return (
        f"  {label:<34} {conns:>5} {r['rps']:>9.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['errors']:>8.0f}"
        f" {cpu}"
    )


def measured(
    pid: int, url: str, token: str, conns: int, seconds: int, script: Path | None = None
) -> dict[str, float]:
    """wrk's figures, and the server process's CPU microseconds per request during the run."""
    before = cpu_seconds(pid)
    r = wrk(url, token, conns, seconds, script)
    r["cpu_us"] = (cpu_seconds(pid) - before) / max(r["requests"], 1) * 1e6
    return r


@contextmanager
def minimal_app(database_url: str) -> Iterator[tuple[str, int]]:
    """bench/minimal_api.py under uvicorn, configured as billflow.api serves the API."""
    port = free_port()
    code = (
        "import uvicorn; from billflow.api.main import SERVER_HTTP, SERVER_LOOP; "
        f"uvicorn.run('bench.minimal_api:app', factory=True, port={port}, loop=SERVER_LOOP, "
        "http=SERVER_HTTP, access_log=False, log_level='warning')"
    )
    with server_process([sys.executable, "-c", code], {"DATABASE_URL": database_url}) as pid:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/invoices/none", timeout=1)
            except urllib.error.HTTPError:
                break  # it answers (404)
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield url, pid


async def bare_asyncpg(database_url: str, invoice_id: str, concurrency: int, seconds: float) -> float:
    """The repository reads behind GET /v1/invoices/{id}, with no HTTP, auth or JSON."""
    pool = await asyncpg.create_pool(database_url, min_size=concurrency, max_size=concurrency)
    assert pool is not None
    uow = AsyncpgUnitOfWorkFactory(pool)
    done = 0
    stop = time.perf_counter() + seconds

    async def loop() -> None:
        nonlocal done
        while time.perf_counter() < stop:
            async with uow() as u:
                await u.invoices.get(invoice_id)
            done += 1

    await asyncio.gather(*(loop() for _ in range(concurrency)))
    await pool.close()
    return done / seconds


async def main(seconds: int, profile: bool) -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian package `wrk`)")
    async with running_billflow() as bench:
        api = bench.api
        bench.system.stop("pdf-worker")
        bench.system.stop("emailer")
        department = (await api.post("/v1/departments", json={"name": "Load"})).json()["id"]
        project = (await api.post("/v1/projects", json={"name": "Load"})).json()["id"]
        employees = []
        for i in range(26):  # 2 to read, 24 x 365 days to invoice one day at a time
            e = (
                await api.post(
                    "/v1/employees",
                    json={
                        "full_name": f"Load {i}",
                        "email": f"load-{i}-{uuid.uuid4().hex[:6]}@example.com",
                        "department_id": department,
                        "project_id": project,
                        "hourly_rate": "80",
                        "currency": "EUR",
                    },
                )
            ).json()
            first = date(2031, 1, 1)
            await api.put(
                f"/v1/employees/{e['id']}/workdays",
                json={
                    "workdays": [
                        {"date": (first + timedelta(days=d)).isoformat(), "hours": "8"} for d in range(365)
                    ]
                },
            )
            employees.append(e["id"])
        seed = (
            await api.post(
                "/v1/invoices",
                json={"employee_id": employees[0], "period_start": "2030-12-31", "period_end": "2031-01-01"},
            )
        ).json()
        for _ in range(60):  # a page of 50 to list
            await api.post(
                "/v1/invoices",
                json={
                    "employee_id": employees[1],
                    "period_start": f"2031-0{1 + _ // 28}-{1 + _ % 28:02d}",
                    "period_end": f"2031-0{1 + _ // 28}-{1 + _ % 28:02d}",
                },
            )
        token = api.headers["Authorization"].split()[1]
        base = bench.system.api_url
        pid = bench.system.processes["api"].pid
        one = f"/v1/invoices/{seed['id']}"
        print(
            f"API load: wrk, {seconds} s per level;"
            " the API process alone (uvicorn, one process) and PostgreSQL"
        )
        print(
            f"  {'endpoint':<34} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}"
            f" {'CPU us/req':>9}"
        )
        results: dict[tuple[str, int], dict[str, float]] = {}
        for label, path in [
            ("GET /v1/invoices/{id}", one),
            ("GET /v1/invoices?limit=50", "/v1/invoices?limit=50"),
        ]:
            for conns in (1, 4, 16):
                results[label, conns] = r = measured(pid, base + path, token, conns, seconds)
                print(row(label, conns, r))
        sent = 0
        for conns in (1, 4, 16):
            with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
                f.write(POST_SCRIPT % (",".join(f'"{e}"' for e in employees[2:]), sent + 2))
            r = measured(pid, base + "/v1/invoices", token, conns, seconds, Path(f.name))
            sent += int(r["requests"]) * 2 + 4
            print(row("POST /v1/invoices", conns, r))
        if profile:
            with profiled(pid, seconds) as top:
                wrk(base + one, token, 16, seconds)
            print("  py-spy, the API during GET /v1/invoices/{id} at 16 connections: where the time goes")
            for share, where in top():
                print(f"    {share:5.1f} %  {where}")
        bench.system.stop("api")  # the baselines get the machine to themselves, as the API did
        with minimal_app(bench.database_url) as (url, minimal_pid):
            print("  baseline: a minimal Litestar + msgspec + asyncpg app, the same read, no auth")
            for conns in (1, 16):
                r = measured(minimal_pid, f"{url}/invoices/{seed['id']}", token, conns, seconds)
                results["minimal", conns] = r
                print(row("GET /invoices/{id} (minimal app)", conns, r))
        baseline = await bare_asyncpg(bench.database_url, seed["id"], 16, seconds)
        print(f"  baseline: bare asyncpg, the same read with no HTTP, 16 tasks: {baseline:.0f} reads/s")
        api16, minimal16 = results["GET /v1/invoices/{id}", 16], results["minimal", 16]
        print(
            f"  GET /v1/invoices/{{id}} at 16 connections: {api16['rps']:.0f} req/s,"
            f" p99 {api16['p99']:.1f} ms;"
            f" {api16['rps'] / minimal16['rps']:.2f} x the minimal app's {minimal16['rps']:.0f} req/s"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="sample the API with py-spy (one more run)")
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.profile))
