"""Render engine: renders per second, and memory (PSS) with that many pages open, at 1, 2, 4 and 8
pages at once in one Chromium, so the pdf-worker's default concurrency is chosen from data.

    .venv/bin/python -m bench.render_engine [--renders 40]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from contextlib import AsyncExitStack, suppress

import psutil

from bench.billing_run import sample_invoice
from billflow.pdf_worker.renderer import PlaywrightPdfRenderer, find_chromium


def pss_mib() -> float:
    """Memory of this process and the browser's, shared pages divided among their sharers (PSS:
    summing RSS would count Chromium's shared libraries once per process)."""
    me = psutil.Process()
    total = 0
    for p in [me, *me.children(recursive=True)]:
        with suppress(psutil.Error):
            total += p.memory_full_info().pss
    return total / 2**20


async def main(renders: int) -> None:
    invoice = sample_invoice()
    started = time.perf_counter()
    async with AsyncExitStack() as stack:
        renderer = PlaywrightPdfRenderer(find_chromium(None))
        await renderer.start(stack)
        await renderer.render(invoice)
        print(
            f"render engine: cold start to first render {time.perf_counter() - started:.2f} s, "
            f"{len(invoice.lines)}-line invoice, {renders} renders per level"
        )
        print(f"  {'pages at once':>13} {'renders/s':>10} {'ms/render':>10} {'PSS MiB (all processes)':>24}")
        for concurrency in (1, 2, 4, 8):

            async def one(gate: asyncio.Semaphore) -> None:
                async with gate:
                    await renderer.render(invoice)

            gate = asyncio.Semaphore(concurrency)
            t = time.perf_counter()
            await asyncio.gather(*(one(gate) for _ in range(renders)))
            rate = renders / (time.perf_counter() - t)
            # The renderer keeps its pages open between renders: now as many as this level used.
            memory = pss_mib()
            print(f"  {concurrency:>13} {rate:>10.2f} {1000 / rate:>10.1f} {memory:>24.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--renders", type=int, default=40)
    asyncio.run(main(parser.parse_args().renders))
