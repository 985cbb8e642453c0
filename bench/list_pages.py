"""Paginated lists benchmark (issue 17): one uploader with N expenses seeded directly in the
database, then every page of ``GET /v1/expenses`` walked through the API at ``limit=100``; the
first and the last pages' latencies say whether a deep page costs more than the first (keyset
paging: it should not). Then ``POST /v1/expenses/uploads`` (the pre-signed form) timed.

    .venv/bin/python -m bench.list_pages [--expenses N]
"""

from __future__ import annotations

import argparse
import asyncio
import time

import asyncpg

from bench.harness import percentile, running_billflow


async def seed(database_url: str, user_id: str, count: int) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(
            "INSERT INTO expenses (id, user_id, status, file_key, media_type, original_filename,"
            " uploaded_at, updated_at)"
            " SELECT gen_random_uuid(), $1, 'extracted', 'expenses/bench/' || g || '.pdf', 'application/pdf',"
            " 'bench.pdf', now() - (g || ' seconds')::interval, now() FROM generate_series(1, $2) AS g",
            user_id,
            count,
        )
        await conn.execute("ANALYZE expenses")
    finally:
        await conn.close()


async def main(expenses: int) -> None:
    async with running_billflow() as bench:
        me = (await bench.api.get("/v1/me")).json()
        await seed(bench.database_url, me["id"], expenses)
        seconds: list[float] = []
        seen: set[str] = set()
        cursor: str | None = None
        started = time.perf_counter()
        while True:
            params = {"limit": "100", "user_id": me["id"], **({"cursor": cursor} if cursor else {})}
            t0 = time.perf_counter()
            page = (await bench.api.get("/v1/expenses", params=params)).json()
            seconds.append(time.perf_counter() - t0)
            seen.update(e["id"] for e in page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                break
        walked = time.perf_counter() - started
        forms: list[float] = []
        for i in range(100):
            t0 = time.perf_counter()
            started_upload = await bench.api.post(
                "/v1/expenses/uploads",
                json={"filename": f"b{i}.pdf", "content_type": "application/pdf", "size": 5_000_000},
            )
            forms.append(time.perf_counter() - t0)
            assert started_upload.status_code == 201, started_upload.text
    ms = [s * 1000 for s in seconds]
    tenth = max(1, len(ms) // 10)
    print(f"expenses seeded: {expenses}; pages of 100 walked: {len(ms)}; distinct items: {len(seen)}")
    print(f"walk: {walked:.2f} s ({len(ms) / walked:.0f} pages/s); per page p50 {percentile(ms, 50):.1f} ms,")
    print(f"  p99 {percentile(ms, 99):.1f} ms; first tenth p50 {percentile(ms[:tenth], 50):.1f} ms,")
    print(f"  last tenth p50 {percentile(ms[-tenth:], 50):.1f} ms")
    form_ms = [s * 1000 for s in forms]
    p50, p99 = percentile(form_ms, 50), percentile(form_ms, 99)
    print(f"POST /v1/expenses/uploads: p50 {p50:.1f} ms, p99 {p99:.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--expenses", type=int, default=20_000)
    asyncio.run(main(parser.parse_args().expenses))
