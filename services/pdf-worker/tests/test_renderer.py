"""The Chromium renderer for real: the PDF it makes, and what it refuses to do."""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from dataclasses import replace
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pypdf import PdfReader

from billflow.domain.model import (
    Address,
    BilledTo,
    CreditNote,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Issuer,
    Language,
    TaxCategory,
    TaxRow,
    TimesheetEntry,
)
from billflow.pdf_worker.renderer import PlaywrightPdfRenderer, find_chromium

pytestmark = pytest.mark.integration


def invoice(name: str = "Ada Lovelace", description: str = "Design review") -> Invoice:
    return Invoice(
        id="6052bd8e-a7d0-4f1c-956b-5b8ed3e9bf51",
        number="INV-2026-000042",
        status=InvoiceStatus.PENDING,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        issue_date=date(2026, 11, 22),
        due_date=date(2026, 12, 22),
        currency="EUR",
        lines=(
            InvoiceLine(
                date(2026, 10, 1), Decimal("8.00"), Decimal("1250.00"), Decimal("10000.00"), description
            ),
            InvoiceLine(date(2026, 10, 2), Decimal("7.50"), Decimal("1250.00"), Decimal("9375.00")),
        ),
        subtotal=Decimal("19375.00"),
        tax_rate=Decimal("21"),
        tax=Decimal("4068.75"),
        total=Decimal("23443.75"),
        issuer=Issuer("Acme Consulting BV", "Kerkstraat 1\n1000 Brussel", "BE0999999999"),
        billed_to=BilledTo(name, "ada@example.com"),
        employee_id="e1",
    )


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
async def renderer() -> AsyncIterator[PlaywrightPdfRenderer]:
    async with AsyncExitStack() as stack:
        r = PlaywrightPdfRenderer(find_chromium(None), timeout_seconds=30)
        await r.start(stack)
        yield r


class _Spy(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        _Spy.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"x")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def spy_server() -> Iterator[str]:
    _Spy.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Spy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


async def test_the_pdf_is_a4_and_shows_number_parties_lines_and_totals(
    renderer: PlaywrightPdfRenderer,
) -> None:
    pdf = await renderer.render(invoice())
    assert pdf.startswith(b"%PDF-")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    width_mm, height_mm = (float(v) * 25.4 / 72 for v in (page.mediabox.width, page.mediabox.height))
    assert (round(width_mm), round(height_mm)) == (210, 297)
    text = text_of(pdf)
    for expected in (
        "INV-2026-000042",
        "Acme Consulting BV",
        "BE0999999999",
        "Ada Lovelace",
        "Design review",
        "€10,000.00",
        "€4,068.75",
        "€23,443.75",
        "22 December 2026",
    ):
        assert expected in text


async def test_markup_in_names_prints_as_text_and_fetches_nothing(
    renderer: PlaywrightPdfRenderer, spy_server: str
) -> None:
    hostile = f'<img src="{spy_server}/img.png"><script>document.write("pwned")</script>'
    styled = f'<link rel="stylesheet" href="{spy_server}/x.css"><iframe src="{spy_server}/frame"></iframe>'
    pdf = await renderer.render(invoice(name=hostile, description=styled))
    await asyncio.sleep(0.5)
    assert _Spy.hits == []
    text = text_of(pdf)
    assert "<script>" in text
    assert "pwned" not in text.replace('document.write("pwned")', "")
    assert "<iframe" in text


async def test_pooled_pages_print_each_invoice_alone_even_rendering_at_once(
    renderer: PlaywrightPdfRenderer,
) -> None:
    """Pages are reused across renders: nothing of one invoice may show on the next one's PDF."""
    names = [f"Person Number{i:02d}" for i in range(12)]
    pdfs = await asyncio.gather(*(renderer.render(invoice(name=n)) for n in names[:4]))
    for n in names[4:]:
        pdfs.append(await renderer.render(invoice(name=n)))
    for name, pdf in zip(names, pdfs, strict=True):
        text = text_of(pdf)
        assert [n for n in names if n in text] == [name]


async def test_a_dead_browser_is_relaunched(renderer: PlaywrightPdfRenderer) -> None:
    assert renderer.ready
    browser = renderer._browser
    assert browser is not None
    await browser.close()  # simulate a crash
    assert not renderer.ready
    pdf = await renderer.render(invoice())
    assert renderer.ready
    assert "INV-2026-000042" in text_of(pdf)


def client_invoice() -> Invoice:
    web, books = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
    ada, _bob = "33333333-3333-4333-8333-333333333333", "44444444-4444-4444-8444-444444444444"
    lines = (
        InvoiceLine(
            None,
            Decimal("3.75"),
            Decimal("120"),
            Decimal("450.00"),
            None,
            books,
            "Books",
            ada,
            "Ada",
            Decimal("6"),
        ),
        InvoiceLine(
            None,
            Decimal("6"),
            Decimal("100"),
            Decimal("600.00"),
            None,
            web,
            "Web shop",
            ada,
            "Ada",
            Decimal("21"),
        ),
    )
    return Invoice(
        id="7052bd8e-a7d0-4f1c-956b-5b8ed3e9bf52",
        number="INV-2026-000043",
        status=InvoiceStatus.PENDING,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        issue_date=date(2026, 11, 22),
        due_date=date(2026, 12, 6),
        currency="EUR",
        lines=lines,
        subtotal=Decimal("1050.00"),
        tax_rate=None,
        tax=Decimal("153.00"),
        total=Decimal("1203.00"),
        issuer=Issuer("Acme Consulting BV", "Kerkstraat 1\n1000 Brussel", "BE0999999999"),
        billed_to=BilledTo(
            "Globex SA",
            "ap@globex.example",
            Address("Rue Haute 1", "Bruxelles", "1000", "BE"),
            "BE0123456749",
        ),
        kind=InvoiceKind.CLIENT,
        client_id="55555555-5555-4555-8555-555555555555",
        taxes=(
            TaxRow(Decimal("6"), Decimal("450.00"), Decimal("27.00")),
            TaxRow(Decimal("21"), Decimal("600.00"), Decimal("126.00")),
        ),
        entries=(
            TimesheetEntry(0, date(2026, 10, 1), ada, "Ada", books, "Books", Decimal("2.50"), "VAT return"),
            TimesheetEntry(
                1, date(2026, 10, 1), ada, "Ada", web, "Web shop", Decimal("6.00"), "Checkout API"
            ),
            TimesheetEntry(0, date(2026, 10, 2), ada, "Ada", books, "Books", Decimal("1.25")),
        ),
    )


async def test_a_client_invoice_shows_each_category_and_its_exemption_reason(
    renderer: PlaywrightPdfRenderer,
) -> None:
    invoice = client_invoice()
    exempt = TaxRow(
        Decimal("0"),
        Decimal("450.00"),
        Decimal("0.00"),
        TaxCategory.EXEMPT,
        "Exempt: education",
        "VATEX-EU-132-1I",
    )
    text = text_of(await renderer.render(replace(invoice, taxes=(exempt, invoice.taxes[1]))))
    assert "VAT 0 % on €450.00 (E)" in text
    assert "Exempt: education" in text
    assert "(VATEX-EU-132-1I)" in text
    assert "VAT 21 % on €600.00 (S)" in text


async def test_a_client_invoice_shows_the_client_the_lines_by_project_the_taxes_and_the_timesheet(
    renderer: PlaywrightPdfRenderer,
) -> None:
    pdf = await renderer.render(client_invoice())
    reader = PdfReader(io.BytesIO(pdf))
    text = text_of(pdf)

    assert len(reader.pages) == 2  # the timesheet starts a page of its own
    for expected in ("Globex SA", "Rue Haute 1", "1000 Bruxelles", "Belgium", "VAT ID: BE0123456749"):
        assert expected in text
    assert "Books" in text
    assert "Web shop" in text
    assert "VAT 6 % on €450.00" in text
    assert "VAT 21 % on €600.00" in text
    assert "€1,203.00" in text
    timesheet = reader.pages[1].extract_text()
    assert "(S)" in text
    assert "Timesheet" in timesheet
    for expected in ("1 Oct 2026", "2 Oct 2026", "VAT return", "Checkout API", "2.5", "1.25"):
        assert expected in timesheet


async def test_a_credit_note_says_so_names_the_invoice_it_corrects_its_date_and_the_reason(
    renderer: PlaywrightPdfRenderer,
) -> None:
    base = client_invoice()
    note = CreditNote(
        id="c1",
        number="CN-2026-000007",
        status=InvoiceStatus.PENDING,
        invoice_id=base.id,
        invoice_number=base.number,
        invoice_issue_date=base.issue_date,
        invoice_kind=base.kind,
        reason="Hours billed twice <b>by mistake</b>",
        issue_date=date(2026, 11, 20),
        currency=base.currency,
        subtotal=Decimal("100.00"),
        taxes=(TaxRow(Decimal(6), Decimal("100.00"), Decimal("6.00")),),
        tax=Decimal("6.00"),
        total=Decimal("106.00"),
        full=False,
        issuer=base.issuer,
        billed_to=base.billed_to,
    )
    text = text_of(await renderer.render_credit_note(note))
    assert "CREDIT NOTE" in text
    assert "CN-2026-000007" in text
    assert base.number in text
    assert base.issue_date.strftime("%B") in text
    assert "Hours billed twice <b>by mistake</b>" in text
    assert "€106.00" in text


async def test_the_seller_s_country_is_printed_by_name_in_the_document_s_language(
    renderer: PlaywrightPdfRenderer,
) -> None:
    base = client_invoice()
    issuer = replace(
        base.issuer,
        address="Kerkstraat 1\n1000 Brussel\nBE",
        postal_address=Address("Kerkstraat 1", "Brussel", "1000", "BE"),
    )
    french = replace(base, issuer=issuer, billed_to=replace(base.billed_to, language=Language.FR))
    note = CreditNote(
        id="c2", number="CN-2026-000008", status=InvoiceStatus.PENDING, invoice_id=french.id,
        invoice_number=french.number, invoice_issue_date=french.issue_date, invoice_kind=french.kind,
        reason="Double", issue_date=date(2026, 11, 20), currency="EUR", subtotal=Decimal("100.00"),
        taxes=(TaxRow(Decimal(6), Decimal("100.00"), Decimal("6.00")),), tax=Decimal("6.00"),
        total=Decimal("106.00"), full=False, issuer=issuer, billed_to=french.billed_to,
    )  # fmt: skip
    for text in (
        text_of(await renderer.render(french)),
        text_of(await renderer.render_credit_note(note)),
    ):
        header = text.split("Globex SA")[0]  # the seller's block, before the buyer's
        assert "1000 Brussel" in header
        assert "Belgique" in header
        assert "BE\n" not in header
    english = text_of(await renderer.render(replace(base, issuer=issuer)))
    assert "Belgium" in english.split("Globex SA")[0]
