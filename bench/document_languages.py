"""Documents in the client's language: what reading a catalog costs once per process, and what the
translated template costs per document, in each language (the HTML only: Chromium's print, which
dominates a render, is bench/render_engine.py's).

    .venv/bin/python -m bench.document_languages [--documents 2000]
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from decimal import Decimal

from bench.billing_run import sample_invoice
from billflow.domain.i18n import CATALOG_LANGUAGES, translator
from billflow.domain.model import Invoice, InvoiceKind, Language, TaxRow
from billflow.pdf_worker.document import invoice_html


def client_invoice(language: Language) -> Invoice:
    """The benchmarks' invoice as a client's, in ``language``."""
    base = sample_invoice()
    lines = tuple(
        dataclasses.replace(line, tax_rate=base.tax_rate, project_name="Web shop", employee_name="Ada")
        for line in base.lines
    )
    return dataclasses.replace(
        base,
        kind=InvoiceKind.CLIENT,
        lines=lines,
        billed_to=dataclasses.replace(base.billed_to, language=language),
        employee_id=None,
        client_id="c",
        taxes=(TaxRow(Decimal(21), base.subtotal, base.tax),),
    )


def main(documents: int) -> None:
    for language in (*CATALOG_LANGUAGES, Language.EN):  # English reads none: it is the message ids
        started = time.perf_counter()
        translator(language)
        ms = (time.perf_counter() - started) * 1000
        print(f"catalog {language}: read in {ms:.1f} ms, once per process")
    for language in Language:
        invoice = client_invoice(language)
        invoice_html(invoice)  # compiles the template
        started = time.perf_counter()
        for _ in range(documents):
            invoice_html(invoice)
        per = (time.perf_counter() - started) / documents
        print(f"invoice HTML {language}: {per * 1e6:.0f} µs per document, {len(invoice.lines)} lines")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=2000)
    main(parser.parse_args().documents)
