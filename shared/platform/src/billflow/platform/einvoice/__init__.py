"""E-invoices outside the domain: the official rules (XML Schema, Schematron via Saxon) and the
EInvoiceWriter adapter that checks what the domain builds."""

from billflow.platform.einvoice.rules import Finding, SchematronRules, XmlSchema, parse_svrl
from billflow.platform.einvoice.writer import FacturXEInvoiceWriter, facturx_rules_dir

__all__ = [
    "FacturXEInvoiceWriter",
    "Finding",
    "SchematronRules",
    "XmlSchema",
    "facturx_rules_dir",
    "parse_svrl",
]
