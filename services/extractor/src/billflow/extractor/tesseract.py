"""Tesseract OCR, run as Debian's ``tesseract`` binary in a subprocess."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import re
import subprocess
from dataclasses import dataclass

from PIL import Image

from billflow.domain.errors import TransientFailure, UnreadableDocument
from billflow.domain.expenses import Word


class TesseractOcr:
    """Words and their boxes from one page image, via ``tesseract stdin stdout tsv``.

    The binary runs with ``OMP_THREAD_LIMIT=1``: Tesseract's own threads slow it down when several
    pages or workers share a few cores. A page that takes longer than ``timeout_s`` is a
    ``TransientFailure`` (the process is killed); a page Tesseract rejects is ``UnreadableDocument``.
    """

    def __init__(
        self, *, binary: str = "tesseract", languages: str = "eng", psm: int = 3, timeout_s: float = 60.0
    ) -> None:
        self._binary = binary
        self._languages = languages
        self._psm = psm
        self._timeout_s = timeout_s

    async def words(self, image: Image.Image, *, page: int = 0) -> list[Word]:
        return (await self.page(image, page=page)).words

    async def page(self, image: Image.Image, *, page: int = 0, timeout_s: float | None = None) -> OcrPage:
        """The words of one page and Tesseract's mean confidence in them (0-100).

        ``timeout_s`` (never beyond the engine's own) bounds this call: the page reader's budget.
        """
        args = ("-l", self._languages, "--psm", str(self._psm), "tsv")
        out = await self._run(image, *args, timeout_s=timeout_s)
        return parse_page(out.decode("utf-8", errors="replace"), page=page)

    async def orientation(self, image: Image.Image) -> int:
        """How far (degrees clockwise: 0, 90, 180, 270) the page must turn to read upright.

        Tesseract's orientation detection (``--psm 0``, the ``osd`` model); 0 when it is unsure or
        finds too little text to say.
        """
        try:
            out = await self._run(image, "--psm", "0")
        except UnreadableDocument:
            return 0
        return parse_osd(out.decode("utf-8", errors="replace"))

    async def _run(self, image: Image.Image, *args: str, timeout_s: float | None = None) -> bytes:
        timeout = self._timeout_s if timeout_s is None else min(timeout_s, self._timeout_s)
        png = await asyncio.to_thread(_png, image)
        try:
            process = await asyncio.create_subprocess_exec(
                self._binary, "stdin", "stdout", *args,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            )  # fmt: skip
        except FileNotFoundError as e:
            raise TransientFailure(f"the OCR engine {self._binary!r} is not installed") from e
        try:
            out, err = await asyncio.wait_for(process.communicate(png), timeout)
        except TimeoutError as e:
            process.kill()
            await process.wait()
            raise TransientFailure(f"OCR took longer than {timeout:.0f} s") from e
        if process.returncode != 0:
            raise UnreadableDocument(f"OCR failed: {err.decode(errors='replace').strip()[:200]}")
        return out


@dataclass(frozen=True, slots=True)
class OcrPage:
    words: list[Word]
    confidence: float
    """Tesseract's mean word confidence, 0-100 (0 when no word was read)."""


def parse_tsv(tsv: str, *, page: int = 0) -> list[Word]:
    """Tesseract's TSV output (level 5 rows are words) as domain words."""
    return parse_page(tsv, page=page).words


def parse_page(tsv: str, *, page: int = 0) -> OcrPage:
    words: list[Word] = []
    confidences: list[float] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        left, top = int(row["left"]), int(row["top"])
        words.append(Word(text, left, top, left + int(row["width"]), top + int(row["height"]), page))
        confidences.append(max(0.0, float(row.get("conf") or 0)))
    return OcrPage(words, sum(confidences) / len(confidences) if confidences else 0.0)


_ROTATE = re.compile(r"^Rotate:\s*(\d+)", re.MULTILINE)
_ORIENTATION_CONFIDENCE = re.compile(r"^Orientation confidence:\s*([\d.]+)", re.MULTILINE)


def parse_osd(text: str, *, min_confidence: float = 2.0) -> int:
    """The ``Rotate:`` of Tesseract's OSD report, when its orientation confidence is high enough."""
    rotate = _ROTATE.search(text)
    confidence = _ORIENTATION_CONFIDENCE.search(text)
    if rotate is None or confidence is None or float(confidence.group(1)) < min_confidence:
        return 0
    return int(rotate.group(1)) % 360


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
