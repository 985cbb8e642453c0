"""Factur-X binding: the extra time per document of making Chromium's PDF a Factur-X PDF/A-3b file
(factur-x embeds the CII and writes the XMP; pikepdf adds the output intent and the id), beside
the Chromium render itself for scale. The XML's own cost (build and check) is bench.einvoice's.

    .venv/bin/python -m bench.facturx_binding [--rounds 40]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from contextlib import AsyncExitStack

from bench.harness import percentile
from billflow.pdf_worker.facturx_pdf import FacturXPdfBinder
from billflow.pdf_worker.renderer import PlaywrightPdfRenderer, find_chromium
from billflow.platform.einvoice import FacturXEInvoiceWriter
from tests.support.einvoice_cases import PEPPOL_BUYER, client_invoice, project


def report(name: str, times: list[float]) -> None:
    ms = sorted(t * 1000 for t in times)
    print(f"{name:<22} p50 {percentile(ms, 50):7.1f} ms   p90 {percentile(ms, 90):7.1f} ms")


async def run(rounds: int) -> None:
    logging.disable(logging.INFO)  # factur-x logs every file it makes
    document = client_invoice([project(1, "21"), project(2, "6")], to=PEPPOL_BUYER)
    # Before the browser, as the pdf-worker does (the isolate of Saxon resets SIGCHLD).
    cii = FacturXEInvoiceWriter().write(document).cii
    binder = FacturXPdfBinder()
    async with AsyncExitStack() as stack:
        renderer = PlaywrightPdfRenderer(find_chromium(None), timeout_seconds=60)
        await renderer.start(stack)
        pdf = await renderer.render(document)
        binder.bind(pdf, cii, document)  # warm: the sRGB profile is made once per process
        renders, binds = [], []
        for _ in range(rounds):
            started = time.perf_counter()
            pdf = await renderer.render(document)
            renders.append(time.perf_counter() - started)
            started = time.perf_counter()
            facturx = binder.bind(pdf, cii, document)
            binds.append(time.perf_counter() - started)
    report("Chromium render", renders)
    report("Factur-X binding", binds)
    print(f"PDF {len(pdf):,} bytes -> Factur-X {len(facturx):,} bytes (CII {len(cii):,} bytes)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    asyncio.run(run(parser.parse_args().rounds))


if __name__ == "__main__":
    main()
