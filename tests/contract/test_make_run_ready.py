"""`make run`'s ``ready`` process waits for addresses that the services really answer."""

from __future__ import annotations

import asyncio
import urllib.request
from contextlib import AsyncExitStack
from pathlib import Path

from billflow.devstack.infra import free_port
from billflow.devstack.stack import health_urls
from billflow.platform.health import serve_health

README = Path(__file__).resolve().parents[2] / "README.md"


def _status(url: str) -> int:
    with urllib.request.urlopen(url, timeout=5) as response:
        return int(response.status)


async def _ready() -> bool:
    return True


async def test_ready_waits_for_the_health_address_a_worker_serves(tmp_path: Path) -> None:
    port = free_port()
    procfile = tmp_path / "Procfile"
    procfile.write_text(f"worker: BILLFLOW_HEALTH_PORT={port} python -m billflow.worker_of_some_kind\n")
    api_url, worker_url = health_urls("8000", procfile)
    assert api_url == "http://127.0.0.1:8000/health"
    async with AsyncExitStack() as stack:
        await serve_health(stack, port, {"database": _ready})
        assert await asyncio.to_thread(_status, worker_url) == 200


def test_ready_waits_for_every_worker_of_the_procfile() -> None:
    urls = health_urls("8000", README.parent / "Procfile")
    assert urls[0] == "http://127.0.0.1:8000/health"
    assert len(urls) == 1 + len({"pdf_worker", "emailer", "extractor", "webhooks", "planner"})
