"""What people really upload, end to end (issue 18): phone formats, the same file twice, the same
invoice in another file, and a vendor Billflow learns from one correction.

Through the running API, S3 in LocalStack and the extractor with real Tesseract; each test has its
own uploader, and the vendor-memory test its own vendor, so the company-wide memory it teaches
names nobody else's expenses.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.support.documents import invoice_png
from tests.support.expenses import harbour_png, upload, wait_read
from tests.support.pages import every_item
from tests.support.system import RunningSystem
from tests.support.users import client_as, create_user

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("image_format", "media_type"), [("HEIF", "image/heic"), ("WEBP", "image/webp")])
async def test_heic_and_webp_photos_are_accepted_by_their_content_and_read(
    system: RunningSystem, api: httpx.AsyncClient, image_format: str, media_type: str
) -> None:
    who = await create_user(api, "viewer")
    async with client_as(system.api_url, who) as client:
        accepted = await upload(client, harbour_png("HC-2026-0401", image_format), "IMG_0001.jpg")
        assert accepted.status_code == 202, accepted.text
        assert accepted.json()["media_type"] == media_type
        expense = await wait_read(client, accepted.json()["id"])
        assert expense["status"] == "extracted", expense
        assert (expense["invoice_number"], expense["currency"]) == ("HC-2026-0401", "EUR")
        assert Decimal(expense["total"]) == Decimal("1230")
        link = (await client.get(f"/v1/expenses/{expense['id']}/file")).json()
        assert f"{expense['id']}.{'heic' if image_format == 'HEIF' else 'webp'}" in link["url"]


async def test_the_same_file_twice_is_one_expense_and_the_same_invoice_in_another_file_is_flagged(
    system: RunningSystem, api: httpx.AsyncClient
) -> None:
    who = await create_user(api, "viewer")
    png = harbour_png("HC-2026-0501")
    async with client_as(system.api_url, who) as client:
        first = await upload(client, png, "invoice.png")
        assert first.status_code == 202, first.text
        again = await upload(client, png, "invoice (1).png")
        assert again.status_code == 200, again.text
        assert again.json()["id"] == first.json()["id"]
        original = await wait_read(client, first.json()["id"])
        assert (original["status"], original.get("possible_duplicate_of")) == ("extracted", None)

        webp = await upload(client, harbour_png("HC-2026-0501", "WEBP"), "photo.webp")
        assert webp.status_code == 202, webp.text
        copy = await wait_read(client, webp.json()["id"])
        assert copy["status"] == "needs_review", copy
        assert copy["possible_duplicate_of"] == original["id"]

        listed = (await client.get("/v1/expenses")).json()["items"]
        assert sorted(e["id"] for e in listed) == sorted([original["id"], copy["id"]])

        kept = await client.patch(f"/v1/expenses/{copy['id']}", json={"possible_duplicate_of": None})
        assert kept.status_code == 200, kept.text
        assert (kept.json()["status"], kept.json().get("possible_duplicate_of")) == ("confirmed", None)


def _kestrel(number: str, total: str) -> bytes:
    return invoice_png(
        vendor="Kestrel Marine Supplies Ltd",
        number=number,
        issued="02/03/2026",
        currency="EUR",
        subtotal=total,
        tax="0.00",
        total=total,
    )


async def _uploaded(client: httpx.AsyncClient, content: bytes) -> dict[str, Any]:
    accepted = await upload(client, content, "receipt.png")
    assert accepted.status_code == 202, accepted.text
    return await wait_read(client, accepted.json()["id"])


async def test_a_vendor_corrected_once_names_the_next_upload_from_that_vendor(
    system: RunningSystem, api: httpx.AsyncClient
) -> None:
    who = await create_user(api, "viewer")
    async with client_as(system.api_url, who) as client:
        first = await wait_read(
            client, (await upload(client, _kestrel("KM-1", "80.00"), "a.png")).json()["id"]
        )
        assert first["vendor"] == "Kestrel Marine Supplies Ltd", first
        corrected = await client.patch(f"/v1/expenses/{first['id']}", json={"vendor": "Kestrel Marine"})
        assert corrected.status_code == 200, corrected.text

        known = await every_item(client, "/v1/vendors")
        [kestrel] = [v for v in known if v["name"] == "Kestrel Marine"]
        assert "kestrel marine supplies" in kestrel["variants"]
        assert kestrel["corrections"] >= 1

        second = await wait_read(
            client, (await upload(client, _kestrel("KM-2", "95.00"), "b.png")).json()["id"]
        )
        assert second["vendor"] == "Kestrel Marine", second
        assert second["confidence"]["vendor"] >= 0.95
        assert second["invoice_number"] == "KM-2"
