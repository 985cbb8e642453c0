"""Chromium's PDF made a Factur-X PDF/A-3b file, for real (Chromium, factur-x, pikepdf): what can be
checked without a full PDF/A validator (docs/decisions/0025-factur-x-pdfa.md)."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import date
from decimal import Decimal

import pikepdf
import pytest
from facturx import get_xml_from_pdf
from PIL import ImageCms
from pypdf import PdfReader

from billflow.domain.model import (
    Address,
    BilledTo,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Issuer,
    Language,
    TaxRow,
)
from billflow.pdf_worker.facturx_pdf import OUTPUT_CONDITION, FacturXPdfBinder, srgb_profile
from billflow.pdf_worker.renderer import PlaywrightPdfRenderer, find_chromium

pytestmark = pytest.mark.integration

# A CII header is all the binder reads (it never validates: the EInvoiceWriter did).
CII = b"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
 <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>
  <ram:ID>urn:cen.eu:en16931:2017</ram:ID>
 </ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
 <rsm:ExchangedDocument><ram:ID>INV-2026-000043</ram:ID><ram:TypeCode>380</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">20261122</udt:DateTimeString></ram:IssueDateTime>
 </rsm:ExchangedDocument>
</rsm:CrossIndustryInvoice>
"""


def client_invoice() -> Invoice:
    return Invoice(
        id="7052bd8e-a7d0-4f1c-956b-5b8ed3e9bf52",
        number="INV-2026-000043",
        status=InvoiceStatus.PENDING,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        issue_date=date(2026, 11, 22),
        due_date=date(2026, 12, 6),
        currency="EUR",
        lines=(
            InvoiceLine(
                None,
                Decimal("6"),
                Decimal("100"),
                Decimal("600.00"),
                project_id="p",
                project_name="Web shop",
                employee_id="e",
                employee_name="Ada",
                tax_rate=Decimal("21"),
            ),
        ),
        subtotal=Decimal("600.00"),
        tax_rate=Decimal("21"),
        tax=Decimal("126.00"),
        total=Decimal("726.00"),
        issuer=Issuer("Acme Consulting BV", "Kerkstraat 1\n1000 Brussel", "BE0999999999"),
        billed_to=BilledTo(
            "Globex SA",
            "ap@globex.example",
            Address("Rue Haute 1", "Bruxelles", "1000", "BE"),
            "BE0123456749",
            Language.FR,
        ),
        kind=InvoiceKind.CLIENT,
        client_id="55555555-5555-4555-8555-555555555555",
        taxes=(TaxRow(Decimal("21"), Decimal("600.00"), Decimal("126.00")),),
    )


PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
FX = "{urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#}"


@pytest.fixture(scope="module")
async def facturx() -> AsyncIterator[bytes]:
    async with AsyncExitStack() as stack:
        renderer = PlaywrightPdfRenderer(find_chromium(None), timeout_seconds=30)
        await renderer.start(stack)
        pdf = await renderer.render(client_invoice())
        yield FacturXPdfBinder().bind(pdf, CII, client_invoice())


def test_the_embedded_factur_x_xml_reads_back_byte_for_byte(facturx: bytes) -> None:
    filename, xml = get_xml_from_pdf(facturx, check_xsd=False)
    assert filename == "factur-x.xml"
    assert xml == CII


def test_the_xml_is_the_documents_associated_file_as_its_alternative(facturx: bytes) -> None:
    with pikepdf.open(io.BytesIO(facturx)) as pdf:
        [spec] = list(pdf.Root.AF)
        assert str(spec.F) == "factur-x.xml"
        assert spec.AFRelationship == pikepdf.Name.Alternative
        assert spec.EF.F.Subtype == pikepdf.Name("/text/xml")


def test_the_xmp_identifies_pdf_a_3b_and_the_factur_x_en16931_profile(facturx: bytes) -> None:
    with pikepdf.open(io.BytesIO(facturx)) as pdf:
        xmp = pdf.open_metadata()
        assert xmp[f"{PDFAID}part"] == "3"
        assert xmp[f"{PDFAID}conformance"] == "B"
        assert xmp[f"{FX}DocumentFileName"] == "factur-x.xml"
        assert xmp[f"{FX}ConformanceLevel"] == "EN 16931"
        assert xmp[f"{FX}DocumentType"] == "INVOICE"
        assert "INV-2026-000043" in str(xmp["dc:title"])
        # PDF/A: the Info dictionary says what the XMP says.
        assert str(pdf.docinfo["/Title"]) == str(xmp["dc:title"])
        assert str(pdf.docinfo["/Producer"]) == xmp["pdf:Producer"]


def test_an_srgb_output_intent_and_a_document_id_are_there(facturx: bytes) -> None:
    with pikepdf.open(io.BytesIO(facturx)) as pdf:
        [intent] = list(pdf.Root.OutputIntents)
        assert intent.S == pikepdf.Name.GTS_PDFA1
        assert str(intent.OutputConditionIdentifier) == OUTPUT_CONDITION
        profile = intent.DestOutputProfile
        assert profile.N == 3
        assert profile.read_bytes() == srgb_profile()
        assert len(pdf.trailer.ID) == 2
    assert facturx.startswith(b"%PDF-1.7")
    description = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(srgb_profile())))
    assert "sRGB" in description


def test_every_font_stays_embedded_and_the_pages_still_read(facturx: bytes) -> None:
    assert "INV-2026-000043" in PdfReader(io.BytesIO(facturx)).pages[0].extract_text()
    with pikepdf.open(io.BytesIO(facturx)) as pdf:
        fonts = [font for page in pdf.pages for font in page.Resources.Font.values()]
        assert fonts
        for font in fonts:
            described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = described.FontDescriptor
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
