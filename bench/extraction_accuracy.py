"""Per-field accuracy of expense extraction over the shared invoice corpus.

    .venv/bin/python bench/extraction_accuracy.py [--modes text-layer,clean,degraded] [--verbose]
    PYTHONPATH=. .venv/bin/python -m bench.extraction_accuracy --suite [--kinds ...] [--seeds 1] [--docs N]

Reads every invoice in ``$BILLFLOW_CORPUS_DIR`` (default ``../shared/corpus`` beside the repo)
three ways: (a) the PDF's own text layer, (b) Tesseract on clean 200 dpi renders, (c) Tesseract
on photo-like degradations of those renders made on the fly with a fixed seed (a 1-3 degree
rotation, a 0.55x downscale and back, noise, JPEG at quality 40). Orlen is text only: its text is
used as is for (a) and drawn into an image for (b) and (c). Prints one table row per mode.
Figures, never pass/fail: services/extractor/tests asserts the floor.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import math
import os
import random
import sys
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont

from billflow.domain.expenses import DocumentText, ExtractedFields, Word, extract_fields, read_fields
from billflow.domain.expenses.vendor import normalise
from billflow.extractor import ReadingLimits, TesseractDocumentReader, TesseractOcr
from billflow.extractor.pdf import render_pages

ROOT = Path(__file__).resolve().parent.parent
FIELDS = ("total", "date", "number", "vendor", "currency")
MODES = ("text-layer", "clean", "degraded")

# Where the corpus's JSON disagrees with what the document prints (see its README).
CAVEATS: dict[str, dict[str, object]] = {
    "SammyMaystoneLinesTest": {"amount": "127.50"},  # null in the JSON, $127.50 printed
    "Orlen": {"invoice_number": "F 1234K20/1234/12"},  # the JSON keeps only "F"
}


def corpus_dir() -> Path | None:
    """``$BILLFLOW_CORPUS_DIR``, else ``../shared/corpus`` beside the repository; None if absent."""
    configured = os.environ.get("BILLFLOW_CORPUS_DIR")
    base = Path(configured) if configured else ROOT.parent / "shared" / "corpus"
    folder = base / "invoice2data" if (base / "invoice2data").is_dir() else base
    return folder if any(folder.glob("*.json")) else None


@dataclass(frozen=True)
class Sample:
    name: str
    source: Path
    expected: dict[str, object]


def samples(folder: Path) -> list[Sample]:
    found = []
    for meta in sorted(folder.glob("*.json")):
        expected = {**json.loads(meta.read_text(encoding="utf-8"))[0], **CAVEATS.get(meta.stem, {})}
        source = next((p for p in (meta.with_suffix(".pdf"), meta.with_suffix(".txt")) if p.exists()), None)
        if source is not None:
            found.append(Sample(meta.stem, source, expected))
    return found


def correct(name: str, fields: ExtractedFields, expected: dict[str, object]) -> dict[str, bool | None]:
    """Per field: True, False, or None when the corpus does not say."""
    amount = expected.get("amount")
    day = expected.get("date")
    number = expected.get("invoice_number")
    issuer = expected.get("issuer")
    return {
        "total": None
        if amount is None
        else fields.total.value == Decimal(str(amount)).quantize(Decimal("0.01")),
        "date": None if day is None else fields.invoice_date.value == date.fromisoformat(str(day)),
        "number": None if number is None else _same_number(fields.invoice_number.value, str(number)),
        "vendor": None if issuer is None else same_vendor(fields.vendor.value, str(issuer)),
        "currency": None if "currency" not in expected else fields.currency.value == expected["currency"],
    }


def _same_number(found: str | None, expected: str) -> bool:
    def key(text: str) -> str:
        return "".join(text.split()).lstrip("#").casefold()

    return found is not None and key(found) == key(expected)


def same_vendor(found: str | None, expected: str) -> bool:
    """The same name once case, accents, legal forms and web suffixes are set aside, or one
    name's words all found in the other (``Sammy Maystone`` for ``Sammy Maystone - For Lines
    testing``, ``Flipkart`` for ``Flipkart.com``)."""
    if not found:
        return False
    noise = {"com", "www", "de", "nl", "fr", "in", "spolka", "akcyjna"}
    a = set(normalise(found).split()) - noise
    b = set(normalise(expected).split()) - noise
    return bool(a) and bool(b) and (a <= b or b <= a)


@dataclass
class Tally:
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    seen: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    misses: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, name: str, fields: ExtractedFields, expected: dict[str, object]) -> None:
        for key, ok in correct(name, fields, expected).items():
            if ok is None:
                continue
            self.seen[key] += 1
            self.right[key] += ok
            if not ok:
                self.misses.append(f"{name}.{key} = {_shown(fields, key)!r}")

    def ratio(self, key: str) -> float:
        return self.right[key] / self.seen[key] if self.seen[key] else math.nan


def _shown(fields: ExtractedFields, key: str) -> object:
    attribute = {"date": "invoice_date", "number": "invoice_number"}.get(key, key)
    return getattr(fields, attribute).value


# -- making the page images -------------------------------------------------------------------


def pdf_pages(content: bytes, dpi: int = 200) -> list[Image.Image]:
    return render_pages(content, ReadingLimits(dpi=dpi))


def text_page(text: str, dpi: int = 200) -> Image.Image:
    """Fixed-width text drawn on a white page, as a printer would (10 pt DejaVu Sans Mono)."""
    font = ImageFont.truetype("DejaVuSansMono.ttf", round(10 * dpi / 72))
    lines = text.expandtabs().splitlines()
    width = max(round(font.getlength(line)) for line in lines) + 2 * dpi // 2
    height = len(lines) * round(14 * dpi / 72) + dpi
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((dpi // 2, dpi // 2 + i * round(14 * dpi / 72)), line, fill=0, font=font)
    return image


def degrade(image: Image.Image, seed: int) -> bytes:
    """A photo-like copy: rotated 1-3 degrees, resolution lost, noise, JPEG artefacts."""
    rng = random.Random(seed)
    angle = rng.uniform(1.0, 3.0) * rng.choice((-1, 1))
    small = image.resize((round(image.width * 0.55), round(image.height * 0.55)), Image.Resampling.BILINEAR)
    page = small.resize(image.size, Image.Resampling.BILINEAR)
    page = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    noise = [Image.frombytes("L", page.size, rng.randbytes(page.width * page.height)) for _ in range(3)]
    grain = ImageChops.add(ImageChops.add(noise[0], noise[1], scale=2.0), noise[2], scale=2.0)
    grain = grain.point(lambda v: round(128 + (v - 128) * 0.4))  # roughly gaussian, sigma ~18
    page = ImageChops.add(page, grain, scale=1.0, offset=-128)
    out = io.BytesIO()
    page.save(out, format="JPEG", quality=40)
    return out.getvalue()


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# -- reading ----------------------------------------------------------------------------------


async def read_images(reader: TesseractDocumentReader, images: Iterable[bytes]) -> ExtractedFields:
    """Each page image OCR'd on its own, the words put back together as one document."""
    words: list[Word] = []
    texts: list[str] = []
    for page, content in enumerate(images):
        document = await reader.read(content, "image/jpeg")
        words.extend(type(w)(w.text, w.left, w.top, w.right, w.bottom, page) for w in document.words)
        texts.append(document.text)
    return read_fields(DocumentText("\n\f".join(texts), tuple(words), pages=len(texts), source="ocr"))


async def read_sample(sample: Sample, mode: str, reader: TesseractDocumentReader) -> ExtractedFields:
    seed = zlib.crc32(sample.name.encode())
    if sample.source.suffix == ".txt":
        text = sample.source.read_text(encoding="utf-8")
        if mode == "text-layer":
            return extract_fields(text)
        images = [text_page(text)]
    else:
        content = sample.source.read_bytes()
        if mode == "text-layer":
            return read_fields(await reader.read(content, "application/pdf"))
        images = await asyncio.to_thread(pdf_pages, content)
    if mode == "clean":
        return await read_images(reader, [png(image) for image in images])
    return await read_images(reader, [degrade(image, seed + i) for i, image in enumerate(images)])


async def measure(folder: Path, modes: Iterable[str], *, parallel: int = 2) -> dict[str, Tally]:
    reader = TesseractDocumentReader(TesseractOcr(), ReadingLimits())
    gate = asyncio.Semaphore(parallel)
    results: dict[str, Tally] = {}
    for mode in modes:
        tally = Tally()
        started = time.perf_counter()

        async def one(sample: Sample, mode: str = mode) -> tuple[Sample, ExtractedFields]:
            async with gate:
                return sample, await read_sample(sample, mode, reader)

        for sample, fields in await asyncio.gather(*(one(s) for s in samples(folder))):
            tally.add(sample.name, fields, sample.expected)
        tally.seconds = time.perf_counter() - started
        results[mode] = tally
    return results


def table(results: dict[str, Tally], out: Callable[[str], object] = print) -> None:
    out("| text from | " + " | ".join(FIELDS) + " | seconds |")
    out("|---|" + "---|" * (len(FIELDS) + 1))
    for mode, tally in results.items():
        cells = [f"{tally.ratio(k):.0%} ({tally.right[k]}/{tally.seen[k]})" for k in FIELDS]
        out(f"| {mode} | " + " | ".join(cells) + f" | {tally.seconds:.0f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    parser.add_argument("--suite", action="store_true", help="the degradation suite instead of --modes")
    parser.add_argument("--kinds", default=None, help="suite: damage kinds, comma-separated (default all)")
    parser.add_argument("--seeds", type=int, default=1, help="suite: seeds per document and kind")
    parser.add_argument("--docs", type=int, default=None, help="suite: only the first N documents")
    parser.add_argument("--parallel", type=int, default=2, help="suite: pages read at once")
    parser.add_argument(
        "--cache", type=Path, default=None, help="suite: keep and reuse readings in this folder"
    )
    parser.add_argument("--cached-only", action="store_true", help="suite: only the readings in --cache")
    args = parser.parse_args()
    folder = corpus_dir()
    if folder is None:
        print("no corpus: set BILLFLOW_CORPUS_DIR or put it at ../shared/corpus", file=sys.stderr)
        return 2
    if args.suite:
        from bench.degradation_suite import KINDS, print_breakdown, print_suite, run_suite, selected

        kinds = args.kinds.split(",") if args.kinds else list(KINDS)
        result = asyncio.run(
            run_suite(
                selected(samples(folder), args.docs),
                kinds,
                args.seeds,
                parallel=args.parallel,
                cache=args.cache,
                cached_only=args.cached_only,
            )
        )
        print_suite(result)
        if args.verbose:
            print_breakdown(result)
            for (kind, share), tally in result.tallies.items():
                print(f"{kind}/{share} misses: " + ("; ".join(tally.misses) or "none"))
        return 0
    results = asyncio.run(measure(folder, args.modes.split(",")))
    table(results)
    if args.verbose:
        for mode, tally in results.items():
            print(f"{mode} misses: " + ("; ".join(tally.misses) or "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
