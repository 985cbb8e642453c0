"""FacturXPdfBinder: the domain's FacturXBinder. Chromium's PDF made a Factur-X PDF/A-3b file.

Chromium's PDF already has what PDF/A asks of the page content (every font embedded and
subset, no transparency, no JavaScript); what it lacks is the file's identity. Two libraries
supply it, each for what it does well:

- ``factur-x`` embeds the CII as ``factur-x.xml``, declares it the document's associated file
  (``/AF``, AFRelationship ``Alternative``: the XML is an equivalent of the visible invoice, the
  value Factur-X recommends from the BASIC profile up) and writes the XMP: PDF/A-3b
  identification (``pdfaid:part`` 3, ``pdfaid:conformance`` B), the Factur-X extension schema,
  and Info entries that match it. The XML was validated by the EInvoiceWriter already, so the
  package's own schema check is not run a second time.
- ``pikepdf`` (qpdf) adds the sRGB output intent, writes the document id (``/ID``), makes the
  Info dictionary match the XMP, and the header PDF 1.7 (the base of PDF/A-3).

The sRGB ICC profile is generated once per process by Little CMS (Pillow's ``ImageCms``), not a
copied file. No PDF/A validator as thorough as veraPDF runs here: docs/decisions/0025 says what
the tests prove and what they do not.
"""

from __future__ import annotations

import io
import logging
from functools import cache

import pikepdf
from facturx import generate_from_binary
from PIL import ImageCms

from billflow.domain.errors import PermanentFailure
from billflow.domain.model import CreditNote, Invoice

log = logging.getLogger(__name__)

OUTPUT_CONDITION = "sRGB IEC61966-2.1"
PRODUCER = "Billflow (Chromium, factur-x, pikepdf)"


@cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile (Little CMS's built-in sRGB), made once per process."""
    return bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())


def _metadata(document: Invoice | CreditNote) -> dict[str, str]:
    what = "Invoice" if isinstance(document, Invoice) else "Credit note"
    return {
        "author": document.issuer.name,
        "keywords": f"Factur-X, EN 16931, {what}",
        "title": f"{document.issuer.name}: {what} {document.number}",
        "subject": f"{what} {document.number} of {document.issue_date.isoformat()}"
        f" to {document.billed_to.name}",
    }


class FacturXPdfBinder:
    def bind(self, pdf: bytes, cii: bytes, document: Invoice | CreditNote) -> bytes:
        try:
            facturx = generate_from_binary(
                pdf,
                cii,
                flavor="factur-x",
                level="en16931",
                check_xsd=False,
                pdf_metadata=_metadata(document),
                lang=document.billed_to.language.value,
                afrelationship="alternative",
            )
            return _with_output_intent(facturx)
        except (ValueError, pikepdf.PdfError) as e:
            # Chromium's output is the only input here: a failure is a bug, not a passing glitch.
            raise PermanentFailure(f"could not make {document.number} a Factur-X PDF: {e}") from e


def _with_output_intent(pdf: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        profile = doc.make_stream(srgb_profile())
        profile[pikepdf.Name.N] = 3
        intent = pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent,
            S=pikepdf.Name.GTS_PDFA1,
            OutputConditionIdentifier=pikepdf.String(OUTPUT_CONDITION),
            Info=pikepdf.String(OUTPUT_CONDITION),
            RegistryName=pikepdf.String("http://www.color.org"),
            DestOutputProfile=profile,
        )
        doc.Root.OutputIntents = pikepdf.Array([doc.make_indirect(intent)])
        # PDF/A wants the Info dictionary to say what the XMP says: pikepdf copies every XMP
        # field it maps (title, author, dates, producer...) back into it when the block ends.
        with doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=True) as xmp:
            xmp["pdf:Producer"] = PRODUCER
        out = io.BytesIO()
        # qpdf writes the trailer's /ID; derived from the content, so equal input, equal id.
        doc.save(out, deterministic_id=True, min_version="1.7")
        return out.getvalue()
