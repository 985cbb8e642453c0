"""UN/CEFACT Cross Industry Invoice D16B, Factur-X EN 16931 profile (``urn:cen.eu:en16931:2017``)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from billflow.domain.einvoice.document import (
    SEPA_CREDIT_TRANSFER,
    EDocument,
    Party,
    Translate,
    WriteDay,
    amount,
    english,
    number,
    view_of,
)
from billflow.domain.einvoice.xml import Tree
from billflow.domain.model import CreditNote, Invoice, TaxCategory

EN16931 = "urn:cen.eu:en16931:2017"
_T = Tree(
    {
        "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
        "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
        "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
        "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    }
)


def build_cii(
    document: Invoice | CreditNote, gettext: Translate = english, write_day: WriteDay = date.isoformat
) -> bytes:
    """The Factur-X XML (``factur-x.xml``) of a client invoice or credit note."""
    return cii_of(view_of(document, gettext, write_day))


def cii_of(d: EDocument) -> bytes:
    root = _T.root("rsm:CrossIndustryInvoice")
    context = _T.sub(root, "rsm:ExchangedDocumentContext")
    _T.text(_T.sub(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", EN16931)
    header = _T.sub(root, "rsm:ExchangedDocument")
    _T.text(header, "ram:ID", d.number)
    _T.text(header, "ram:TypeCode", d.type_code)
    _date(_T.sub(header, "ram:IssueDateTime"), d.issue_date)
    if d.note:
        _T.text(_T.sub(header, "ram:IncludedNote"), "ram:Content", d.note)
    trade = _T.sub(root, "rsm:SupplyChainTradeTransaction")
    for line in d.lines:
        item = _T.sub(trade, "ram:IncludedSupplyChainTradeLineItem")
        _T.text(_T.sub(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", line.id)
        _T.text(_T.sub(item, "ram:SpecifiedTradeProduct"), "ram:Name", line.name)
        price = _T.sub(_T.sub(item, "ram:SpecifiedLineTradeAgreement"), "ram:NetPriceProductTradePrice")
        _T.text(price, "ram:ChargeAmount", number(line.price))
        _T.text(
            _T.sub(item, "ram:SpecifiedLineTradeDelivery"),
            "ram:BilledQuantity",
            number(line.quantity),
            unitCode=line.unit,
        )
        settlement = _T.sub(item, "ram:SpecifiedLineTradeSettlement")
        tax = _T.sub(settlement, "ram:ApplicableTradeTax")
        _T.text(tax, "ram:TypeCode", "VAT")
        _T.text(tax, "ram:CategoryCode", line.category.value)
        if line.category is not TaxCategory.OUTSIDE_SCOPE:
            _T.text(tax, "ram:RateApplicablePercent", number(line.rate))
        if line.period is not None:
            _period(settlement, line.period)
        _T.text(
            _T.sub(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"),
            "ram:LineTotalAmount",
            amount(line.amount),
        )
    agreement = _T.sub(trade, "ram:ApplicableHeaderTradeAgreement")
    _T.text(agreement, "ram:BuyerReference", d.buyer_reference)
    _party(agreement, "ram:SellerTradeParty", d.seller)
    _party(agreement, "ram:BuyerTradeParty", d.buyer)
    delivery = _T.sub(trade, "ram:ApplicableHeaderTradeDelivery")
    if d.delivery_country:
        ship_to = _T.sub(_T.sub(delivery, "ram:ShipToTradeParty"), "ram:PostalTradeAddress")
        _T.text(ship_to, "ram:CountryID", d.delivery_country)
    _settlement(_T.sub(trade, "ram:ApplicableHeaderTradeSettlement"), d)
    return _T.serialise(root)


def _settlement(s: ET.Element, d: EDocument) -> None:
    _T.text(s, "ram:PaymentReference", d.payment_reference)
    _T.text(s, "ram:InvoiceCurrencyCode", d.currency)
    if d.iban and not d.credit:
        means = _T.sub(s, "ram:SpecifiedTradeSettlementPaymentMeans")
        _T.text(means, "ram:TypeCode", SEPA_CREDIT_TRANSFER)
        _T.text(_T.sub(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID", d.iban)
        if d.bic:
            _T.text(_T.sub(means, "ram:PayeeSpecifiedCreditorFinancialInstitution"), "ram:BICID", d.bic)
    for row in d.taxes:
        tax = _T.sub(s, "ram:ApplicableTradeTax")
        _T.text(tax, "ram:CalculatedAmount", amount(row.amount))
        _T.text(tax, "ram:TypeCode", "VAT")
        if row.category.needs_reason:
            _T.text(tax, "ram:ExemptionReason", row.exemption_reason)
        _T.text(tax, "ram:BasisAmount", amount(row.base))
        _T.text(tax, "ram:CategoryCode", row.category.value)
        if row.category.needs_reason:
            _T.text(tax, "ram:ExemptionReasonCode", row.exemption_code)
        if row.category is not TaxCategory.OUTSIDE_SCOPE:
            _T.text(tax, "ram:RateApplicablePercent", number(row.rate))
    if d.period is not None:
        _period(s, d.period)
    terms = _T.sub(s, "ram:SpecifiedTradePaymentTerms")
    _T.text(terms, "ram:Description", d.payment_terms)
    if d.due_date is not None:
        _date(_T.sub(terms, "ram:DueDateDateTime"), d.due_date)
    sums = _T.sub(s, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _T.text(sums, "ram:LineTotalAmount", amount(d.subtotal))
    _T.text(sums, "ram:TaxBasisTotalAmount", amount(d.subtotal))
    _T.text(sums, "ram:TaxTotalAmount", amount(d.tax), currencyID=d.currency)
    _T.text(sums, "ram:GrandTotalAmount", amount(d.total))
    _T.text(sums, "ram:DuePayableAmount", amount(d.total))
    if d.preceding is not None:
        ref = _T.sub(s, "ram:InvoiceReferencedDocument")
        _T.text(ref, "ram:IssuerAssignedID", d.preceding[0])
        formatted = _T.sub(ref, "ram:FormattedIssueDateTime")
        _T.text(formatted, "qdt:DateTimeString", d.preceding[1].strftime("%Y%m%d"), format="102")


def _party(parent: ET.Element, name: str, p: Party) -> None:
    party = _T.sub(parent, name)
    _T.text(party, "ram:Name", p.name)
    if p.legal_id:
        _T.text(_T.sub(party, "ram:SpecifiedLegalOrganization"), "ram:ID", p.legal_id)
    if p.contact_name:
        contact = _T.sub(party, "ram:DefinedTradeContact")
        _T.text(contact, "ram:PersonName", p.contact_name)
        if p.phone:
            _T.text(_T.sub(contact, "ram:TelephoneUniversalCommunication"), "ram:CompleteNumber", p.phone)
        if p.email:
            _T.text(_T.sub(contact, "ram:EmailURIUniversalCommunication"), "ram:URIID", p.email)
    address = _T.sub(party, "ram:PostalTradeAddress")
    _T.text(address, "ram:PostcodeCode", p.address.postal_code)
    _T.text(address, "ram:LineOne", p.address.street)
    _T.text(address, "ram:CityName", p.address.city)
    _T.text(address, "ram:CountryID", p.address.country)
    if p.electronic_address is not None:
        uri = _T.sub(party, "ram:URIUniversalCommunication")
        _T.text(uri, "ram:URIID", p.electronic_address.id, schemeID=p.electronic_address.scheme)
    if p.vat_id:
        _T.text(_T.sub(party, "ram:SpecifiedTaxRegistration"), "ram:ID", p.vat_id, schemeID="VA")
    if p.tax_number:
        _T.text(_T.sub(party, "ram:SpecifiedTaxRegistration"), "ram:ID", p.tax_number, schemeID="FC")


def _date(parent: ET.Element, day: date) -> None:
    _T.text(parent, "udt:DateTimeString", day.strftime("%Y%m%d"), format="102")


def _period(parent: ET.Element, period: tuple[date, date]) -> None:
    billing = _T.sub(parent, "ram:BillingSpecifiedPeriod")
    _date(_T.sub(billing, "ram:StartDateTime"), period[0])
    _date(_T.sub(billing, "ram:EndDateTime"), period[1])
