"""Uploading expenses through the API and waiting for them to be read, for the e2e tests."""

from __future__ import annotations

import asyncio
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.documents import invoice_png
from tests.support.users import Account

CORPUS = Path(__file__).parents[3] / "shared" / "corpus" / "invoice2data"
READ = {"extracted", "needs_review", "failed"}


def harbour_png(number: str = "HC-2026-0042", image_format: str = "PNG") -> bytes:
    """Harbour's invoice: each ``number`` is another invoice (the same one twice is a duplicate)."""
    return invoice_png(
        vendor="Harbour Consulting Ltd",
        number=number,
        image_format=image_format,
        issued="14/03/2026",
        currency="EUR",
        subtotal="1,000.00",
        tax="230.00",
        total="1,230.00",
    )


def padded_png(png: bytes, size: int) -> bytes:
    """``png`` grown to ``size`` bytes by a private ancillary chunk after IHDR (readers skip it):
    a real image bigger than the API's own upload limit."""
    ihdr_end = 8 + 4 + 4 + 13 + 4  # signature, then IHDR: length, type, 13 bytes of data, CRC
    data = b"\0" * (size - len(png) - 12)
    chunk = len(data).to_bytes(4, "big") + b"prVt" + data + zlib.crc32(b"prVt" + data).to_bytes(4, "big")
    return png[:ihdr_end] + chunk + png[ihdr_end:]


def small_usd_png() -> bytes:
    """A rendered USD receipt: a second currency for the statements, without needing the corpus."""
    return invoice_png(
        vendor="Northwind Cloud Inc",
        number="NW-7781",
        issued="03/05/2026",
        currency="USD",
        subtotal="4.11",
        tax="0.00",
        total="4.11",
    )


def aws_pdf() -> bytes:
    path = CORPUS / "AmazonWebServices.pdf"
    if not path.exists():
        pytest.skip("the shared invoice corpus is not here")
    return path.read_bytes()


async def upload(
    client: httpx.AsyncClient, content: bytes, filename: str, note: str | None = None
) -> httpx.Response:
    data = {"note": note} if note else None
    return await client.post(
        "/v1/expenses", files={"file": (filename, content, "application/octet-stream")}, data=data
    )


async def wait_read(client: httpx.AsyncClient, expense_id: str, within: float = 45) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while True:
        expense: dict[str, Any] = (await client.get(f"/v1/expenses/{expense_id}")).json()
        if expense["status"] in READ:
            return expense
        if time.monotonic() > deadline:
            raise TimeoutError(f"expense {expense_id} still {expense['status']} after {within}s")
        await asyncio.sleep(0.2)


@dataclass
class ScheduledStatements:
    month: str
    carol: Account
    dave: Account
    rule: str
    events: Any
    created: float
