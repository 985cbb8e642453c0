"""The degradation suite: each corpus document damaged one way at a time, and all ways combined.

    PYTHONPATH=. .venv/bin/python -m bench.extraction_accuracy --suite [--kinds K,..] [--seeds N] [--docs N]

Per document, kind and seed the pages are rendered at 200 dpi, damaged (bench/degradations.py)
and read by the reader as uploads, page by page. Prints accuracy per kind and field, for the
documents and seeds the preparation was tuned on and for those held out, the vendor as named from
memory after one correction (learnt from the clean reading), and seconds per page (p50, p99).
"""

from __future__ import annotations

import asyncio
import contextvars
import resource
import statistics
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from PIL import Image

from bench.degradations import KINDS, damage
from bench.extraction_accuracy import (
    FIELDS,
    Sample,
    Tally,
    pdf_pages,
    text_page,
)
from billflow.domain.expenses import DocumentText, Word, read_fields
from billflow.domain.expenses.vendor_memory import KnownVendor, learn, recognise, signature
from billflow.extractor import ReadingLimits, TesseractDocumentReader, TesseractOcr
from billflow.extractor.page_reader import PageReading

HELD_OUT_DOCS = {"AzureInterior", "coolblue2", "oyo"}
"""Documents the preparation was not tuned on (chosen before tuning: one of each kind of layout)."""
TUNED_SEEDS = 1
"""Seeds below this were looked at while tuning; the others are held out."""


@dataclass
class SuiteResult:
    tallies: dict[tuple[str, str], Tally] = field(default_factory=dict)
    """(kind, "tuned" | "held-out") -> tally."""
    remembered: dict[str, Tally] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: float = 0.0
    """CPU time of the reading (this process and its Tesseract children), all pages together."""
    pages: list[tuple[str, float, PageReading]] = field(default_factory=list)
    """(page, wall seconds of ``read``, the page reader's breakdown), in the order read."""


_PAGE = contextvars.ContextVar[str]("page", default="")
"""Which page is being read, for the reader's ``on_page`` (called inside the reading task)."""


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


async def read_pages(
    reader: TesseractDocumentReader, uploads: Sequence[bytes]
) -> tuple[DocumentText, list[float]]:
    words: list[Word] = []
    texts = []
    seconds = []
    label = _PAGE.get()
    for page, content in enumerate(uploads):
        _PAGE.set(f"{label}p{page}")
        started = time.perf_counter()
        document = await reader.read(content, "image/png")
        seconds.append(time.perf_counter() - started)
        words.extend(replace(w, page=page) for w in document.words)
        texts.append(document.text)
    return DocumentText("\n\f".join(texts), tuple(words), pages=len(texts), source="ocr"), seconds


async def run_suite(
    folder_samples: list[Sample], kinds: Sequence[str], seeds: int, *, parallel: int = 2
) -> SuiteResult:
    result = SuiteResult()
    breakdowns: dict[str, PageReading] = {}

    def on_page(reading: PageReading) -> None:
        breakdowns[_PAGE.get()] = reading

    reader = TesseractDocumentReader(TesseractOcr(), ReadingLimits(), on_page=on_page)
    gate = asyncio.Semaphore(parallel)
    renders = {s.name: await _renders(s) for s in folder_samples}
    memory: list[KnownVendor] = []
    now = datetime.now(UTC)
    for s in folder_samples:
        document, _ = await read_pages(reader, [damage(p, "clean", 0) for p in renders[s.name]])
        fields = read_fields(document)
        if s.expected.get("issuer"):
            memory.append(learn(None, str(s.expected["issuer"]), signature(document, fields.vendor), now))
    # Damaged before any page is timed: made inside the timed tasks, the damage of the pages
    # waiting their turn blocked the event loop and counted against the pages in flight.
    jobs = [(s, k, seed) for s in folder_samples for k in kinds for seed in range(seeds)]
    uploads = {
        (s.name, k, seed): await asyncio.to_thread(_damaged, renders[s.name], s.name, k, seed)
        for s, k, seed in jobs
    }

    async def one(s: Sample, kind: str, seed: int) -> None:
        async with gate:
            _PAGE.set(f"{s.name}/{kind}#{seed}/")
            document, seconds = await read_pages(reader, uploads[s.name, kind, seed])
        fields = read_fields(document)
        share = "held-out" if s.name in HELD_OUT_DOCS or seed >= TUNED_SEEDS else "tuned"
        result.tallies.setdefault((kind, share), Tally()).add(f"{s.name}#{seed}", fields, s.expected)
        known = recognise(signature(document, fields.vendor), memory)
        named = replace(fields, vendor=known) if known else fields
        result.remembered.setdefault(kind, Tally()).add(f"{s.name}#{seed}", named, s.expected)
        result.seconds.extend(seconds)
        label = f"{s.name}/{kind}#{seed}/"
        for page, wall in enumerate(seconds):
            result.pages.append((f"{label}p{page}", wall, breakdowns[f"{label}p{page}"]))

    cpu = _cpu()
    await asyncio.gather(*(one(s, k, seed) for s, k, seed in jobs))
    result.cpu_seconds = _cpu() - cpu
    return result


def _damaged(pages: list[Image.Image], name: str, kind: str, seed: int) -> list[bytes]:
    base = zlib.crc32(f"{name}/{kind}".encode()) + 7919 * seed
    return [damage(page, kind, base + i) for i, page in enumerate(pages)]


async def _renders(sample: Sample) -> list[Image.Image]:
    if sample.source.suffix == ".txt":
        return [text_page(sample.source.read_text(encoding="utf-8"))]
    return await asyncio.to_thread(pdf_pages, sample.source.read_bytes())


def print_suite(result: SuiteResult, out: Callable[[str], object] = print) -> None:
    out("| damage | docs | " + " | ".join(FIELDS) + " | vendor after one correction |")
    out("|---|---|" + "---|" * (len(FIELDS) + 1))
    kinds = list(dict.fromkeys(k for k, _ in result.tallies))
    for kind in kinds:
        for share in ("tuned", "held-out"):
            tally = result.tallies.get((kind, share))
            if tally is None:
                continue
            cells = [_cell(tally, k) for k in FIELDS]
            remembered = _cell(result.remembered[kind], "vendor") if share == "tuned" else ""
            out(f"| {kind} | {share} | " + " | ".join(cells) + f" | {remembered} |")
    ordered = sorted(result.seconds)
    if ordered:
        p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
        out(
            f"\nseconds per page: p50 {statistics.median(ordered):.2f}, p99 {p99:.2f},"
            f" max {ordered[-1]:.2f} over {len(ordered)} pages;"
            f" CPU seconds per page {result.cpu_seconds / len(ordered):.2f} (this process and Tesseract)"
        )
        passes = [reading.passes for _, _, reading in result.pages]
        osd = sum("osd" in reading.seconds for _, _, reading in result.pages)
        over = sum("over budget" in reading.seconds for _, _, reading in result.pages)
        out(
            f"OCR passes: {passes.count(1)} pages one, {passes.count(2)} two; orientation detection on {osd};"
            f" second pass skipped or cut over the page's budget on {over}"
        )


def print_breakdown(result: SuiteResult, out: Callable[[str], object] = print) -> None:
    """Every page's wall time and where it went, then the mean of each step over all pages."""
    totals: dict[str, float] = {}
    for label, wall, reading in result.pages:
        steps = ", ".join(f"{k} {v:.2f}" for k, v in reading.seconds.items() if v >= 0.005)
        out(f"{label}: {wall:.2f} s, {reading.passes} pass(es), kept {reading.recipe}: {steps}")
        for k, v in reading.seconds.items():
            totals[k] = totals.get(k, 0.0) + v
    if result.pages:
        n = len(result.pages)
        out(
            "mean seconds per page by step: "
            + ", ".join(f"{k} {v / n:.2f}" for k, v in sorted(totals.items()))
        )


def _cell(tally: Tally, key: str) -> str:
    return f"{tally.ratio(key):.0%} ({tally.right[key]}/{tally.seen[key]})"


def selected(folder_samples: list[Sample], docs: int | None) -> list[Sample]:
    return folder_samples if docs is None else folder_samples[:docs]


__all__ = ["KINDS", "print_breakdown", "print_suite", "run_suite", "selected"]
