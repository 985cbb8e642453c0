"""E-invoices: EN 16931 XML (UN/CEFACT CII D16B for Factur-X, UBL 2.1 plain or Peppol BIS
Billing 3.0) built from an issued client invoice or credit note. Pure: it builds bytes, the
platform's ``billflow.platform.einvoice`` checks them against the official rules.
"""

from billflow.domain.einvoice.cii import build_cii
from billflow.domain.einvoice.document import EDocument, Translate, WriteDay, english, view_of
from billflow.domain.einvoice.ubl import build_ubl

__all__ = ["EDocument", "Translate", "WriteDay", "build_cii", "build_ubl", "english", "view_of"]
