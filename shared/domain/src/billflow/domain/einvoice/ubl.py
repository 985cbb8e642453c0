"""UBL 2.1 Invoice and CreditNote: plain EN 16931, or Peppol BIS Billing 3.0 when the buyer is a
Peppol participant (it has an electronic address)."""

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
PEPPOL_CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PEPPOL_PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"


def build_ubl(
    document: Invoice | CreditNote, gettext: Translate = english, write_day: WriteDay = date.isoformat
) -> bytes:
    """The UBL file of a client invoice or credit note (Peppol BIS 3 for a Peppol participant)."""
    return ubl_of(view_of(document, gettext, write_day))


def ubl_of(d: EDocument) -> bytes:
    t = Tree({"": _CREDIT_NOTE if d.credit else _INVOICE, "cac": _CAC, "cbc": _CBC})
    root = t.root(":CreditNote" if d.credit else ":Invoice")
    t.text(root, "cbc:CustomizationID", PEPPOL_CUSTOMIZATION if d.peppol else EN16931)
    if d.peppol:
        t.text(root, "cbc:ProfileID", PEPPOL_PROFILE)
    t.text(root, "cbc:ID", d.number)
    t.text(root, "cbc:IssueDate", d.issue_date.isoformat())
    if not d.credit and d.due_date is not None:
        t.text(root, "cbc:DueDate", d.due_date.isoformat())
    t.text(root, "cbc:CreditNoteTypeCode" if d.credit else "cbc:InvoiceTypeCode", d.type_code)
    t.text(root, "cbc:Note", d.note)
    t.text(root, "cbc:DocumentCurrencyCode", d.currency)
    t.text(root, "cbc:BuyerReference", d.buyer_reference)
    if d.period is not None:
        period = t.sub(root, "cac:InvoicePeriod")
        t.text(period, "cbc:StartDate", d.period[0].isoformat())
        t.text(period, "cbc:EndDate", d.period[1].isoformat())
    if d.preceding is not None:
        ref = t.sub(t.sub(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        t.text(ref, "cbc:ID", d.preceding[0])
        t.text(ref, "cbc:IssueDate", d.preceding[1].isoformat())
    _party(t, t.sub(root, "cac:AccountingSupplierParty"), d.seller)
    _party(t, t.sub(root, "cac:AccountingCustomerParty"), d.buyer)
    if d.delivery_country:
        location = t.sub(t.sub(root, "cac:Delivery"), "cac:DeliveryLocation")
        t.text(
            t.sub(t.sub(location, "cac:Address"), "cac:Country"), "cbc:IdentificationCode", d.delivery_country
        )
    if d.iban and not d.credit:
        means = t.sub(root, "cac:PaymentMeans")
        t.text(means, "cbc:PaymentMeansCode", SEPA_CREDIT_TRANSFER)
        t.text(means, "cbc:PaymentID", d.payment_reference)
        account = t.sub(means, "cac:PayeeFinancialAccount")
        t.text(account, "cbc:ID", d.iban)
        if d.bic:
            t.text(t.sub(account, "cac:FinancialInstitutionBranch"), "cbc:ID", d.bic)
    if d.payment_terms:
        t.text(t.sub(root, "cac:PaymentTerms"), "cbc:Note", d.payment_terms)
    total = t.sub(root, "cac:TaxTotal")
    t.text(total, "cbc:TaxAmount", amount(d.tax), currencyID=d.currency)
    for row in d.taxes:
        sub = t.sub(total, "cac:TaxSubtotal")
        t.text(sub, "cbc:TaxableAmount", amount(row.base), currencyID=d.currency)
        t.text(sub, "cbc:TaxAmount", amount(row.amount), currencyID=d.currency)
        category = t.sub(sub, "cac:TaxCategory")
        t.text(category, "cbc:ID", row.category.value)
        if row.category is not TaxCategory.OUTSIDE_SCOPE:
            t.text(category, "cbc:Percent", number(row.rate))
        if row.category.needs_reason:
            t.text(category, "cbc:TaxExemptionReasonCode", row.exemption_code)
            t.text(category, "cbc:TaxExemptionReason", row.exemption_reason)
        t.text(t.sub(category, "cac:TaxScheme"), "cbc:ID", "VAT")
    sums = t.sub(root, "cac:LegalMonetaryTotal")
    t.text(sums, "cbc:LineExtensionAmount", amount(d.subtotal), currencyID=d.currency)
    t.text(sums, "cbc:TaxExclusiveAmount", amount(d.subtotal), currencyID=d.currency)
    t.text(sums, "cbc:TaxInclusiveAmount", amount(d.total), currencyID=d.currency)
    t.text(sums, "cbc:PayableAmount", amount(d.total), currencyID=d.currency)
    for line in d.lines:
        item_line = t.sub(root, "cac:CreditNoteLine" if d.credit else "cac:InvoiceLine")
        t.text(item_line, "cbc:ID", line.id)
        t.text(
            item_line,
            "cbc:CreditedQuantity" if d.credit else "cbc:InvoicedQuantity",
            number(line.quantity),
            unitCode=line.unit,
        )
        t.text(item_line, "cbc:LineExtensionAmount", amount(line.amount), currencyID=d.currency)
        if line.period is not None:
            period = t.sub(item_line, "cac:InvoicePeriod")
            t.text(period, "cbc:StartDate", line.period[0].isoformat())
            t.text(period, "cbc:EndDate", line.period[1].isoformat())
        item = t.sub(item_line, "cac:Item")
        t.text(item, "cbc:Name", line.name)
        category = t.sub(item, "cac:ClassifiedTaxCategory")
        t.text(category, "cbc:ID", line.category.value)
        if line.category is not TaxCategory.OUTSIDE_SCOPE:
            t.text(category, "cbc:Percent", number(line.rate))
        t.text(t.sub(category, "cac:TaxScheme"), "cbc:ID", "VAT")
        t.text(t.sub(item_line, "cac:Price"), "cbc:PriceAmount", number(line.price), currencyID=d.currency)
    return t.serialise(root)


def _party(t: Tree, parent: ET.Element, p: Party) -> None:
    party = t.sub(parent, "cac:Party")
    if p.electronic_address is not None:
        t.text(party, "cbc:EndpointID", p.electronic_address.id, schemeID=p.electronic_address.scheme)
    address = t.sub(party, "cac:PostalAddress")
    t.text(address, "cbc:StreetName", p.address.street)
    t.text(address, "cbc:CityName", p.address.city)
    t.text(address, "cbc:PostalZone", p.address.postal_code)
    t.text(t.sub(address, "cac:Country"), "cbc:IdentificationCode", p.address.country)
    if p.vat_id:
        scheme = t.sub(party, "cac:PartyTaxScheme")
        t.text(scheme, "cbc:CompanyID", p.vat_id)
        t.text(t.sub(scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
    legal = t.sub(party, "cac:PartyLegalEntity")
    t.text(legal, "cbc:RegistrationName", p.name)
    t.text(legal, "cbc:CompanyID", p.legal_id)
    if p.contact_name or p.email:
        contact = t.sub(party, "cac:Contact")
        t.text(contact, "cbc:Name", p.contact_name)
        t.text(contact, "cbc:Telephone", p.phone)
        t.text(contact, "cbc:ElectronicMail", p.email)
