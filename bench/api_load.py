"""API load: wrk (a separate process) against the running API at rising connection counts, and,
in the same run, the same reads through a bare asyncpg pool with no HTTP, so the API's own
overhead shows. The workers are stopped first: this measures the API and PostgreSQL alone.

    .venv/bin/python -m bench.api_load [--seconds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import asyncpg

from bench.harness import running_billflow
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

    def latency(label: str) -> float:
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", out, re.MULTILINE)
        assert m, out
        return float(m[1]) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m[2]]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": int(non_2xx[1]) if non_2xx else 0,
        "requests": int(re.search(r"(\d+) requests in", out)[1]),  # type: ignore[index]
    }


def row(label: str, conns: int, r: dict[str, float]) -> str:
    return f"  {label:<34} {conns:>5} {r['rps']:>9.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['errors']:>8.0f}"


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


async def main(seconds: int) -> None:
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
        print(
            f"API load: wrk, {seconds} s per level; the API process alone (one uvicorn worker) and PostgreSQL"
        )
        print(f"  {'endpoint':<34} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
        for label, path in [
            ("GET /v1/invoices/{id}", f"/v1/invoices/{seed['id']}"),
            ("GET /v1/invoices?limit=50", "/v1/invoices?limit=50"),
        ]:
            for conns in (1, 4, 16):
                r = wrk(base + path, token, conns, seconds)
                print(row(label, conns, r))
        sent = 0
        for conns in (1, 4, 16):
            with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
                f.write(POST_SCRIPT % (",".join(f'"{e}"' for e in employees[2:]), sent + 2))
            r = wrk(base + "/v1/invoices", token, conns, seconds, Path(f.name))
            sent += int(r["requests"]) * 2 + 4
            print(row("POST /v1/invoices", conns, r))
        baseline = await bare_asyncpg(bench.database_url, seed["id"], 16, seconds)
        print(f"  bare asyncpg, the same reads as GET /v1/invoices/{{id}}, 16 tasks: {baseline:.0f} reads/s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=5)
    asyncio.run(main(parser.parse_args().seconds))
