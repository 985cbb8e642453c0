"""Every e-invoice case of issue 15 passes the official rules (CEN EN 16931 for CII and UBL, the
CII D16B and UBL 2.1 schemas, and Peppol BIS 3 for Peppol participants), and the writer that
production runs refuses what breaks them, naming the rules."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from functools import partial

import pytest
from lxml import etree

from billflow.domain.einvoice import build_cii, build_ubl, english
from billflow.domain.formatting import format_long_day
from billflow.domain.i18n import locale_of, translator
from billflow.domain.model import CreditNote, Invoice, InvoiceKind, Language
from billflow.domain.ports.documents import EInvoiceRejected
from billflow.platform.einvoice import FacturXEInvoiceWriter
from tests.support.einvoice import check_cii, check_ubl, cii_findings
from tests.support.einvoice_cases import cases

pytestmark = pytest.mark.unit

CASES = cases()
NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


@pytest.fixture(scope="module")
def writer() -> FacturXEInvoiceWriter:
    return FacturXEInvoiceWriter()


def _texts(xml: bytes, path: str) -> list[str]:
    return [str(v) for v in etree.fromstring(xml).xpath(path, namespaces=NS)]


@pytest.mark.parametrize("name", list(CASES))
def test_every_case_passes_the_official_cii_rules(name: str) -> None:
    check_cii(build_cii(CASES[name]))


@pytest.mark.parametrize("name", list(CASES))
def test_every_case_passes_the_official_ubl_rules_and_peppol_ones_for_a_participant(name: str) -> None:
    document = CASES[name]
    check_ubl(build_ubl(document), peppol=document.billed_to.electronic_address is not None)


@pytest.mark.parametrize("name", list(CASES))
def test_the_writer_accepts_every_case_and_says_which_are_peppol(
    name: str, writer: FacturXEInvoiceWriter
) -> None:
    document = CASES[name]
    files = writer.write(document)
    in_english = partial(format_long_day, locale="en_GB")
    assert files.cii == build_cii(document, english, in_english)
    assert files.ubl == build_ubl(document, english, in_english)
    assert files.peppol is (document.billed_to.electronic_address is not None)


def test_a_peppol_ubl_names_the_peppol_customization_and_both_endpoints() -> None:
    ubl = build_ubl(CASES["a Peppol participant"])
    assert _texts(ubl, "/*/cbc:CustomizationID/text()") == [
        "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
    ]
    assert _texts(ubl, "/*/cbc:ProfileID/text()") == ["urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"]
    assert _texts(ubl, "//cbc:EndpointID/@schemeID") == ["0208", "0208"]
    assert _texts(ubl, "/*/cbc:BuyerReference/text()") == ["PO-4711"]
    plain = build_ubl(CASES["one VAT rate"])
    assert _texts(plain, "/*/cbc:CustomizationID/text()") == ["urn:cen.eu:en16931:2017"]
    assert _texts(plain, "/*/cbc:ProfileID/text()") == []


def test_the_cii_says_what_the_invoice_says_to_the_cent() -> None:
    invoice = CASES["two rates"]
    assert isinstance(invoice, Invoice)
    cii = build_cii(invoice)
    line = "//ram:IncludedSupplyChainTradeLineItem"
    assert _texts(cii, f"{line}/ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/@unitCode") == ["HUR"] * 4
    assert _texts(cii, f"{line}[1]/ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/text()") == [
        str(invoice.lines[0].hours)
    ]
    assert _texts(
        cii, f"{line}[1]//ram:BillingSpecifiedPeriod/ram:StartDateTime/udt:DateTimeString/text()"
    ) == ["20261102"]
    assert _texts(cii, f"{line}[1]//ram:LineTotalAmount/text()") == [f"{invoice.lines[0].amount:.2f}"]
    header = "//ram:ApplicableHeaderTradeSettlement"
    assert _texts(cii, f"{header}/ram:ApplicableTradeTax/ram:RateApplicablePercent/text()") == ["6", "21"]
    assert _texts(cii, f"{header}/ram:ApplicableTradeTax/ram:CalculatedAmount/text()") == [
        f"{t.amount:.2f}" for t in invoice.taxes
    ]
    sums = f"{header}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    assert _texts(cii, f"{sums}/ram:GrandTotalAmount/text()") == [f"{invoice.total:.2f}"]
    assert _texts(cii, f"{header}//ram:IBANID/text()") == ["BE68539007547034"]
    assert _texts(cii, f"{header}/ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode/text()") == ["58"]
    assert _texts(cii, f"{header}//ram:DueDateDateTime/udt:DateTimeString/text()") == ["20261231"]


def test_a_partial_credit_note_has_one_positive_line_per_category_and_rate_and_names_its_invoice() -> None:
    note = CASES["partial credit note"]
    assert isinstance(note, CreditNote)
    assert len(note.taxes) == 2
    cii = build_cii(note)
    assert _texts(cii, "//rsm:ExchangedDocument/ram:TypeCode/text()") == ["381"]
    assert _texts(cii, "//ram:SpecifiedTradeProduct/ram:Name/text()") == ["Credit: Hours billed twice"] * 2
    assert _texts(cii, "//ram:BilledQuantity/@unitCode") == ["C62", "C62"]
    assert _texts(cii, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()") == [note.invoice_number]
    assert _texts(cii, "//ram:InvoiceReferencedDocument//qdt:DateTimeString/text()") == ["20261201"]
    assert _texts(cii, "//ram:GrandTotalAmount/text()") == [f"{note.total:.2f}"]
    assert note.total > 0
    ubl = build_ubl(note)
    assert _texts(ubl, "//cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID/text()") == [
        note.invoice_number
    ]
    assert _texts(ubl, "//cac:CreditNoteLine/cbc:CreditedQuantity/text()") == ["1", "1"]


def test_reverse_charge_and_exempt_breakdowns_carry_their_reason_and_vatex_code() -> None:
    ubl = build_ubl(CASES["reverse charge to another EU country"])
    assert _texts(ubl, "//cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode/text()") == [
        "VATEX-EU-AE"
    ]
    assert _texts(ubl, "//cac:AccountingCustomerParty//cac:PartyTaxScheme/cbc:CompanyID/text()") == [
        "DE123456789"
    ]


def test_an_invoice_outside_the_scope_of_vat_names_no_vat_id() -> None:
    cii = build_cii(CASES["outside the scope of VAT"])
    assert _texts(cii, "//ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']/text()") == []
    assert _texts(cii, "//ram:RateApplicablePercent/text()") == []


def test_the_official_rules_do_catch_a_vat_id_without_its_country_prefix() -> None:
    invoice = CASES["one VAT rate"]
    broken = replace(invoice, issuer=replace(invoice.issuer, tax_id="0123456749"))
    assert any(f.startswith("BR-CO-09") for f in cii_findings(build_cii(broken)))


def test_the_writer_refuses_a_document_that_breaks_the_rules_naming_them(
    writer: FacturXEInvoiceWriter,
) -> None:
    invoice = CASES["one VAT rate"]
    broken = replace(invoice, issuer=replace(invoice.issuer, tax_id="0123456749"))
    with pytest.raises(EInvoiceRejected) as refused:
        writer.write(broken)
    assert "BR-CO-09" in refused.value.rule_ids
    assert "BR-CO-09" in str(refused.value)


def test_a_document_whose_totals_do_not_add_up_is_refused(writer: FacturXEInvoiceWriter) -> None:
    invoice = CASES["one VAT rate"]
    assert isinstance(invoice, Invoice)
    with pytest.raises(EInvoiceRejected) as refused:
        writer.write(replace(invoice, total=invoice.total + Decimal("0.01")))
    assert refused.value.rule_ids


def test_an_employee_invoice_is_no_e_invoice(writer: FacturXEInvoiceWriter) -> None:
    invoice = CASES["one VAT rate"]
    assert isinstance(invoice, Invoice)
    with pytest.raises(ValueError, match="client"):
        writer.write(replace(invoice, kind=InvoiceKind.EMPLOYEE))


def test_the_default_settings_describe_a_company_whose_documents_pass_every_rule() -> None:
    from billflow.domain.model import check_company
    from billflow.platform.settings import CompanySettings

    company = CompanySettings().record()
    check_company(company)
    for name in ("two rates", "a Peppol participant", "partial credit note"):
        document = replace(CASES[name], issuer=company.snapshot())
        check_cii(build_cii(document))
        check_ubl(build_ubl(document), peppol=document.billed_to.electronic_address is not None)


@pytest.mark.parametrize(
    ("language", "terms"),
    [
        (Language.EN, "Payment due by 31 December 2026"),
        (Language.DE, "Zahlbar bis zum 31. Dezember 2026"),
        (Language.FR, "À payer au plus tard le 31 décembre 2026"),
        (Language.NL, "Te betalen uiterlijk op 31 december 2026"),
    ],
)
def test_the_payment_terms_write_the_due_date_in_the_readers_language(language: Language, terms: str) -> None:
    invoice = CASES["one VAT rate"]
    assert isinstance(invoice, Invoice)
    assert invoice.due_date.isoformat() == "2026-12-31"
    document = replace(invoice, billed_to=replace(invoice.billed_to, language=language))
    files = FacturXEInvoiceWriter(translator, locale_of).write(document)  # checked against the rules
    assert _texts(files.cii, "//ram:SpecifiedTradePaymentTerms/ram:Description/text()") == [terms]
    assert _texts(files.ubl, "//cac:PaymentTerms/cbc:Note/text()") == [terms]
