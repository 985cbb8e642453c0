"""The degradation suite: each corpus document damaged one way at a time, and all ways combined.

    PYTHONPATH=. .venv/bin/python -m bench.extraction_accuracy --suite [--kinds K,..] [--seeds N] [--docs N]

Per document, kind and seed the pages are rendered at 200 dpi, damaged (bench/degradations.py)
and read by the reader as uploads, page by page. Prints accuracy per kind and field, for the
documents and seeds the preparation was tuned on and for those held out, the vendor as named from
memory after one correction (learnt from the clean reading), and seconds per page (p50, p99).
"""

from __future__ import annotations

import asyncio
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


async def read_pages(
    reader: TesseractDocumentReader, uploads: Sequence[bytes]
) -> tuple[DocumentText, list[float]]:
    words: list[Word] = []
    texts = []
    seconds = []
    for page, content in enumerate(uploads):
        started = time.perf_counter()
        document = await reader.read(content, "image/png")
        seconds.append(time.perf_counter() - started)
        words.extend(replace(w, page=page) for w in document.words)
        texts.append(document.text)
    return DocumentText("\n\f".join(texts), tuple(words), pages=len(texts), source="ocr"), seconds


async def run_suite(
    folder_samples: list[Sample], kinds: Sequence[str], seeds: int, *, parallel: int = 2
) -> SuiteResult:
    reader = TesseractDocumentReader(TesseractOcr(), ReadingLimits())
    gate = asyncio.Semaphore(parallel)
    result = SuiteResult()
    renders = {s.name: await _renders(s) for s in folder_samples}
    memory: list[KnownVendor] = []
    now = datetime.now(UTC)
    for s in folder_samples:
        document, _ = await read_pages(reader, [damage(p, "clean", 0) for p in renders[s.name]])
        fields = read_fields(document)
        if s.expected.get("issuer"):
            memory.append(learn(None, str(s.expected["issuer"]), signature(document, fields.vendor), now))

    async def one(s: Sample, kind: str, seed: int) -> None:
        base = zlib.crc32(f"{s.name}/{kind}".encode()) + 7919 * seed
        uploads = [damage(page, kind, base + i) for i, page in enumerate(renders[s.name])]
        async with gate:
            document, seconds = await read_pages(reader, uploads)
        fields = read_fields(document)
        share = "held-out" if s.name in HELD_OUT_DOCS or seed >= TUNED_SEEDS else "tuned"
        result.tallies.setdefault((kind, share), Tally()).add(f"{s.name}#{seed}", fields, s.expected)
        known = recognise(signature(document, fields.vendor), memory)
        named = replace(fields, vendor=known) if known else fields
        result.remembered.setdefault(kind, Tally()).add(f"{s.name}#{seed}", named, s.expected)
        result.seconds.extend(seconds)

    await asyncio.gather(*(one(s, k, seed) for s in folder_samples for k in kinds for seed in range(seeds)))
    return result


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
            f" max {ordered[-1]:.2f} over {len(ordered)} pages"
        )


def _cell(tally: Tally, key: str) -> str:
    return f"{tally.ratio(key):.0%} ({tally.right[key]}/{tally.seen[key]})"


def selected(folder_samples: list[Sample], docs: int | None) -> list[Sample]:
    return folder_samples if docs is None else folder_samples[:docs]


__all__ = ["KINDS", "print_suite", "run_suite", "selected"]
