"""The official e-invoice rules, for tests: CEN EN 16931 for CII and UBL, the CII D16B schemas and
the Peppol BIS Billing 3.0 rules, as published (``../shared/einvoice``), compiled once per test
process. ``check_cii`` / ``check_ubl`` fail with every fatal finding; end-to-end tests call them
on every e-invoice they produce.
"""

from __future__ import annotations

import functools
from pathlib import Path

from lxml import etree

from billflow.platform.einvoice import Finding, SchematronRules, XmlSchema, facturx_rules_dir

OFFICIAL = Path(__file__).resolve().parents[2].parent / "shared" / "einvoice"
"""../shared/einvoice from the project root: read-only, never deployed."""

CEN_CII = OFFICIAL / "cen-en16931" / "EN16931-CII-validation.xslt"
CEN_UBL = OFFICIAL / "cen-en16931" / "EN16931-UBL-validation.xslt"
PEPPOL_UBL = OFFICIAL / "peppol-bis3" / "PEPPOL-EN16931-UBL.xslt"
CII_XSD = OFFICIAL / "cii-d16b-xsd" / "CrossIndustryInvoice_100pD16B.xsd"

RULE_SET_VERSIONS = {
    "CEN EN 16931 CII and UBL": "1.3.16 (ConnectingEurope/eInvoicing-EN16931, b6c9e06)",
    "Peppol BIS Billing 3.0": "3.0.19 (OpenPEPPOL/peppol-bis-invoice-3, 78d7f7d)",
    "UN/CEFACT CII": "D16B",
}


@functools.cache
def rules(path: Path) -> SchematronRules:
    return SchematronRules(path)


@functools.cache
def schema(path: Path) -> XmlSchema:
    return XmlSchema(path)


def _ubl_schema(xml: bytes) -> XmlSchema:
    root = etree.fromstring(xml).tag
    name = "UBL-CreditNote-2.1.xsd" if root.endswith("}CreditNote") else "UBL-Invoice-2.1.xsd"
    return schema(facturx_rules_dir() / "ubl-2.1" / "maindoc" / name)


class RulesBroken(AssertionError):
    def __init__(self, what: str, findings: list[str]) -> None:
        super().__init__(f"{what} breaks {len(findings)} rule(s):\n" + "\n".join(findings))
        self.findings = findings


def _describe(findings: list[Finding]) -> list[str]:
    return [f"{f.rule_id} [{f.flag}] {f.text} @ {f.location}" for f in findings]


def cii_findings(xml: bytes) -> list[str]:
    """Every fatal finding of the CII D16B schema and the CEN CII rules (empty: valid)."""
    found = [f"XSD {e}" for e in schema(CII_XSD).errors(xml)]
    return found + _describe(rules(CEN_CII).fatal(xml))


def ubl_findings(xml: bytes, *, peppol: bool) -> list[str]:
    """Every fatal finding of the UBL 2.1 schema and the CEN UBL rules, and of the Peppol BIS 3
    rules too for a Peppol document (which must pass both)."""
    found = [f"XSD {e}" for e in _ubl_schema(xml).errors(xml)]
    found += _describe(rules(CEN_UBL).fatal(xml))
    if peppol:
        found += _describe(rules(PEPPOL_UBL).fatal(xml))
    return found


def check_cii(xml: bytes) -> None:
    findings = cii_findings(xml)
    if findings:
        raise RulesBroken("the CII", findings)


def check_ubl(xml: bytes, *, peppol: bool) -> None:
    findings = ubl_findings(xml, peppol=peppol)
    if findings:
        raise RulesBroken("the Peppol UBL" if peppol else "the UBL", findings)
