"""The degradation suite: each corpus document damaged one way at a time, and all ways combined.

    PYTHONPATH=. .venv/bin/python -m bench.extraction_accuracy --suite [--kinds K,..] [--seeds N] [--docs N]
        [--cache var/suite-readings]

Per document, kind and seed the pages are rendered at 200 dpi, damaged (bench/degradations.py)
and read by the reader as uploads, page by page. Prints accuracy per kind and field, for the
documents and seeds the preparation was tuned on and for those held out, the vendor as named from
memory after one correction (learnt from the clean reading; every vendor known at once, so a
wrong match counts against), how often a vendor left out of the memory is named from it all the
same (a false match: the memory of the other vendors asked about its documents), and seconds per
page (p50, p99).

``--cache DIR`` keeps each reading (text and word boxes) as JSON and uses it on the next run, so
the field rules and the vendor memory can be measured again in seconds over the same OCR output;
readings taken from it have no time. Empty the folder when the reader or its preparation changes.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import json
import resource
import statistics
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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
from billflow.domain.expenses.vendor_memory import KnownVendor, learn, recognise, signature, vendor_key
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
    remembered: dict[tuple[str, str], Tally] = field(default_factory=dict)
    strangers: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    """(kind, share) -> [documents of a vendor left out of memory named from it, documents]."""
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


class Readings:
    """The reader, with an optional folder of earlier readings of the same uploads."""

    def __init__(
        self, reader: TesseractDocumentReader, cache: Path | None = None, *, only: bool = False
    ) -> None:
        self.reader = reader
        self.cache = cache
        self.only = only
        """Take readings from the cache only; an upload not in it is left out of the figures."""

    async def read(
        self, key: str, uploads: Callable[[], Sequence[bytes]]
    ) -> tuple[DocumentText, list[float]] | None:
        path = self.cache / f"{key}.json" if self.cache else None
        if path is not None and path.exists():
            return _loaded(json.loads(path.read_text(encoding="utf-8"))), []
        if self.only:
            return None
        document, seconds = await read_pages(self.reader, uploads())
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".part")
            partial.write_text(json.dumps(_dumped(document)), encoding="utf-8")
            partial.replace(path)
        return document, seconds


def _dumped(document: DocumentText) -> dict[str, object]:
    words = [[w.text, w.left, w.top, w.right, w.bottom, w.page] for w in document.words]
    return {"text": document.text, "pages": document.pages, "words": words}


def _loaded(raw: dict[str, Any]) -> DocumentText:
    words = tuple(
        Word(str(t), float(a), float(b), float(c), float(d), int(p)) for t, a, b, c, d, p in raw["words"]
    )
    return DocumentText(str(raw["text"]), words, pages=int(raw["pages"]), source="ocr")


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
    folder_samples: list[Sample],
    kinds: Sequence[str],
    seeds: int,
    *,
    parallel: int = 2,
    cache: Path | None = None,
    cached_only: bool = False,
) -> SuiteResult:
    result = SuiteResult()
    breakdowns: dict[str, PageReading] = {}

    def on_page(reading: PageReading) -> None:
        breakdowns[_PAGE.get()] = reading

    # A generous timeout: on a loaded machine a page can exceed the service's 60 s, and the suite
    # measures what is read (the seconds are reported apart).
    reader = TesseractDocumentReader(TesseractOcr(timeout_s=600), ReadingLimits(), on_page=on_page)
    readings = Readings(reader, cache, only=cached_only)
    gate = asyncio.Semaphore(parallel)
    renders = {s.name: await _renders(s) for s in folder_samples}
    memory: list[KnownVendor] = []
    now = datetime.now(UTC)
    for s in folder_samples:
        clean = [damage(p, "clean", 0) for p in renders[s.name]]
        taught = await Readings(readings.reader, cache).read(
            f"{s.name}.clean", functools.partial(list, clean)
        )
        assert taught is not None  # the clean readings that teach the memory are always taken
        document = taught[0]
        fields = read_fields(document)
        if s.expected.get("issuer"):
            memory.append(learn(None, str(s.expected["issuer"]), signature(document, fields.vendor), now))
    # Damaged before any page is timed: made inside the timed tasks, the damage of the pages
    # waiting their turn blocked the event loop and counted against the pages in flight.
    jobs = [(s, k, seed) for s in folder_samples for k in kinds for seed in range(seeds)]
    uploads = {
        (s.name, k, seed): await asyncio.to_thread(_damaged, renders[s.name], s.name, k, seed)
        for s, k, seed in ([] if cached_only else jobs)
    }

    async def one(s: Sample, kind: str, seed: int) -> None:
        async with gate:
            _PAGE.set(f"{s.name}/{kind}#{seed}/")
            read = await readings.read(f"{s.name}.{kind}.{seed}", lambda: uploads[s.name, kind, seed])
        if read is None:
            return
        document, seconds = read
        fields = read_fields(document)
        share = "held-out" if s.name in HELD_OUT_DOCS or seed >= TUNED_SEEDS else "tuned"
        result.tallies.setdefault((kind, share), Tally()).add(f"{s.name}#{seed}", fields, s.expected)
        seen = signature(document, fields.vendor)
        known = recognise(seen, memory)
        named = replace(fields, vendor=known) if known else fields
        result.remembered.setdefault((kind, share), Tally()).add(f"{s.name}#{seed}", named, s.expected)
        if s.expected.get("issuer"):
            key = vendor_key(str(s.expected["issuer"]))
            wrong = recognise(seen, [v for v in memory if v.key != key])
            counts = result.strangers.setdefault((kind, share), [0, 0])
            counts[0] += wrong is not None
            counts[1] += 1
            if wrong is not None:
                result.tallies[(kind, share)].misses.append(f"{s.name}#{seed} unknown, named {wrong.value!r}")
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
    out("| damage | docs | " + " | ".join(FIELDS) + " | vendor after one correction | unknown vendor named |")
    out("|---|---|" + "---|" * (len(FIELDS) + 2))
    kinds = list(dict.fromkeys(k for k, _ in result.tallies))
    for kind in kinds:
        for share in ("tuned", "held-out"):
            tally = result.tallies.get((kind, share))
            if tally is None:
                continue
            cells = [_cell(tally, k) for k in FIELDS]
            remembered = _cell(result.remembered[(kind, share)], "vendor")
            wrong, seen = result.strangers.get((kind, share), [0, 0])
            out(f"| {kind} | {share} | " + " | ".join(cells) + f" | {remembered} | {wrong}/{seen} |")
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
